import type { CliContext } from '../context.ts';
import type { OpsFormat } from './ops-output.ts';
import { formatDuration, printJson, renderTable } from './ops-output.ts';
import type { LeaseRow, OpsStore } from './ops-store.ts';
import { type KeyScope, knownKeys, parseRunnerKey } from './projection-keys.ts';

/** One projection runner's state in `es-gen projections status --format json`. */
export interface ProjectionStatus extends KeyScope {
  /** The checkpoint key (`OrderSummary`, `OrderSummary@tenant:acme`, ...). */
  readonly key: string;
  /** Position of the last event handled (0 when none was). */
  readonly checkpoint: number;
  /** When the checkpoint last moved, or null when the key has dead letters only. */
  readonly updatedAt: string | null;
  readonly lag: {
    /** Head position minus checkpoint (events of other tenants count too). */
    readonly events: number;
    /** The first event above the checkpoint, or null at the head. */
    readonly oldestUnhandledPosition: number | null;
    /** When that event was recorded, or null. */
    readonly oldestUnhandledAt: string | null;
    /** Its age in whole seconds, or null. */
    readonly seconds: number | null;
  };
  /** Dead letters kept under this key. */
  readonly deadLetters: number;
  /**
   * The key's lease when its runners use one (SQLite files, PostgreSQL): the replica that is
   * active (`holder`), its `epoch`, `expiresAt` and whether it is still `live`; null otherwise.
   */
  readonly lease: LeaseRow | null;
}

async function statusOf(store: OpsStore, head: number, now: number): Promise<ProjectionStatus[]> {
  const checkpoints = new Map((await store.checkpointRows()).map((r) => [r.key, r]));
  const counts = await store.deadLetterCounts();
  const leases = await store.leases();
  const statuses: ProjectionStatus[] = [];
  for (const key of await knownKeys(store)) {
    const row = checkpoints.get(key);
    const checkpoint = row?.position ?? 0;
    const pending = checkpoint < head ? await store.firstEventAfter(checkpoint) : undefined;
    const seconds = pending ? Math.max(0, Math.floor((now - Date.parse(pending.recordedAt)) / 1000)) : null;
    statuses.push({
      key,
      ...parseRunnerKey(key),
      checkpoint,
      updatedAt: row?.updatedAt ?? null,
      lag: {
        events: Math.max(0, head - checkpoint),
        oldestUnhandledPosition: pending?.position ?? null,
        oldestUnhandledAt: pending?.recordedAt ?? null,
        seconds,
      },
      deadLetters: counts.get(key) ?? 0,
      lease: leases.get(key) ?? null,
    });
  }
  return statuses;
}

function tenantCell(s: ProjectionStatus): string {
  if (s.scope === 'all-tenants') return '*';
  return s.scope === 'no-tenant' ? '(none)' : (s.tenantId ?? '');
}

function activeCell(s: ProjectionStatus): string {
  if (!s.lease) return '-';
  return s.lease.live ? `${s.lease.holder} (epoch ${s.lease.epoch})` : 'none (lease expired)';
}

function statusTable(store: OpsStore, head: number, statuses: readonly ProjectionStatus[]): string {
  const title = `${store.description}: head position ${head}, ${statuses.length} projection key${statuses.length === 1 ? '' : 's'}\n`;
  if (statuses.length === 0)
    return `${title}no checkpoint and no dead letter yet: no projection has run on this store\n`;
  const rows = statuses.map((s) => [
    s.projection,
    tenantCell(s),
    s.checkpoint,
    s.lag.events,
    s.lag.seconds === null ? '-' : formatDuration(s.lag.seconds * 1000),
    s.deadLetters,
    activeCell(s),
  ]);
  const header = ['projection', 'tenant', 'checkpoint', 'lag', 'lag time', 'dead letters', 'active replica'];
  return title + renderTable(header, rows);
}

/**
 * `es-gen projections status`: every checkpoint key with its lag behind the head, in events and
 * in the age of its oldest unhandled event, its dead letters, and the replica holding its lease.
 */
export async function projectionsStatus(
  context: CliContext,
  store: OpsStore,
  format: OpsFormat,
): Promise<void> {
  const head = await store.headPosition();
  const statuses = await statusOf(store, head, Date.now());
  if (format === 'json') printJson(context, { store: store.description, head, projections: statuses });
  else context.stdout(statusTable(store, head, statuses));
}
