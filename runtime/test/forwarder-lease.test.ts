import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import type { ReplicaStatus } from '../checkpoint-store/lease-keeper.ts';
import type { EventBus } from '../event-bus/event-bus.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { createEvent } from '../events/domain-event.ts';
import { EventForwarder } from '../forwarder/event-forwarder.ts';
import { SQLiteCheckpointStore } from '../sqlite/sqlite-checkpoint-store.ts';
import { SQLiteEventStore } from '../sqlite/sqlite-event-store.ts';
import { until } from './support/replica-fleet.ts';

/**
 * Two forwarders of one name on one SQLite file (two connections, as two processes would
 * have): one publishes, the other waits as standby and takes over when the first stops.
 */
const dir = mkdtempSync(join(tmpdir(), 'es-gen-forwarder-lease-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('one forwarder per name is active; a standby takes over from its checkpoint when it stops', async () => {
  const file = join(dir, 'app.db');
  const published: string[] = [];
  const bus = {
    publish: async (events: readonly DomainEvent[]) => void published.push(...events.map((e) => e.eventId)),
  } as unknown as EventBus;
  const open = (replica: string, statuses: ReplicaStatus[]) => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const eventStore = new SQLiteEventStore(db);
    const forwarder = new EventForwarder({
      eventStore,
      bus,
      checkpoints: new SQLiteCheckpointStore(db),
      pollIntervalMs: 20,
      lease: { ttlMs: 1000, standbyCheckMs: 20, replica, onStatusChange: (s) => statuses.push(s) },
    });
    return { db, eventStore, forwarder };
  };
  const aStatuses: ReplicaStatus[] = [];
  const bStatuses: ReplicaStatus[] = [];
  const a = open('a', aStatuses);
  const b = open('b', bStatuses);
  const append = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const e = createEvent({
        eventType: 'Noted',
        aggregateType: 'Note',
        aggregateId: `n${i}-${published.length}`,
        data: {},
      });
      await a.eventStore.appendEvents(e.aggregateId, 'Note', [e]);
    }
  };
  await append(20);
  a.forwarder.start();
  await until(() => a.forwarder.status.state === 'active', 2000, 'a not active');
  b.forwarder.start();
  await until(() => b.forwarder.status.state === 'standby', 2000, 'b not standby');
  expect(b.forwarder.status).toMatchObject({ holder: 'a', epoch: a.forwarder.status.epoch });
  await expect(b.forwarder.forwardAvailable()).rejects.toMatchObject({ code: 'ES_NOT_LEASE_HOLDER' });
  await until(() => published.length === 20, 2000, 'first 20 not published');

  await a.forwarder.stop();
  expect(a.forwarder.status.state).toBe('stopped');
  await until(() => b.forwarder.status.state === 'active', 2000, 'b did not take over');
  await append(15);
  await until(() => published.length >= 35, 2000, 'next 15 not published');
  await b.forwarder.stop();
  expect(new Set(published).size).toBe(35);
  expect(published.length).toBe(35);
  expect(bStatuses.map((s) => s.state)).toEqual(['standby', 'active', 'stopped']);
  a.db.close();
  b.db.close();
});
