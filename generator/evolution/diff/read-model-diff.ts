import { type Finding, finding, type Rule, Rules } from '../../diagnostics/evolution-rules.ts';
import type { ProjectionModel, ReadModelModel, SchemaModel, SourceLocation } from '../../model/ir.ts';
import type { LockFile } from '../baseline/lock-file.ts';
import { type LockedReadModel, lockReadModel } from '../baseline/read-model-lock.ts';

const list = (names: readonly string[]) => `[${names.join(', ')}]`;

/** Where a column is written, or the `readModel:` key when it is gone. */
function columnLoc(readModel: ReadModelModel, column: string): SourceLocation {
  return readModel.columns.find((c) => c.name === column)?.loc ?? readModel.loc;
}

function rebuildFix(table: string, avoid: string): string {
  return `nothing to do if a rebuild is fine: the new version rebuilds \`${table}\` from the events into a new table while the old one keeps serving reads, then swaps (run \`es-gen lock\` once released); ${avoid}`;
}

/** Compares the columns of a read model with its locked shape. */
function diffColumns(
  subject: string,
  readModel: ReadModelModel,
  current: LockedReadModel,
  locked: LockedReadModel,
): Finding[] {
  const out: Finding[] = [];
  const table = readModel.name;
  const rebuild = (rule: Rule, loc: SourceLocation, message: string, avoid: string) =>
    out.push(finding(rule, loc, `${subject}: ${message}`, rebuildFix(table, avoid)));
  for (const [name, before] of Object.entries(locked.columns)) {
    const after = current.columns[name];
    if (!after) {
      rebuild(
        Rules.ReadModelColumnRemoved,
        readModel.loc,
        `column \`${name}\` (${before.type}) was removed`,
        `to keep the table, keep \`${name}\` as an optional column (\`${before.type}?\`) that handlers no longer write`,
      );
    } else if (after.type !== before.type || after.sqlType !== before.sqlType) {
      rebuild(
        Rules.ReadModelColumnTypeChanged,
        columnLoc(readModel, name),
        `column \`${name}\` changed type from \`${before.type}\` (${before.sqlType}) to \`${after.type}\` (${after.sqlType})`,
        `to keep the table, restore \`${name}: ${before.type}${before.nullable ? '?' : ''}\` and add a new optional column of the new type`,
      );
    } else if (after.nullable !== before.nullable) {
      rebuild(
        Rules.ReadModelColumnNullabilityChanged,
        columnLoc(readModel, name),
        `column \`${name}\` was made ${after.nullable ? 'optional (nullable)' : 'required (NOT NULL)'}`,
        `to keep the table, restore \`${name}: ${before.type}${before.nullable ? '?' : ''}\``,
      );
    }
  }
  for (const [name, after] of Object.entries(current.columns)) {
    if (locked.columns[name]) continue;
    if (after.nullable) {
      out.push(
        finding(
          Rules.ReadModelColumnAddedNullable,
          columnLoc(readModel, name),
          `${subject}: nullable column \`${name}\` (${after.type}) added; no rebuild needed: rows written before hold NULL until a handler writes them`,
        ),
      );
    } else {
      rebuild(
        Rules.ReadModelColumnAddedRequired,
        columnLoc(readModel, name),
        `required column \`${name}\` (${after.type}) added; rows written before have no value for it`,
        `to keep the table, declare it optional: \`${name}: ${after.type}?\``,
      );
    }
  }
  return out;
}

function diffIndexes(subject: string, readModel: ReadModelModel, locked: LockedReadModel): Finding[] {
  const text = (i: { columns: readonly string[]; unique: boolean }) =>
    `${i.unique ? 'unique ' : ''}index ${list(i.columns)}`;
  const lockedText = new Set(locked.indexes.map(text));
  const currentText = new Set(readModel.indexes.map(text));
  const out: Finding[] = [];
  for (const index of readModel.indexes) {
    if (!lockedText.has(text(index))) {
      out.push(
        finding(
          Rules.ReadModelIndexAdded,
          index.loc,
          `${subject}: ${text(index)} added; it is built in place`,
        ),
      );
    }
  }
  for (const index of locked.indexes) {
    if (!currentText.has(text(index))) {
      out.push(
        finding(
          Rules.ReadModelIndexRemoved,
          readModel.loc,
          `${subject}: ${text(index)} removed; no rebuild needed`,
        ),
      );
    }
  }
  return out;
}

function diffReadModel(
  projection: ProjectionModel,
  readModel: ReadModelModel,
  locked: LockedReadModel,
  model: SchemaModel,
): Finding[] {
  const subject = `${projection.name} read model \`${readModel.name}\``;
  const current = lockReadModel(projection.file, readModel, model);
  const out: Finding[] = [];
  if (current.name !== locked.name) {
    out.push(
      finding(
        Rules.ReadModelRenamed,
        readModel.loc,
        `${subject}: renamed from \`${locked.name}\`; the new table starts empty`,
        rebuildFix(readModel.name, `to keep the table, restore \`name: ${locked.name}\``),
      ),
    );
  }
  if (list(current.key) !== list(locked.key)) {
    out.push(
      finding(
        Rules.ReadModelKeyChanged,
        readModel.keyLoc,
        `${subject}: key changed from ${list(locked.key)} to ${list(current.key)}`,
        rebuildFix(readModel.name, `to keep the table, restore \`key: ${list(locked.key)}\``),
      ),
    );
  }
  if (current.tenantColumn !== locked.tenantColumn) {
    const was = locked.tenantColumn === undefined ? 'none' : `\`${locked.tenantColumn}\``;
    const now = current.tenantColumn === undefined ? 'none' : `\`${current.tenantColumn}\``;
    out.push(
      finding(
        Rules.ReadModelTenantColumnChanged,
        readModel.loc,
        `${subject}: tenant column changed from ${was} to ${now}`,
        rebuildFix(readModel.name, 'a table cannot change its tenant column in place'),
      ),
    );
  }
  return [
    ...out,
    ...diffColumns(subject, readModel, current, locked),
    ...diffIndexes(subject, readModel, locked),
  ];
}

/**
 * Classifies every change of a read model's shape against the lock: compatible changes are
 * applied to the table in place (a new nullable column, a new or dropped index); a changed key,
 * name, tenant column or column type, a removed column, a new required column or a changed
 * nullability needs a rebuild, which the runtime does blue/green when the new version starts.
 * Each finding points at the changed node and says how to avoid the rebuild.
 *
 * @example
 * const findings = diffReadModels(model, await readLockFile('es-gen.lock.json'));
 */
export function diffReadModels(model: SchemaModel, baseline: LockFile): Finding[] {
  const locked = baseline.readModels ?? {};
  const out: Finding[] = [];
  for (const projection of model.projections) {
    const readModel = projection.readModel;
    if (!readModel) continue;
    const before = locked[projection.name];
    if (before) out.push(...diffReadModel(projection, readModel, before, model));
    else
      out.push(
        finding(
          Rules.ReadModelAdded,
          readModel.loc,
          `${projection.name} read model \`${readModel.name}\` added`,
        ),
      );
  }
  for (const [name, before] of Object.entries(locked)) {
    const projection = model.projections.find((p) => p.name === name);
    if (projection?.readModel) continue;
    out.push(
      finding(
        Rules.ReadModelRemoved,
        projection?.loc ?? { file: before.file, line: 1, column: 1 },
        `${name} read model \`${before.name}\` removed; its table stays in the database until you drop it`,
      ),
    );
  }
  return out;
}
