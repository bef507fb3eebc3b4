import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionRunner } from '@es-gen/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../../../runtime/testing/services.ts';
import { type OpsHarness, postgresHarness, seed, sqliteHarness } from '../test/ops-store-harness.ts';
import { runCli } from '../test/run-cli.ts';

const pgAvailable = await serviceAvailable('postgres');
const cases = [
  { name: 'a SQLite file', make: sqliteHarness, skip: false },
  { name: 'PostgreSQL', make: postgresHarness, skip: !pgAvailable },
];

describe.each(cases)('es-gen projections on $name', ({ make, skip }) => {
  let h: OpsHarness;
  const run = (...args: string[]) => runCli(tmpdir(), ...args, '--store', h.target);
  beforeEach(async (test) => {
    if (skip) return test.skip();
    h = make();
    await seed(h.stores);
  });
  afterEach(async () => {
    await h?.dispose();
  });

  it('status prints every checkpoint key with its lag and dead letters as a table', async () => {
    // A replica following the acme runner holds its lease.
    const leases = h.stores.checkpoints.leases;
    await leases?.tryAcquire('projection:OrderSummary@tenant:acme', 'replica-7', 60_000);
    const result = await run('projections', 'status');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [title, header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(title).toMatch(/: head position 5, 3 projection keys$/);
    expect(header).toBe('projection    tenant  checkpoint  lag  lag time  dead letters  active replica');
    expect(rows[0]).toBe('Audit         *                5    0  -                    0  -');
    expect(rows[1]).toMatch(/^OrderSummary {2}\* {16}2 {4}3 {2}\d+s +2 {2}-$/);
    expect(rows[2]).toBe(
      'OrderSummary  acme             5    0  -                    1  replica-7 (epoch 1)',
    );
  });

  it('status --format json prints the documented shape', async () => {
    const result = await run('projections', 'status', '--format', 'json');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ version: 1, head: 5 });
    expect(doc.projections.map((p: { key: string }) => p.key)).toEqual([
      'Audit',
      'OrderSummary',
      'OrderSummary@tenant:acme',
    ]);
    const summary = doc.projections[1];
    expect(summary).toMatchObject({
      key: 'OrderSummary',
      projection: 'OrderSummary',
      scope: 'all-tenants',
      tenantId: null,
      checkpoint: 2,
      deadLetters: 2,
      lag: { events: 3, oldestUnhandledPosition: 3 },
    });
    expect(summary.lease).toBeNull();
    expect(Date.parse(summary.lag.oldestUnhandledAt)).toBeLessThanOrEqual(Date.now());
    expect(summary.lag.seconds).toBeGreaterThanOrEqual(0);
    expect(doc.projections[2]).toMatchObject({
      scope: 'tenant',
      tenantId: 'acme',
      lag: { events: 0, seconds: null },
    });
  });

  it('reset without --yes changes nothing and exits 2', async () => {
    const result = await run('projections', 'reset', 'OrderSummary');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'es-gen projections reset: would reset OrderSummary (checkpoint 2); nothing was changed: add --yes to reset\n',
    );
    expect(await h.stores.checkpoints.load('OrderSummary')).toBe(2);
    expect(await h.stores.deadLetters.count('OrderSummary')).toBe(2);
  });

  it('reset --yes sets the checkpoint to 0 and drops its dead letters, leaving tenant keys', async () => {
    const result = await run('projections', 'reset', 'OrderSummary', '--yes');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'key           checkpoint was  now  dead letters removed\nOrderSummary               2    0                     2\n',
    );
    expect(result.stdout).toContain('The read model was not cleared');
    expect(await h.stores.checkpoints.load('OrderSummary')).toBe(0);
    expect(await h.stores.deadLetters.count('OrderSummary')).toBe(0);
    expect(await h.stores.checkpoints.load('OrderSummary@tenant:acme')).toBe(5);
    expect(await h.stores.deadLetters.count('OrderSummary@tenant:acme')).toBe(1);
    expect(await h.stores.checkpoints.load('Audit')).toBe(5);
  });

  it('reset --all-tenants --format json resets the per-tenant keys too', async () => {
    const result = await run(
      'projections',
      'reset',
      'OrderSummary',
      '--all-tenants',
      '--yes',
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({
      version: 1,
      readModelCleared: false,
      reset: [
        { key: 'OrderSummary', from: 2, to: 0, deadLettersRemoved: 2 },
        { key: 'OrderSummary@tenant:acme', from: 5, to: 0, deadLettersRemoved: 1 },
      ],
    });
    expect(await h.stores.checkpoints.load('OrderSummary@tenant:acme')).toBe(0);
    expect(await h.stores.deadLetters.count()).toBe(0);
  });

  it('reset --wait follows the rebuild by a runner started after the reset, then reports it', async () => {
    const handled: number[] = [];
    const waiting = run(
      'projections',
      'reset',
      'Audit',
      '--yes',
      '--wait',
      '--timeout',
      '20',
      '--format',
      'json',
    );
    const deadline = Date.now() + 10_000;
    while ((await h.stores.checkpoints.load('Audit')) !== 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const runner = new ProjectionRunner(
      { name: 'Audit', handle: (e) => void handled.push((e.data as { n: number }).n) },
      {
        eventStore: h.stores.events,
        checkpointStore: h.stores.checkpoints,
        deadLetterStore: h.stores.deadLetters,
        pollIntervalMs: 50,
      },
    );
    await runner.start();
    try {
      const result = await waiting;
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        reset: [{ key: 'Audit', from: 5, to: 0 }],
        rebuild: [{ key: 'Audit', position: 5, outcome: 'head' }],
      });
      expect(result.stderr).toContain('rebuilding: 5/5 events (1/1 keys)\n');
    } finally {
      await runner.stop();
    }
    expect(handled).toEqual([1, 2, 3, 4, 5]);
  });

  it('reset --wait without a runner ends at the timeout with exit 1', async () => {
    const result = await run('projections', 'reset', 'Audit', '--yes', '--wait', '--timeout', '0.3');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('rebuilding: 0/5 events (0/1 keys)\n');
    expect(result.stdout).toContain(
      'Audit: not rebuilt in time (checkpoint 0); is its runner started, with rebuild()?\n',
    );
  });

  it('reset of an unknown projection exits 2 naming the known ones', async () => {
    const result = await run('projections', 'reset', 'Nope', '--yes');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^es-gen projections reset: no projection "Nope" in .* \(no checkpoint, no dead letter\); known: Audit, OrderSummary, OrderSummary@tenant:acme \(es-gen projections status lists them\)\n$/,
    );
  });
});

describe('es-gen projections: bad stores and arguments', () => {
  it('exits 2 for a missing SQLite file, a missing --store and an unknown format', async () => {
    const file = join(tmpdir(), `es-gen-ops-missing-${process.pid}.db`);
    const missing = await runCli(tmpdir(), 'projections', 'status', '--store', file);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `es-gen projections status: --store ${file}: no such SQLite file; give the database file your application writes (or a postgres:// URL)\n`,
    );
    const noStore = await runCli(tmpdir(), 'projections', 'status');
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toContain('--store is required');
    const format = await runCli(tmpdir(), 'projections', 'status', '--store', file, '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('es-gen projections status: --format "xml" is not one of table, json\n');
  });

  it.skipIf(!pgAvailable)(
    'exits 2 for a PostgreSQL schema es-gen has not migrated, naming es-gen migrate',
    async () => {
      const url = new URL((await import('../../../runtime/testing/services.ts')).serviceUrls.postgres);
      url.searchParams.set('schema', `es_ops_never_${process.pid}`);
      const result = await runCli(tmpdir(), 'projections', 'status', '--store', url.href);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^es-gen projections status: cannot open the PostgreSQL store .*es-gen migrate/,
      );
    },
  );
});
