import { type Finding, finding, Rules } from '../../diagnostics/evolution-rules.ts';
import { objectSchema, type PayloadSchema, typeTable } from '../../json-schema/payload-schema.ts';
import type {
  AggregateModel,
  EventModel,
  EventVersionModel,
  SchemaModel,
  SourceLocation,
} from '../../model/ir.ts';
import type { LockedAggregate, LockedEvent, LockFile } from '../baseline/lock-file.ts';
import { locateField } from './locate.ts';
import { diffReadModels } from './read-model-diff.ts';
import { compareSchemas, type SchemaChange } from './schema-diff.ts';

/** Compares one event version with its locked schema. */
function diffVersion(
  model: SchemaModel,
  aggregate: AggregateModel,
  event: EventModel,
  version: EventVersionModel,
  locked: PayloadSchema,
  latest: number,
): Finding[] {
  const types = typeTable(model);
  const subject = `${aggregate.name}.${event.name} v${version.version}`;
  return compareSchemas(locked, objectSchema(version.fields, model)).map((change) => {
    const intoNamedType = change.rule === Rules.EnumValueRemoved || change.rule === Rules.EnumValueAdded;
    const loc = locateField(version.fields, types, change.path, version.loc, { intoNamedType });
    return finding(
      change.rule,
      loc,
      `${subject}: ${change.detail}`,
      versionFix(change, version.version, latest),
    );
  });
}

function versionFix(change: SchemaChange, version: number, latest: number): string {
  if (change.rule.verdict === 'safe') return '';
  const upcast = change.upcast ? ` with \`upcast: { ${change.upcast} }\`` : '';
  return `restore v${version} exactly as locked, and add version ${latest + 1}${upcast} for the new shape`;
}

function diffEvent(
  model: SchemaModel,
  aggregate: AggregateModel,
  event: EventModel,
  locked: LockedEvent,
): Finding[] {
  const out: Finding[] = [];
  const name = `${aggregate.name}.${event.name}`;
  if (event.retired && !locked.retired) out.push(finding(Rules.EventRetired, event.loc, `${name} retired`));
  const lockedNumbers = Object.keys(locked.versions).map(Number);
  const latest = Math.max(event.versions.length, ...lockedNumbers);
  for (const number of lockedNumbers.sort((a, b) => a - b)) {
    const version = event.versions.find((v) => v.version === number);
    if (!version) {
      out.push(
        finding(
          Rules.LockedVersionDeleted,
          event.loc,
          `${name} v${number} is locked but no longer in the schema; stored v${number} events could not be read`,
          `restore version ${number} exactly as locked (its schema is in es-gen.lock.json)`,
        ),
      );
      continue;
    }
    out.push(
      ...diffVersion(model, aggregate, event, version, locked.versions[String(number)]!.schema, latest),
    );
  }
  for (const version of event.versions.filter((v) => !lockedNumbers.includes(v.version))) {
    out.push(finding(Rules.VersionAdded, version.loc, `${name} v${version.version} added`));
  }
  return out;
}

/** Finds versions not numbered 1..n in order. */
export function versionGaps(aggregate: AggregateModel, event: EventModel): Finding[] {
  const out: Finding[] = [];
  event.versions.forEach((v, i) => {
    if (v.version === i + 1) return;
    out.push(
      finding(
        Rules.VersionGap,
        v.loc,
        `${aggregate.name}.${event.name}: version ${v.version} follows version ${i === 0 ? 'nothing' : event.versions[i - 1]!.version}; versions must be numbered 1, 2, 3… without gaps`,
        `renumber it to version ${i + 1}`,
      ),
    );
  });
  return out;
}

function diffState(model: SchemaModel, aggregate: AggregateModel, locked: LockedAggregate): Finding[] {
  const changes = compareSchemas(locked.state.schema, objectSchema(aggregate.state, model));
  const breaking = changes.filter((c) => c.rule.verdict === 'breaking');
  const bumped = aggregate.stateVersion > locked.state.version;
  const where = (c: SchemaChange): SourceLocation =>
    locateField(aggregate.state, typeTable(model), c.path, aggregate.loc);
  if (aggregate.stateVersion < locked.state.version) {
    return [
      finding(
        Rules.SnapshotStateChanged,
        aggregate.loc,
        `${aggregate.name}: snapshot version went down from ${locked.state.version} to ${aggregate.stateVersion}`,
        `set snapshot.version to ${locked.state.version + 1} or more`,
      ),
    ];
  }
  if (breaking.length === 0) return [];
  if (bumped) {
    return [
      finding(
        Rules.SnapshotVersionBumped,
        aggregate.loc,
        `${aggregate.name}: state changed and snapshot version raised to ${aggregate.stateVersion}; old snapshots will be ignored and rebuilt from events`,
      ),
    ];
  }
  return breaking.map((c) =>
    finding(
      Rules.SnapshotStateChanged,
      where(c),
      `${aggregate.name} state: ${c.detail} (${c.rule.name}); stored snapshots of version ${locked.state.version} no longer match`,
      `set \`snapshot: { version: ${locked.state.version + 1} }\` so old snapshots are ignored and rebuilt`,
    ),
  );
}

function deletedEvent(aggregate: string, event: string, loc: SourceLocation): Finding {
  return finding(
    Rules.EventTypeDeleted,
    loc,
    `${aggregate}.${event} is locked but was deleted; stored ${event} events could not be read`,
    `restore ${event} with all its versions and mark it \`retired: true\``,
  );
}

function fileLoc(file: string): SourceLocation {
  return { file, line: 1, column: 1 };
}

/**
 * Compares the current schema model with a baseline lock and classifies every change (rules
 * ES001–ES024, ES101–ES113, ES116, ES201–ES207 for read models). The upcast chains themselves are checked by `checkChains`
 * and `verifyUpcasters`.
 *
 * @example
 * const findings = diffAgainstBaseline(model, await readLockFile('es-gen.lock.json'));
 */
export function diffAgainstBaseline(model: SchemaModel, baseline: LockFile): Finding[] {
  const out: Finding[] = [];
  for (const [name, locked] of Object.entries(baseline.aggregates)) {
    const aggregate = model.aggregates.find((a) => a.name === name);
    if (!aggregate) {
      for (const event of Object.keys(locked.events))
        out.push(deletedEvent(name, event, fileLoc(locked.file)));
      continue;
    }
    out.push(...diffState(model, aggregate, locked));
    for (const [eventName, lockedEvent] of Object.entries(locked.events)) {
      const event = aggregate.events.find((e) => e.name === eventName);
      if (!event) out.push(deletedEvent(name, eventName, aggregate.loc));
      else out.push(...diffEvent(model, aggregate, event, lockedEvent));
    }
  }
  for (const aggregate of model.aggregates) {
    const locked = baseline.aggregates[aggregate.name];
    if (!locked) out.push(finding(Rules.AggregateAdded, aggregate.loc, `aggregate ${aggregate.name} added`));
    for (const event of aggregate.events) {
      out.push(...versionGaps(aggregate, event));
      if (locked && !locked.events[event.name]) {
        out.push(finding(Rules.EventTypeAdded, event.loc, `${aggregate.name}.${event.name} added`));
      }
    }
  }
  out.push(...diffReadModels(model, baseline));
  return out;
}
