import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AggregateRepository,
  createEvent,
  ExpectedVersion,
  InMemoryEventStore,
  isInvalidArgumentError,
  isSchemaValidationError,
  type SchemaValidationError,
} from '@es-gen/runtime';
import { describe, expect, it } from 'vitest';
import { Customer } from '../../examples/shop/src/domain/customer.ts';
import { Order } from '../../examples/shop/src/domain/order.ts';
import { createEventRegistry, OrderPlaced, OrderShipped } from '../../examples/shop/src/generated/index.ts';
import { typeCheck, typeScriptFiles } from './emit-harness.ts';
import { OrderCancelled as FixtureOrderCancelled } from './fixtures/basic/expected/src/generated/aggregates/order.ts';
import * as catalog from './fixtures/catalog/expected/src/generated/index.ts';

const REPO = join(import.meta.dirname, '..', '..');
const CUSTOMER = '01900000-0000-7000-8000-000000000001';

function placeOrder(order: Order): void {
  order.placeOrder({ customerId: CUSTOMER, lines: [{ sku: 'A-1', quantity: 3, unitPrice: '2.50' }] });
}

describe('generated code', () => {
  it('type-checks under the strict tsconfig (every golden fixture and examples/shop, one program)', () => {
    const fixtures = join(REPO, 'generator', 'test', 'fixtures');
    const roots = [
      ...readdirSync(fixtures)
        .sort()
        .flatMap((name) => typeScriptFiles(join(fixtures, name, 'expected'))),
      ...typeScriptFiles(join(REPO, 'examples', 'shop', 'src')),
    ];
    expect(roots.some((r) => r.includes('/fixtures/catalog/'))).toBe(true);
    expect(typeCheck(roots)).toEqual([]);
  });

  it('runs: a command raises validated events that change the state, and the repository loads them back', async () => {
    const store = new InMemoryEventStore({ registry: createEventRegistry() });
    const orders = new AggregateRepository({
      eventStore: store,
      aggregateType: Order.aggregateType,
      aggregateFactory: (id) => new Order(id),
    });
    const id = '01900000-0000-7000-8000-0000000000aa';
    const created = await orders.create(id, placeOrder);
    expect(created.events.map((e) => [e.eventType, e.schemaVersion])).toEqual([['OrderPlaced', 3]]);
    expect(created.aggregate.getState()).toMatchObject({ status: 'placed', amount: 7.5, currency: 'USD' });
    await orders.update(id, (o) => o.shipOrder({ trackingNumber: 'TRK-9' }));
    const loaded = await orders.load(id);
    expect(loaded.version).toBe(2);
    expect(loaded.getState()).toMatchObject({
      status: 'shipped',
      trackingNumber: 'TRK-9',
      customerId: CUSTOMER,
    });
    expect(() => loaded.shipOrder({ trackingNumber: 'TRK-10' })).toThrow(/only a placed order/);
  });

  it('loads an event stored as version 1 as the current version, through declarative and custom upcasters', async () => {
    const store = new InMemoryEventStore({ registry: createEventRegistry() });
    const orderId = '01900000-0000-7000-8000-0000000000bb';
    const v1 = createEvent({
      eventType: 'OrderPlaced',
      schemaVersion: 1,
      aggregateType: 'Order',
      aggregateId: orderId,
      data: { customerId: CUSTOMER, lines: [{ sku: 'A-1', quantity: 1, unitPrice: '5.00' }], total: 5 },
    });
    await store.appendEvents(orderId, 'Order', [v1], ExpectedVersion.NoStream);
    const [read] = await store.getEvents(orderId, 'Order');
    expect(read?.schemaVersion).toBe(OrderPlaced.schemaVersion);
    expect(read?.data).toEqual({
      customerId: CUSTOMER,
      lines: [{ sku: 'A-1', quantity: 1, unitPrice: '5.00' }],
      amount: 5,
      currency: 'USD',
      channel: 'web',
    });
    const orders = new AggregateRepository({
      eventStore: store,
      aggregateType: 'Order',
      aggregateFactory: (id) => new Order(id),
    });
    expect((await orders.load(orderId)).getState()).toMatchObject({
      status: 'placed',
      amount: 5,
      channel: 'web',
    });

    const customerId = '01900000-0000-7000-8000-0000000000cc';
    const legacy = createEvent({
      eventType: 'CustomerRegistered',
      schemaVersion: 1,
      aggregateType: 'Customer',
      aggregateId: customerId,
      data: { name: 'Ada King Lovelace', email: 'ADA@example.com' },
    });
    await store.appendEvents(customerId, 'Customer', [legacy], ExpectedVersion.NoStream);
    const customers = new AggregateRepository({
      eventStore: store,
      aggregateType: 'Customer',
      aggregateFactory: (id) => new Customer(id),
    });
    expect((await customers.load(customerId)).getState()).toEqual({
      firstName: 'Ada King',
      lastName: 'Lovelace',
      email: 'ada@example.com',
    });
  });

  it('rejects an invalid create() with a SchemaValidationError naming the path', () => {
    let error: SchemaValidationError | undefined;
    try {
      OrderShipped.create({ trackingNumber: 'x', shippedAt: 'yesterday' }, { aggregateId: 'o-1' });
    } catch (e) {
      if (isSchemaValidationError(e)) error = e;
    }
    expect(error?.eventType).toBe('OrderShipped');
    expect(error?.issues.map((i) => i.path).sort()).toEqual(['/shippedAt', '/trackingNumber']);
    expect(error?.message).toMatch(/\/trackingNumber must NOT have fewer than 3 characters/);
    expect(() =>
      OrderPlaced.create({ customerId: CUSTOMER, lines: [], amount: 1, channel: 'web', extra: 1 } as never, {
        aggregateId: 'o-1',
      }),
    ).toThrow(/must NOT have additional properties "extra"/);
  });

  it('fills in defaults, freezes the payload and leaves the caller’s object alone', () => {
    const input = { reason: 'duplicate' };
    const event = FixtureOrderCancelled.create(input, { aggregateId: 'o-2' });
    expect(event.data).toEqual({ reason: 'duplicate', channel: 'web' });
    expect(Object.isFrozen(event.data)).toBe(true);
    expect(input).not.toHaveProperty('channel');
    expect(FixtureOrderCancelled.is(event)).toBe(true);
    expect(OrderPlaced.is(event)).toBe(false);
    expect(event).toMatchObject({ eventType: 'OrderCancelled', schemaVersion: 1, aggregateType: 'Order' });
  });

  it('refuses to apply an event that was not upcast, naming the fix', () => {
    const order = new Order('o-3');
    const stale = createEvent({
      eventType: 'OrderPlaced',
      schemaVersion: 1,
      aggregateType: 'Order',
      aggregateId: 'o-3',
      aggregateVersion: 1,
      data: { customerId: CUSTOMER, lines: [], total: 1 },
    });
    let error: unknown;
    try {
      order.loadFromHistory([stale]);
    } catch (e) {
      error = e;
    }
    expect(isInvalidArgumentError(error)).toBe(true);
    expect((error as Error).message).toMatch(/OrderPlaced v1, expected v3.*createEventRegistry/);
  });
});

describe('generated code of the catalog fixture (every field type, nested named types, mixed upcasts)', () => {
  const review = {
    rating: 5,
    reviewerId: CUSTOMER,
    weight: 0.5,
    verified: true,
    reviewedAt: '2024-05-01T10:00:00Z',
    reviewedOn: '2024-05-01',
    refund: '12.50',
    scores: [1, 2.5],
    link: 'https://example.com/p/1',
    extra: { any: ['json', 1, null] },
  };

  it('accepts every field type, fills in defaults and rejects each invalid value by its path', () => {
    const event = catalog.ProductReviewed.create(review, { aggregateId: 'p-1' });
    expect(event.data).toEqual({ ...review, helpful: 0 });
    let error: SchemaValidationError | undefined;
    try {
      catalog.ProductReviewed.create(
        {
          ...review,
          rating: 6,
          reviewerId: 'nope',
          reviewedAt: '2024-05-01',
          reviewedOn: 'May 1st',
          refund: '1,5',
          scores: [1, 'two'] as never,
          link: 'not a uri',
          comment: 'x'.repeat(501),
        },
        { aggregateId: 'p-1' },
      );
    } catch (e) {
      if (isSchemaValidationError(e)) error = e;
    }
    expect(error?.issues.map((i) => i.path).sort()).toEqual([
      '/comment',
      '/link',
      '/rating',
      '/refund',
      '/reviewedAt',
      '/reviewedOn',
      '/reviewerId',
      '/scores/1',
    ]);
  });

  it('validates named types nested in named types, with their defaults', () => {
    const variant = { sku: 'TEE-1', size: { width: 1, height: 2, depth: 3 }, tags: ['new' as const] };
    expect(catalog.VariantAdded.create({ variant }, { aggregateId: 'p-1' }).data).toEqual({ variant });
    expect(() =>
      catalog.VariantAdded.create(
        { variant: { ...variant, sku: 'tee 1', size: { width: -1, height: 2, depth: 501 } } },
        { aggregateId: 'p-1' },
      ),
    ).toThrow(
      /\/variant\/sku must match pattern.*\/variant\/size\/width must be >= 0.*\/variant\/size\/depth must be <= 500/s,
    );
    const created = catalog.ProductCreated.create(
      { name: 'Mug', price: { amount: '4.00' }, condition: 'new' },
      { aggregateId: 'p-1' },
    );
    expect(created.data).toEqual({
      name: 'Mug',
      price: { amount: '4.00', currency: 'EUR' },
      condition: 'new',
      tags: [],
    });
    // A default that looks like a schema is data: it reaches the payload unchanged.
    const listed = catalog.ProductListed.create({ listedOn: '2024-06-01' }, { aggregateId: 'p-1' });
    expect(listed.data).toEqual({
      listedOn: '2024-06-01',
      channel: 'web',
      display: { title: 'Listed', description: '', $ref: '#/$defs/Tag' },
    });
  });

  it('upcasts through declarative steps and reaches the custom upcaster of the chain', async () => {
    const store = new InMemoryEventStore({ registry: catalog.createEventRegistry() });
    const v3 = createEvent({
      eventType: 'ProductCreated',
      schemaVersion: 3,
      aggregateType: 'Product',
      aggregateId: 'p-3',
      data: { name: 'Mug', price: { amount: '4.00', currency: 'EUR' }, condition: 'refurbished' },
    });
    await store.appendEvents('p-3', 'Product', [v3], ExpectedVersion.NoStream);
    const [read] = await store.getEvents('p-3', 'Product');
    expect(read?.schemaVersion).toBe(4);
    expect(read?.data).toEqual({ ...v3.data, tags: [] });

    const v1 = createEvent({
      eventType: 'ProductCreated',
      schemaVersion: 1,
      aggregateType: 'Product',
      aggregateId: 'p-1',
      data: { title: 'Mug', price: '4.00', state: 'used', legacyCode: 'X' },
    });
    await store.appendEvents('p-1', 'Product', [v1], ExpectedVersion.NoStream);
    // Version 1 goes through rename, remove and map to version 2, then into the custom stub.
    await expect(store.getEvents('p-1', 'Product')).rejects.toThrow(
      /upcastProductCreatedV2ToV3 is not implemented/,
    );
  });
});
