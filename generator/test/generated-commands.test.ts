import {
  AggregateRepository,
  InMemoryEventStore,
  isSchemaValidationError,
  type SchemaValidationError,
  streamAll,
} from '@es-gen/runtime';
import { aggregateTestKit } from '@es-gen/runtime/testing';
import { describe, expect, it } from 'vitest';
import { Customer } from '../../examples/shop/src/domain/customer.ts';
import { Order } from '../../examples/shop/src/domain/order.ts';
import { createEventRegistry } from '../../examples/shop/src/generated/index.ts';

const CUSTOMER = '01900000-0000-7000-8000-000000000001';
const ORDER = '01900000-0000-7000-8000-0000000000d1';

function caught(run: () => unknown): SchemaValidationError {
  try {
    run();
  } catch (error) {
    if (isSchemaValidationError(error)) return error;
    throw error;
  }
  throw new Error('expected a SchemaValidationError, but nothing was thrown');
}

async function rejected(run: () => Promise<unknown>): Promise<SchemaValidationError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (isSchemaValidationError(error)) return error;
  throw new Error(`expected a SchemaValidationError, got ${String(error)}`);
}

function setup() {
  const eventStore = new InMemoryEventStore({ registry: createEventRegistry() });
  const orders = new AggregateRepository({
    eventStore,
    aggregateType: Order.aggregateType,
    aggregateFactory: (id) => new Order(id),
  });
  const stored = async () => {
    const events = [];
    for await (const event of streamAll(eventStore)) events.push(event);
    return events;
  };
  return { orders, stored };
}

const invalidOrder = {
  customerId: 'not-a-uuid',
  lines: [{ sku: '', quantity: 0, unitPrice: '8,50' }],
  currency: 'euro',
  channel: 'phone' as never,
  coupon: 'FREE',
} as never;

describe('generated command validation (examples/shop)', () => {
  it('rejects an invalid command before its handler runs, naming every field and rule, and appends nothing', async () => {
    const { orders, stored } = setup();
    const error = await rejected(() => orders.create(ORDER, (o) => o.placeOrder(invalidOrder)));
    expect(error.command).toEqual({ aggregateType: 'Order', commandType: 'PlaceOrder' });
    expect(error.issues.map((i) => `${i.path || '/'} ${i.reason}`).sort()).toEqual([
      '/ must NOT have additional properties "coupon"',
      '/channel must be equal to one of the allowed values',
      '/currency must match pattern "^[A-Z]{3}$"',
      '/customerId must match format "uuid"',
      '/lines/0/quantity must be >= 1',
      '/lines/0/sku must NOT have fewer than 1 characters',
      '/lines/0/unitPrice must match pattern "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$"',
    ]);
    expect(error.message).toMatch(/^invalid PlaceOrder command of Order: /);
    expect(error.message).toContain('/currency must match pattern "^[A-Z]{3}$"');
    expect(error.message).toContain('/lines/0/quantity must be >= 1');
    expect(await stored()).toEqual([]);
    expect(await orders.exists(ORDER)).toBe(false);
  });

  it('validates commands run by update(): an invalid one appends nothing, a valid one is stored', async () => {
    const { orders, stored } = setup();
    await orders.create(ORDER, (o) =>
      o.placeOrder({ customerId: CUSTOMER, lines: [{ sku: 'MUG-01', quantity: 1, unitPrice: '8.50' }] }),
    );
    const error = await rejected(() => orders.update(ORDER, (o) => o.shipOrder({ trackingNumber: 'T1' })));
    expect(error.issues).toEqual([
      { path: '/trackingNumber', reason: 'must NOT have fewer than 3 characters' },
    ]);
    expect((await stored()).map((e) => e.eventType)).toEqual(['OrderPlaced']);
    await orders.update(ORDER, (o) => o.shipOrder({ trackingNumber: 'TRK-1' }));
    expect((await stored()).map((e) => e.eventType)).toEqual(['OrderPlaced', 'OrderShipped']);
  });

  it('hands the handler a copy with defaults filled in and leaves the caller’s command alone', () => {
    const order = new Order(ORDER);
    const command = { customerId: CUSTOMER, lines: [{ sku: 'MUG-01', quantity: 2, unitPrice: '1.00' }] };
    order.placeOrder(command);
    expect(command).not.toHaveProperty('currency');
    expect(order.getState()).toMatchObject({ currency: 'USD', channel: 'web', amount: 2 });
    expect(order.getUncommittedEvents()).toHaveLength(1);
  });

  it('rejects a direct call on a new aggregate without raising anything', () => {
    const customer = new Customer(CUSTOMER);
    const error = caught(() => customer.registerCustomer({ firstName: '', lastName: 'L', email: 'nope' }));
    expect(error.message).toBe(
      'invalid RegisterCustomer command of Customer: /firstName must NOT have fewer than 1 characters; /email must match format "email"',
    );
    expect(customer.getUncommittedEvents()).toEqual([]);
    expect(customer.version).toBe(0);
  });

  it('runs commands of the aggregate test kit through validation', () => {
    const kit = aggregateTestKit(Customer);
    const error = kit.when((c) => c.changeEmail({ email: 'not-an-email' })).thenThrows();
    expect(isSchemaValidationError(error)).toBe(true);
    expect((error as Error).message).toContain('/email must match format "email"');
    kit
      .given([
        {
          eventType: 'CustomerRegistered',
          schemaVersion: 2,
          data: { firstName: 'A', lastName: 'L', email: 'a@b.c' },
        },
      ])
      .when((c) => c.changeEmail({ email: 'ada@example.com' }))
      .then([{ eventType: 'CustomerEmailChanged', data: { email: 'ada@example.com' } }]);
  });
});
