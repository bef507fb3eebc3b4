import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpectedVersion } from '../event-store/event-store.ts';
import { MetricNames } from '../observability/metrics.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { pointValue, recordMetrics } from '../test/support/metric-reader.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { serviceAvailable } from '../testing/services.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';
import { appendOnClient } from './test/raw-append.ts';

const pgAvailable = await serviceAvailable('postgres');
const reader = recordMetrics();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe.skipIf(!pgAvailable)('PostgreSQL metrics', { timeout: 60_000 }, () => {
  let pool: Pool;
  let store: PostgreSQLEventStore;
  const schema = uniqueSchema('es_pg_metrics');

  beforeAll(async () => {
    pool = testPool(4);
    store = new PostgreSQLEventStore({ connection: pool, schema, notify: false });
    await store.initialize();
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('counts appends, replays and lock conflicts under store kind postgresql', async () => {
    const stream = fixtureStream();
    const events = fixtureEvents(stream, 3);
    await store.appendEvents(stream.aggregateId, stream.aggregateType, events, ExpectedVersion.NoStream);
    await store.appendEvents(stream.aggregateId, stream.aggregateType, events, ExpectedVersion.NoStream);
    await expect(
      store.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 1, 4), 1),
    ).rejects.toThrow();
    const m = await reader.collect();
    const at = (outcome: string) => ({
      'es_gen.store.kind': 'postgresql',
      'es_gen.aggregate.type': stream.aggregateType,
      'es_gen.append.outcome': outcome,
    });
    expect(pointValue(m.get(MetricNames.appendedEvents), at('appended'))).toBe(3);
    expect(pointValue(m.get(MetricNames.appendedBatches), at('appended'))).toBe(1);
    expect(pointValue(m.get(MetricNames.appendConflicts), at('replayed'))).toBe(1);
    expect(pointValue(m.get(MetricNames.appendConflicts), at('optimistic_lock'))).toBe(1);
    expect(pointValue(m.get(MetricNames.appendDuration), at('appended'))).toBe(1);
  });

  it('reports events held back behind an open transaction, then none once it commits', async () => {
    const seen: string[] = [];
    const runner = new ProjectionRunner(
      { name: `p_${uniqueSchema('')}`, handle: (e) => void seen.push(e.eventId) },
      {
        eventStore: store,
        checkpointStore: new PostgreSQLCheckpointStore({ connection: pool, schema }),
        deadLetterStore: new PostgreSQLDeadLetterStore({ connection: pool, schema }),
        pollIntervalMs: 20,
        logger: quiet,
      },
    );
    await runner.start();
    const attributes = { 'es_gen.processor.kind': 'projection', 'es_gen.processor.name': runner.name };
    let blocker: PoolClient | undefined = await pool.connect();
    try {
      await blocker.query('BEGIN');
      const held = fixtureStream();
      await appendOnClient(blocker, schema, fixtureEvents(held, 1));
      const stream = fixtureStream();
      await store.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 4));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const behind = await reader.collect();
      const lag = pointValue(behind.get(MetricNames.lagEvents), attributes);
      expect(lag).toBeGreaterThanOrEqual(4);
      expect(behind.get(MetricNames.heldBack)?.unit).toBe('{event}');
      expect(pointValue(behind.get(MetricNames.heldBack), attributes)).toBe(lag);
      await blocker.query('COMMIT');
      blocker.release();
      blocker = undefined;
      const deadline = Date.now() + 20_000;
      let caughtUp = -1;
      while (Date.now() < deadline) {
        caughtUp = pointValue((await reader.collect()).get(MetricNames.lagEvents), attributes) ?? -1;
        if (caughtUp === 0) break;
        runner.wake();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(caughtUp).toBe(0);
      expect(seen.length).toBeGreaterThanOrEqual(5);
    } finally {
      await blocker?.query('ROLLBACK').catch(() => {});
      blocker?.release();
      await runner.stop();
    }
  });
});
