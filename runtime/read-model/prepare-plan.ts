import { buildingCheckpointKeyOf, buildingTableOf, fingerprintOf } from './define-read-model.ts';
import type { ResolvedColumn } from './read-model.ts';
import type { RegistryEntry } from './read-model-backend.ts';
import type { AnyDefinition } from './row-codec.ts';

/** One table change a backend makes while preparing a read model (in the registry's transaction). */
export type TableStep =
  | { readonly op: 'drop'; readonly table: string }
  | { readonly op: 'create'; readonly table: string }
  | { readonly op: 'addColumns'; readonly table: string; readonly columns: readonly ResolvedColumn[] };

/** What `prepare` does: the table steps in order, then the registry row to store (if it changes). */
export interface PreparePlan {
  readonly steps: readonly TableStep[];
  readonly store?: RegistryEntry;
}

/**
 * The columns of `def` missing from a table whose columns are `existing` and whose stored
 * fingerprint is `stored`, when they are all nullable and the table matches `def` without them
 * (same key, column types, schema types and tenant column); otherwise undefined.
 */
export function addedNullableColumns(
  def: AnyDefinition,
  existing: ReadonlySet<string>,
  stored: string,
): ResolvedColumn[] | undefined {
  const added = def.resolved.filter((c) => !existing.has(c.sqlName));
  if (added.length === 0 || added.some((c) => !c.nullable)) return undefined;
  const kept = def.resolved.filter((c) => existing.has(c.sqlName));
  return fingerprintOf(kept, def.key, def.tenantColumn) === stored ? added : undefined;
}

/**
 * Decides how to bring the registry and tables in line with `def`, shared by every backend:
 * - no registry row: create the table; when the projection already ran under its own name
 *   (`projectionHasRun`, e.g. before it had a read model, or the table was renamed), its
 *   checkpoint is past events the new table never saw, so the table is filled from position 0
 *   under the rebuild checkpoint key, readers seeing it as it fills, and then goes live;
 * - a rebuild or fill of this shape under way: resume it; a fill of another shape: start it over;
 * - same fingerprint: ensure the table and indexes, drop an abandoned rebuild;
 * - only nullable columns added: `ALTER TABLE ... ADD COLUMN` in place, new fingerprint, no rebuild;
 * - otherwise: build the new shape in `<name>__<fp8>` from position 0 (blue/green).
 *
 * @param existing the SQL columns of the live table (undefined without a registry row).
 */
export function planPrepare(
  def: AnyDefinition,
  projection: string,
  current: RegistryEntry | undefined,
  existing: ReadonlySet<string> | undefined,
  projectionHasRun: boolean,
): PreparePlan {
  const rebuildKey = buildingCheckpointKeyOf(projection, def.fingerprint);
  const live = (e: RegistryEntry) => ({
    table: e.table,
    fingerprint: e.fingerprint,
    checkpointKey: e.checkpointKey,
  });
  if (!current) {
    const entry = { table: def.name, fingerprint: def.fingerprint, checkpointKey: projection };
    return {
      steps: [{ op: 'create', table: def.name }],
      store: projectionHasRun
        ? {
            ...entry,
            building: {
              table: def.name,
              fingerprint: def.fingerprint,
              checkpointKey: rebuildKey,
              ready: false,
            },
          }
        : entry,
    };
  }
  const building = current.building;
  if (building?.fingerprint === def.fingerprint) {
    // A rebuild (or a fresh table's fill) of this very shape is under way: resume it.
    return { steps: [{ op: 'create', table: building.table }] };
  }
  if (building && building.table === current.table) {
    // A fresh table was being filled with another shape: fill it again with this one.
    return {
      steps: [
        { op: 'drop', table: current.table },
        { op: 'create', table: def.name },
      ],
      store: {
        table: def.name,
        fingerprint: def.fingerprint,
        checkpointKey: current.checkpointKey,
        building: { table: def.name, fingerprint: def.fingerprint, checkpointKey: rebuildKey, ready: false },
      },
    };
  }
  const dropBuilding: TableStep[] = building ? [{ op: 'drop', table: building.table }] : [];
  if (current.fingerprint === def.fingerprint) {
    return {
      steps: [...dropBuilding, { op: 'create', table: current.table }],
      ...(building ? { store: live(current) } : {}),
    };
  }
  const added = existing && addedNullableColumns(def, existing, current.fingerprint);
  if (added) {
    return {
      steps: [
        ...dropBuilding,
        { op: 'addColumns', table: current.table, columns: added },
        { op: 'create', table: current.table },
      ],
      store: { ...live(current), fingerprint: def.fingerprint },
    };
  }
  const table = buildingTableOf(def.name, def.fingerprint);
  return {
    steps: [...dropBuilding, { op: 'drop', table }, { op: 'create', table }],
    store: {
      ...live(current),
      building: { table, fingerprint: def.fingerprint, checkpointKey: rebuildKey, ready: false },
    },
  };
}
