import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AggregateRoot } from '../aggregate/aggregate-root.ts';
import { isInvalidArgumentError, isSchemaValidationError } from '../errors.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { assertCurrentVersion, customUpcaster, defineEvent, validateCommands } from './index.ts';

const ajv = new Ajv2020({ allErrors: true, useDefaults: true });
const placedV2 = ajv.compile({
  type: 'object',
  properties: {
    lines: { type: 'array', items: { type: 'string' } },
    currency: { type: 'string', default: 'USD' },
  },
  required: ['lines'],
  additionalProperties: false,
});
const shipCommand = ajv.compile({
  type: 'object',
  properties: { carrier: { type: 'string', default: 'post' } },
  additionalProperties: false,
});

interface PlacedData {
  readonly lines: readonly string[];
  readonly currency: string;
}
interface PlacedInput {
  readonly lines: readonly string[];
  readonly currency?: string;
}
type PlacedEvent = DomainEvent<PlacedData, 'OrderPlaced'>;

abstract class OrderPlaced extends defineEvent<PlacedEvent, PlacedInput, 2, 'Order'>(
  'Order',
  'OrderPlaced',
  2,
  placedV2,
) {}

describe('defineEvent', () => {
  it('gives the class literal-typed statics', () => {
    expect([OrderPlaced.eventType, OrderPlaced.schemaVersion, OrderPlaced.aggregateType]).toEqual([
      'OrderPlaced',
      2,
      'Order',
    ]);
    expectTypeOf(OrderPlaced.eventType).toEqualTypeOf<'OrderPlaced'>();
    expectTypeOf(OrderPlaced.schemaVersion).toEqualTypeOf<2>();
    expectTypeOf(OrderPlaced.aggregateType).toEqualTypeOf<'Order'>();
    expectTypeOf(OrderPlaced.create).returns.toEqualTypeOf<PlacedEvent>();
    expectTypeOf(OrderPlaced.create).parameter(0).toEqualTypeOf<PlacedInput>();
  });

  it('creates a frozen event with defaults filled in, leaving the input untouched', () => {
    const input = { lines: ['a'] };
    const event = OrderPlaced.create(input, { aggregateId: 'o-1' });
    expect(event).toMatchObject({
      eventType: 'OrderPlaced',
      schemaVersion: 2,
      aggregateType: 'Order',
      aggregateId: 'o-1',
      data: { lines: ['a'], currency: 'USD' },
    });
    expect(Object.isFrozen(event.data)).toBe(true);
    expect(input).toEqual({ lines: ['a'] });
  });

  it('works detached from its class', () => {
    const { create } = OrderPlaced;
    expect(create({ lines: [] }, { aggregateId: 'o-1' }).data.currency).toBe('USD');
  });

  it('rejects an invalid payload with SchemaValidationError naming the field', () => {
    const error = (() => {
      try {
        OrderPlaced.create({ lines: [1] } as unknown as PlacedInput, { aggregateId: 'o-1' });
      } catch (e) {
        return e;
      }
    })();
    expect(isSchemaValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/invalid OrderPlaced v2 payload: \/lines\/0/);
  });

  it('is() accepts only its type at the current version', () => {
    const current = OrderPlaced.create({ lines: [] }, { aggregateId: 'o-1' });
    const older = createEvent({
      eventType: 'OrderPlaced',
      schemaVersion: 1,
      aggregateType: 'Order',
      aggregateId: 'o-1',
      data: {},
    });
    const other = createEvent({
      eventType: 'OrderShipped',
      schemaVersion: 2,
      aggregateType: 'Order',
      aggregateId: 'o-1',
      data: {},
    });
    expect([OrderPlaced.is(current), OrderPlaced.is(older), OrderPlaced.is(other)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('assertCurrentVersion', () => {
  it('returns the event typed as the current version', () => {
    const event: DomainEvent = OrderPlaced.create({ lines: ['x'] }, { aggregateId: 'o-1' });
    const typed = assertCurrentVersion(event, OrderPlaced, 'OrderSummary');
    expectTypeOf(typed).toEqualTypeOf<PlacedEvent>();
    expect(typed.data.lines).toEqual(['x']);
  });

  it('rejects an older version, naming the applier and both versions', () => {
    const older = createEvent({
      eventType: 'OrderPlaced',
      schemaVersion: 1,
      aggregateType: 'Order',
      aggregateId: 'o-1',
      data: {},
    });
    const call = () => assertCurrentVersion(older, OrderPlaced, { aggregateType: 'Order', id: 'o-1' });
    expect(call).toThrow(
      'Order "o-1" cannot apply OrderPlaced v1, expected v2: read events through a store built with createEventRegistry() so they are upcast',
    );
    try {
      call();
    } catch (e) {
      expect(isInvalidArgumentError(e)).toBe(true);
    }
  });
});

describe('validateCommands', () => {
  interface ShipCommand {
    readonly carrier?: string;
  }
  class Order extends AggregateRoot<{ shippedBy: string[] }> {
    static readonly aggregateType = 'Order';
    constructor(id: string) {
      super(id, { shippedBy: [] });
      validateCommands(this, 'Order', { ship: ['ShipOrder', shipCommand] });
    }
    ship(command: ShipCommand): void {
      this.state.shippedBy.push(command.carrier ?? 'none');
    }
    carriers(): readonly string[] {
      return this.state.shippedBy;
    }
    protected when(): void {}
  }

  it('hands the handler a validated copy with defaults filled in', () => {
    const order = new Order('o-1');
    const command = {};
    order.ship(command);
    expect(order.carriers()).toEqual(['post']);
    expect(command).toEqual({});
  });

  it('rejects an invalid command before the handler runs', () => {
    const order = new Order('o-1');
    expect(() => order.ship({ carrier: 7 } as unknown as ShipCommand)).toThrow(
      /invalid ShipOrder command of Order: \/carrier/,
    );
    expect(order.carriers()).toEqual([]);
  });

  it('names a listed handler that the aggregate lacks', () => {
    const target = { aggregateType: 'Order' };
    expect(() => validateCommands(target, 'Order', { aggregateType: ['Ship', shipCommand] })).toThrow(
      "Order has no command handler aggregateType(): implement it in the aggregate's class",
    );
  });
});

describe('customUpcaster', () => {
  interface NameV1 {
    readonly name: string;
  }
  const split = (data: NameV1) => ({ first: data.name.split(' ')[0], last: data.name.split(' ')[1] });

  it('runs a typed upcaster on the stored payload and returns a plain copy', () => {
    const upcast = customUpcaster<NameV1>(split);
    const event = createEvent({
      eventType: 'Named',
      aggregateType: 'Person',
      aggregateId: 'a-1',
      data: { name: 'Ada Lovelace' },
    });
    expect(upcast({ name: 'Ada Lovelace' }, event)).toEqual({ first: 'Ada', last: 'Lovelace' });
  });

  it('passes the event the payload belongs to', () => {
    const event = createEvent({ eventType: 'Named', aggregateType: 'Person', aggregateId: 'a-7', data: {} });
    const upcast = customUpcaster<NameV1>((_data, e) => ({ from: e.aggregateId }));
    expect(upcast({ name: '' }, event)).toEqual({ from: 'a-7' });
  });
});
