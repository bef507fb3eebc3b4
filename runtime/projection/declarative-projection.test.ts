import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventStorage, InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { fixtureRegistry } from '../testing/fixtures-events.ts';
import { DeclarativeProjection, handles } from './declarative-projection.ts';
import { ProjectionRunner } from './projection-runner.ts';
import type * as Fixture from './test/fixtures/order-summary.ts';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'test', '.tmp', `decorators-${process.pid}-${Date.now()}`);

/**
 * vitest's transformer (Oxc) only lowers legacy decorators, so the fixture written with standard
 * decorators is compiled here by the TypeScript compiler, exactly as `tsc` compiles users' code.
 */
async function loadDecoratedFixture(): Promise<typeof Fixture> {
  const source = readFileSync(join(here, 'test', 'fixtures', 'order-summary.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'order-summary.mjs');
  // The output sits one folder deeper than the fixture; its relative imports move up one level.
  writeFileSync(file, outputText.replaceAll("from '../../", "from '../../../"));
  return (await import(/* @vite-ignore */ file)) as typeof Fixture;
}

let fixture: typeof Fixture;
beforeAll(async () => {
  fixture = await loadDecoratedFixture();
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function order(eventType: string, aggregateId: string, data: unknown) {
  return createEvent({ eventType, aggregateType: 'Order', aggregateId, data });
}

function runnerFor(projection: DeclarativeProjection, eventStore: InMemoryEventStore) {
  return new ProjectionRunner(projection, {
    eventStore,
    checkpointStore: new InMemoryCheckpointStore(),
    deadLetterStore: new InMemoryDeadLetterStore(),
    retry: { retries: 0 },
    onError: () => {},
  });
}

describe('DeclarativeProjection with @handles (standard decorators)', () => {
  it('dispatches each event type to its decorated method, sync or async', async () => {
    const projection = new fixture.OrderSummary();
    expect(projection.name).toBe('OrderSummary');
    expect(projection.eventTypes).toEqual(['OrderPlaced', 'OrderShipped', 'OrderDelivered']);
    const store = new InMemoryEventStore();
    await store.appendEvents('o-1', 'Order', [order('OrderPlaced', 'o-1', { total: 10, currency: 'EUR' })]);
    await store.appendEvents('o-2', 'Order', [order('OrderPlaced', 'o-2', { total: 5, currency: 'USD' })]);
    await store.appendEvents('o-1', 'Order', [
      order('OrderShipped', 'o-1', {}),
      order('OrderNoted', 'o-1', {}),
    ]);
    await store.appendEvents('o-2', 'Order', [order('OrderDelivered', 'o-2', {})]);
    const runner = runnerFor(projection, store);
    const result = await runner.runUntilCaughtUp();
    expect(result).toMatchObject({ handled: 4, deadLettered: 0 });
    expect(Object.fromEntries(projection.rows)).toEqual({
      'o-1': { status: 'shipped', total: 10, currency: 'EUR' },
      'o-2': { status: 'delivered', total: 5, currency: 'USD' },
    });
    expect(await runner.getPosition()).toBe(await store.getHeadPosition());
  });

  it('rebuild through the reset() hook yields the same read model', async () => {
    const projection = new fixture.OrderSummary();
    const store = new InMemoryEventStore();
    await store.appendEvents('o-1', 'Order', [
      order('OrderPlaced', 'o-1', { total: 3, currency: 'EUR' }),
      order('OrderShipped', 'o-1', {}),
    ]);
    const runner = runnerFor(projection, store);
    await runner.runUntilCaughtUp();
    const before = structuredClone(Object.fromEntries(projection.rows));
    projection.rows.set('stale', { status: 'x', total: 0, currency: 'X' });
    expect(await runner.rebuild()).toMatchObject({ handled: 2, position: 2 });
    expect(Object.fromEntries(projection.rows)).toEqual(before);
  });

  it('refuses two handlers for one event type, naming both', () => {
    const projection = new fixture.Conflicting();
    expect(() => projection.eventTypes).toThrow(
      /"Conflicting": OrderPlaced has two handlers, method first\(\) and method second\(\)/,
    );
  });

  it('refuses an event source without an eventType', () => {
    expect(() => handles({} as { eventType: string })).toThrow(/not an event type/);
    expect(() => handles(class NotAnEvent {} as unknown as { eventType: string })).toThrow(
      /class NotAnEvent is not an event type/,
    );
  });
});

describe('DeclarativeProjection with a handler map', () => {
  it('handles the mapped types, reads only those and ignores others', async () => {
    const seen: string[] = [];
    const projection = new DeclarativeProjection({
      name: 'Shipments',
      handlers: { OrderShipped: (e) => void seen.push(e.aggregateId) },
    });
    expect(projection.eventTypes).toEqual(['OrderShipped']);
    expect(projection.handlesEventType('OrderPlaced')).toBe(false);
    await projection.handle({ ...order('OrderPlaced', 'o-9', {}), position: 1 });
    expect(seen).toEqual([]);
    const store = new InMemoryEventStore();
    await store.appendEvents('o-1', 'Order', [
      order('OrderPlaced', 'o-1', {}),
      order('OrderShipped', 'o-1', {}),
    ]);
    await store.appendEvents('o-2', 'Order', [order('OrderPlaced', 'o-2', {})]);
    const runner = runnerFor(projection, store);
    expect(await runner.runUntilCaughtUp()).toMatchObject({ handled: 1, position: 2 });
    expect(seen).toEqual(['o-1']);
    // The last stored event is not one it reads, yet it counts as caught up.
    expect(await runner.getPosition()).toBe(3);
  });

  it('needs a name when not subclassed', () => {
    expect(() => new DeclarativeProjection({ handlers: {} })).toThrow(/needs \{ name \}/);
  });

  it('handlers see stored events upcast to the current version by the store registry', async () => {
    const storage = new InMemoryEventStorage();
    const writer = new InMemoryEventStore({ storage });
    const v1 = (sku: string, status: string) =>
      createEvent({
        eventType: 'ItemAdded',
        schemaVersion: 1,
        aggregateType: 'Cart',
        aggregateId: 'c-1',
        data: { sku, qty: 2, status, legacy: true },
      });
    await writer.appendEvents('c-1', 'Cart', [v1('A', 'new'), v1('B', 'old')]);
    const reader = new InMemoryEventStore({ storage, registry: fixtureRegistry('Cart') });
    const seen: StoredEvent[] = [];
    const projection = new DeclarativeProjection({
      name: 'CartLines',
      handlers: { ItemAdded: (e) => void seen.push(e) },
    });
    await runnerFor(projection, reader).runUntilCaughtUp();
    expect(seen.map((e) => [e.schemaVersion, e.data])).toEqual([
      [3, { sku: 'A', quantity: 2, status: 'open', currency: 'USD', label: 'A x2' }],
      [3, { sku: 'B', quantity: 2, status: 'closed', currency: 'USD', label: 'B x2' }],
    ]);
  });
});
