import type { SourceLocation } from '../model/ir.ts';

/**
 * Whether a change keeps every stored event readable: `safe` (for a read model: compatible, the
 * table is altered in place), `breaking`, or `rebuild` (events stay readable, but a read model's
 * table no longer fits and is rebuilt from the events when the new version starts).
 */
export type Verdict = 'safe' | 'breaking' | 'rebuild';

/** One rule of the evolution check: a stable id, a short name and its verdict. */
export interface Rule {
  readonly id: string;
  readonly name: string;
  readonly verdict: Verdict;
}

function rule(id: string, name: string, verdict: Verdict): Rule {
  return { id, name, verdict };
}

/**
 * Every rule of `es-gen check`. Ids never change meaning: ES0xx are safe changes, ES1xx are
 * breaking, ES2xx need a read-model rebuild. Tools may match on the id.
 */
export const Rules = {
  FieldAddedOptional: rule('ES001', 'field-added-optional', 'safe'),
  FieldAddedWithDefault: rule('ES002', 'field-added-with-default', 'safe'),
  FieldMadeOptional: rule('ES003', 'field-made-optional', 'safe'),
  TypeWidened: rule('ES004', 'type-widened', 'safe'),
  EnumValueAdded: rule('ES005', 'enum-value-added', 'safe'),
  ConstraintLoosened: rule('ES006', 'constraint-loosened', 'safe'),
  DescriptionChanged: rule('ES007', 'description-changed', 'safe'),
  EventTypeAdded: rule('ES008', 'event-type-added', 'safe'),
  VersionAdded: rule('ES009', 'version-added', 'safe'),
  EventRetired: rule('ES010', 'event-retired', 'safe'),
  SnapshotVersionBumped: rule('ES011', 'snapshot-version-bumped', 'safe'),
  AggregateAdded: rule('ES012', 'aggregate-added', 'safe'),
  ReadModelAdded: rule('ES020', 'read-model-added', 'safe'),
  ReadModelColumnAddedNullable: rule('ES021', 'read-model-column-added-nullable', 'safe'),
  ReadModelIndexAdded: rule('ES022', 'read-model-index-added', 'safe'),
  ReadModelIndexRemoved: rule('ES023', 'read-model-index-removed', 'safe'),
  ReadModelRemoved: rule('ES024', 'read-model-removed', 'safe'),
  FieldRemoved: rule('ES101', 'field-removed', 'breaking'),
  FieldRenamed: rule('ES102', 'field-renamed', 'breaking'),
  FieldTypeChanged: rule('ES103', 'field-type-changed', 'breaking'),
  FieldMadeRequired: rule('ES104', 'field-made-required', 'breaking'),
  EnumValueRemoved: rule('ES105', 'enum-value-removed', 'breaking'),
  ConstraintTightened: rule('ES106', 'constraint-tightened', 'breaking'),
  LockedVersionEdited: rule('ES107', 'locked-version-edited', 'breaking'),
  LockedVersionDeleted: rule('ES108', 'locked-version-deleted', 'breaking'),
  EventTypeDeleted: rule('ES109', 'event-type-deleted', 'breaking'),
  VersionGap: rule('ES110', 'version-gap', 'breaking'),
  VersionUnreachable: rule('ES111', 'version-unreachable', 'breaking'),
  UpcastAddWrongType: rule('ES112', 'upcast-add-wrong-type', 'breaking'),
  SnapshotStateChanged: rule('ES113', 'snapshot-state-changed', 'breaking'),
  UpcasterFailed: rule('ES114', 'upcaster-verification-failed', 'breaking'),
  StoredEventUnreadable: rule('ES115', 'stored-event-unreadable', 'breaking'),
  RequiredFieldAdded: rule('ES116', 'required-field-added', 'breaking'),
  ReadModelKeyChanged: rule('ES201', 'read-model-key-changed', 'rebuild'),
  ReadModelColumnTypeChanged: rule('ES202', 'read-model-column-type-changed', 'rebuild'),
  ReadModelColumnRemoved: rule('ES203', 'read-model-column-removed', 'rebuild'),
  ReadModelColumnAddedRequired: rule('ES204', 'read-model-column-added-required', 'rebuild'),
  ReadModelColumnNullabilityChanged: rule('ES205', 'read-model-column-nullability-changed', 'rebuild'),
  ReadModelRenamed: rule('ES206', 'read-model-renamed', 'rebuild'),
  ReadModelTenantColumnChanged: rule('ES207', 'read-model-tenant-column-changed', 'rebuild'),
} as const satisfies Record<string, Rule>;

/** Every rule, ordered by id. */
export const ALL_RULES: readonly Rule[] = Object.values(Rules).sort((a, b) => a.id.localeCompare(b.id));

/** One classified change (or stored-event failure) found by `es-gen check`. */
export interface Finding {
  readonly rule: Rule;
  /** Where to look; the schema file that declares the changed thing when it still exists. */
  readonly loc: SourceLocation;
  /** What changed, naming the event, version and field. */
  readonly message: string;
  /** What would make it safe; empty for safe changes. */
  readonly fix: string;
  /** The smallest payload that shows the problem, for upcaster and store failures. */
  readonly counterexample?: unknown;
}

/** Builds a finding. */
export function finding(
  rule: Rule,
  loc: SourceLocation,
  message: string,
  fix = '',
  counterexample?: unknown,
): Finding {
  return counterexample === undefined
    ? { rule, loc, message, fix }
    : { rule, loc, message, fix, counterexample };
}

/** True when at least one finding is breaking. */
export function hasBreaking(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.rule.verdict === 'breaking');
}

/** Sorts findings by file, line, column, then rule id, for stable output. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.loc.file.localeCompare(b.loc.file) ||
      a.loc.line - b.loc.line ||
      a.loc.column - b.loc.column ||
      a.rule.id.localeCompare(b.rule.id) ||
      a.message.localeCompare(b.message),
  );
}
