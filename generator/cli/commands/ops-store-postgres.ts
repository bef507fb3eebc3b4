import type { CheckpointRow, LeaseRow, OpsStore, PendingEvent } from './ops-store.ts';
import { PROJECTION_LEASE_PREFIX, StoreTargetError } from './ops-store.ts';

/** The connection string without `?schema=`, the schema, and the URL shown in messages (no password). */
function postgresTarget(url: string): { connection: string; schema: string; shown: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreTargetError(
      `--store ${url} is not a valid URL; give postgres://user@host:5432/database?schema=es_gen`,
    );
  }
  const schema = parsed.searchParams.get('schema') ?? 'es_gen';
  parsed.searchParams.delete('schema');
  const shown = new URL(parsed.href);
  shown.password = '';
  return { connection: parsed.href, schema, shown: `${shown.href} (schema ${schema})` };
}

const iso = (value: Date | string): string => (value instanceof Date ? value.toISOString() : value);

/**
 * Opens a PostgreSQL store for the operations commands with the runtime's adapters on one pool,
 * checking (never migrating) the schema.
 *
 * @throws StoreTargetError when the server cannot be reached or the schema is not migrated.
 */
export async function openPostgresOpsStore(url: string): Promise<OpsStore> {
  const { connection, schema, shown } = postgresTarget(url);
  // Drivers load only when an operations command runs, so the other commands start fast.
  const postgres = await import('@es-gen/runtime/postgres');
  const options = { schema, migrate: 'check' } as const;
  const checkpoints = new postgres.PostgreSQLCheckpointStore(connection, { ...options, poolSize: 2 });
  const pool = checkpoints.pool;
  pool.on('error', () => {});
  const deadLetters = new postgres.PostgreSQLDeadLetterStore(pool, options);
  const events = new postgres.PostgreSQLEventStore(pool, options);
  const close = async () => {
    await Promise.all([deadLetters.close(), events.close()]);
    await checkpoints.close();
  };
  try {
    await events.getHeadPosition();
  } catch (error) {
    await close();
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new StoreTargetError(
      `cannot open the PostgreSQL store ${shown}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
    );
  }
  const s = `"${schema.replaceAll('"', '""')}"`;
  const rows = async <R>(text: string, values: unknown[] = []): Promise<R[]> =>
    (await pool.query(text, values)).rows as R[];
  return {
    description: shown,
    checkpoints,
    deadLetters,
    headPosition: () => events.getHeadPosition(),
    async checkpointRows(): Promise<CheckpointRow[]> {
      const found = await rows<{ projection: string; position: string; updated_at: Date }>(
        `SELECT projection, position::text, updated_at FROM ${s}.checkpoints ORDER BY projection`,
      );
      return found.map((r) => ({
        key: r.projection,
        position: Number(r.position),
        updatedAt: iso(r.updated_at),
      }));
    },
    async deadLetterCounts(): Promise<Map<string, number>> {
      const found = await rows<{ projection: string; n: string }>(
        `SELECT projection, count(*)::text AS n FROM ${s}.dead_letters GROUP BY projection`,
      );
      return new Map(found.map((r) => [r.projection, Number(r.n)]));
    },
    async firstEventAfter(position: number): Promise<PendingEvent | undefined> {
      const [first] = await rows<{ position: string; recorded_at: Date }>(
        `SELECT position::text, recorded_at FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT 1`,
        [position],
      );
      return first && { position: Number(first.position), recordedAt: iso(first.recorded_at) };
    },
    async leases(): Promise<Map<string, LeaseRow>> {
      const found = await rows<{
        key: string;
        holder: string;
        epoch: string;
        expires_at: Date;
        live: boolean;
      }>(
        `SELECT key, holder, epoch::text, expires_at, expires_at > now() AS live FROM ${s}.leases
         WHERE starts_with(key, $1) ORDER BY key`,
        [PROJECTION_LEASE_PREFIX],
      );
      return new Map(
        found.map((r) => [
          r.key.slice(PROJECTION_LEASE_PREFIX.length),
          { holder: r.holder, epoch: Number(r.epoch), expiresAt: iso(r.expires_at), live: r.live },
        ]),
      );
    },
    close,
  };
}
