import { tmpdir } from 'node:os';
import { ProjectionRunner, type StoredEvent } from '@es-gen/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../../../runtime/testing/services.ts';
import { type OpsHarness, postgresHarness, seed, sqliteHarness } from '../test/ops-store-harness.ts';
import { runCli } from '../test/run-cli.ts';

const pgAvailable = await serviceAvailable('postgres');
const cases = [
  { name: 'a SQLite file', make: sqliteHarness, skip: false },
  { name: 'PostgreSQL', make: postgresHarness, skip: !pgAvailable },
];

describe.each(cases)('es-gen dead-letters on $name', ({ make, skip }) => {
  let h: OpsHarness;
  let events: StoredEvent[];
  const run = (...args: string[]) => runCli(tmpdir(), ...args, '--store', h.target);
  const ids = async () => (await h.stores.deadLetters.list()).map((d) => d.id);
  beforeEach(async (test) => {
    if (skip) return test.skip();
    h = make();
    events = await seed(h.stores);
  });
  afterEach(async () => {
    await h?.dispose();
  });

  it('list prints the dead letters in event order as a table', async () => {
    const result = await run('dead-letters', 'list');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'id    projection                position  event type    aggregate  attempts  failed at                 error',
        'dl-1  OrderSummary                     1  OrderPlaced   Order/o1          4  2024-05-01T10:00:00.000Z  cannot handle event 1',
        'dl-2  OrderSummary                     2  OrderShipped  Order/o1          4  2024-05-01T10:00:00.000Z  cannot handle event 2',
        'dl-3  OrderSummary@tenant:acme         3  OrderNoted    Order/o1          4  2024-05-01T10:00:00.000Z  cannot handle event 3',
        '',
      ].join('\n'),
    );
  });

  it('list filters by projection, event type and limit, as JSON', async () => {
    const byType = await run(
      'dead-letters',
      'list',
      '--projection',
      'OrderSummary',
      '--event-type',
      'OrderShipped',
      '--format',
      'json',
    );
    expect(byType.code).toBe(0);
    expect(JSON.parse(byType.stdout)).toMatchObject({
      version: 1,
      deadLetters: [
        {
          id: 'dl-2',
          projection: 'OrderSummary',
          position: 2,
          eventId: events[1]!.eventId,
          eventType: 'OrderShipped',
          aggregateType: 'Order',
          aggregateId: 'o1',
          attempts: 4,
          failedAt: '2024-05-01T10:00:00.000Z',
          error: { name: 'Error', message: 'cannot handle event 2' },
        },
      ],
    });
    const limited = JSON.parse(
      (await run('dead-letters', 'list', '--limit', '1', '--format', 'json')).stdout,
    );
    expect(limited.deadLetters.map((d: { id: string }) => d.id)).toEqual(['dl-1']);
    const bad = await run('dead-letters', 'list', '--limit', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('es-gen dead-letters list: --limit must be a positive whole number, got "0"\n');
  });

  it('show prints one dead letter with its data; an unknown id exits 2', async () => {
    const result = await run('dead-letters', 'show', 'dl-3');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `event       OrderNoted ${events[2]!.eventId} (position 3, schema version 1)`,
    );
    expect(result.stdout).toContain('projection  OrderSummary@tenant:acme\n');
    expect(result.stdout).toContain('data\n{\n  "n": 3\n}\n');
    const json = JSON.parse((await run('dead-letters', 'show', 'dl-3', '--format', 'json')).stdout);
    expect(json).toMatchObject({
      version: 1,
      deadLetter: { id: 'dl-3', event: { position: 3, data: { n: 3 } } },
    });
    const unknown = await run('dead-letters', 'show', 'dl-9');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^es-gen dead-letters show: no dead letter with id dl-9 in .*; es-gen dead-letters list shows the ids\n$/,
    );
  });

  it('discard needs --yes, then removes exactly the named dead letters', async () => {
    const dry = await run('dead-letters', 'discard', 'dl-1', 'dl-3');
    expect(dry.code).toBe(2);
    expect(dry.stderr).toMatch(/^es-gen dead-letters discard: would discard 2 dead letter\(s\):\nid /);
    expect(await ids()).toEqual(['dl-1', 'dl-2', 'dl-3']);
    const done = await run('dead-letters', 'discard', 'dl-1', 'dl-3', '--yes');
    expect(done.code).toBe(0);
    expect(done.stdout).toBe('discarded 2 dead letter(s): dl-1, dl-3\n');
    expect(await ids()).toEqual(['dl-2']);
  });

  it('discard by --projection as JSON; without ids or filters, or with an unknown id, it exits 2', async () => {
    const none = await run('dead-letters', 'discard', '--yes');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name the dead letters to discard: their ids, or --projection <name>');
    const unknown = await run('dead-letters', 'discard', 'dl-1', 'dl-9', '--yes');
    expect(unknown.code).toBe(2);
    expect(await ids()).toEqual(['dl-1', 'dl-2', 'dl-3']);
    const done = await run(
      'dead-letters',
      'discard',
      '--projection',
      'OrderSummary',
      '--yes',
      '--format',
      'json',
    );
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ version: 1, discarded: ['dl-1', 'dl-2'] });
    expect(await ids()).toEqual(['dl-3']);
  });

  it('replay without a running runner records the requests: list shows them, --wait reports them pending', async () => {
    const asked = await run('dead-letters', 'replay', 'dl-2', 'dl-3');
    expect(asked.code).toBe(0);
    expect(asked.stdout).toBe(
      'requested the replay of 2 dead letter(s) (OrderSummary: 1, OrderSummary@tenant:acme: 1): the running runner of each projection replays them; --wait waits for the outcome, es-gen dead-letters list shows what is left\n',
    );
    const listed = await run('dead-letters', 'list');
    expect(listed.stdout.split('\n')[0]).toMatch(/ {2}error {2,}replay requested$/);
    expect(listed.stdout.split('\n')[1]).toMatch(/cannot handle event 1 {2,}-$/);
    expect(listed.stdout.split('\n')[2]).toMatch(/cannot handle event 2 {2}\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    const json = JSON.parse((await run('dead-letters', 'list', '--format', 'json')).stdout);
    expect(
      json.deadLetters.map((d: { replayRequestedAt?: string }) => d.replayRequestedAt !== undefined),
    ).toEqual([false, true, true]);
    const waited = await run(
      'dead-letters',
      'replay',
      'dl-2',
      '--wait',
      '--timeout',
      '0.3',
      '--format',
      'json',
    );
    expect(waited.code).toBe(1);
    expect(JSON.parse(waited.stdout)).toMatchObject({
      requested: ['dl-2'],
      replayed: [],
      failed: [],
      pending: ['dl-2'],
    });
    expect(waited.stderr).toContain('replaying: 0/1 replayed 0, failed 0\n');
    expect(waited.stderr).toContain(
      'es-gen dead-letters replay: 1 request(s) not picked up within 0.3 s (OrderSummary: 1): is a runner of the projection running?',
    );
    expect(await ids()).toEqual(['dl-1', 'dl-2', 'dl-3']);
    const bad = await run('dead-letters', 'replay', 'dl-2', '--wait', '--timeout', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'es-gen dead-letters replay: --timeout must be a number of seconds above 0, got "soon"\n',
    );
  });

  it('replay --wait: the running runner replays through its handler once; one failing again stays with more attempts', async () => {
    const handled: number[] = [];
    const projection = {
      name: 'OrderSummary',
      handle(event: StoredEvent) {
        const { n } = event.data as { n: number };
        if (n === 2) throw new Error('still cannot handle event 2');
        handled.push(n);
      },
    };
    const runner = new ProjectionRunner(projection, {
      eventStore: h.stores.events,
      checkpointStore: h.stores.checkpoints,
      deadLetterStore: h.stores.deadLetters,
      pollIntervalMs: 50,
      retry: { retries: 0, baseDelayMs: 1 },
      onError: () => {},
    });
    await runner.start();
    try {
      const result = await run(
        'dead-letters',
        'replay',
        '--projection',
        'OrderSummary',
        '--wait',
        '--timeout',
        '20',
        '--format',
        'json',
      );
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toEqual({
        version: 1,
        store: expect.any(String),
        requested: ['dl-1', 'dl-2'],
        replayed: ['dl-1'],
        failed: [{ id: 'dl-2', attempts: 5, error: 'still cannot handle event 2' }],
        pending: [],
      });
      expect(result.stderr).toContain('replaying: 2/2 replayed 1, failed 1\n');
    } finally {
      await runner.stop();
    }
    // Event 1 applied once by the replay; 3 to 5 by the catch-up from checkpoint 2.
    expect(handled.sort()).toEqual([1, 3, 4, 5]);
    const left = await h.stores.deadLetters.list({ projection: 'OrderSummary' });
    expect(left.map((d) => [d.id, d.attempts, d.replayRequestedAt])).toEqual([['dl-2', 5, undefined]]);
  });
});
