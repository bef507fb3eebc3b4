import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../events/domain-event.ts';
import { serviceAvailable } from '../testing/services.ts';
import { dollarQuoteTag } from './identifiers.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe('dollarQuoteTag', () => {
  it('is $fn$ for ordinary names and a tag the name does not contain otherwise', () => {
    expect(dollarQuoteTag('es_gen')).toBe('$fn$');
    expect(dollarQuoteTag('odd$fn$name')).toBe('$fn1$');
    expect(dollarQuoteTag('$fn$$fn1$$fn2$')).toBe('$fn3$');
  });
});

describe.skipIf(!pgAvailable)('a schema name containing the dollar-quote tag', () => {
  let pool: Pool;
  const schema = uniqueSchema('odd$fn$name');

  beforeAll(() => {
    pool = testPool(2);
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('migrates, appends and reads', async () => {
    const store = new PostgreSQLEventStore({ connection: pool, schema });
    try {
      await store.initialize();
      const event = createEvent({
        eventType: 'Placed',
        aggregateType: 'Order',
        aggregateId: 'o-1',
        data: {},
      });
      const result = await store.appendEvents('o-1', 'Order', [event]);
      expect(result.nextExpectedVersion).toBe(1);
      expect((await store.getEventsByType('Order')).map((e) => e.eventId)).toEqual([event.eventId]);
      expect((await store.getEvents('o-1', 'Order')).length).toBe(1);
    } finally {
      await store.close();
    }
  });
});
