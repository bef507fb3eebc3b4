import type { DomainEvent, EventRegistry, Upcaster } from '@es-gen/runtime';
import { type Finding, finding, Rules } from '../../diagnostics/evolution-rules.ts';
import { canonicalJson } from '../../json-schema/canonical-json.ts';
import { objectSchema, type PayloadSchema } from '../../json-schema/payload-schema.ts';
import type { SchemaValidators } from '../../json-schema/schema-validator.ts';
import type { AggregateModel, EventModel, SchemaModel, SourceLocation } from '../../model/ir.ts';
import type { LockFile } from '../baseline/lock-file.ts';
import { stepUpcaster } from './model-registry.ts';
import { generatePayloads } from './payload-generator.ts';
import { shrinkPayload } from './shrink.ts';

/** Options of `verifyUpcasters`. */
export interface VerifyUpcastersOptions {
  readonly model: SchemaModel;
  /** The locked schemas: stored payloads of locked versions are generated from these. */
  readonly baseline?: LockFile;
  readonly registry: EventRegistry;
  readonly custom: ReadonlyMap<string, Upcaster>;
  readonly validators: SchemaValidators;
  /** Seed of the payload generator (default 1). */
  readonly seed?: number;
  /** Payloads tried per version and schema (default 100). */
  readonly count?: number;
  /** Events not to verify, as `Aggregate.Event` (e.g. those with static chain findings). */
  readonly skip?: ReadonlySet<string>;
}

function envelope(aggregate: string, event: string, version: number, data: unknown): DomainEvent {
  return {
    eventId: '00000000-0000-7000-8000-000000000000',
    eventType: event,
    schemaVersion: version,
    aggregateId: 'es-gen-check',
    aggregateType: aggregate,
    aggregateVersion: 1,
    tenantId: null,
    actorId: null,
    occurredAt: '2024-01-01T00:00:00.000Z',
    correlationId: null,
    causationId: null,
    metadata: {},
    data,
  };
}

/** Upcasts one payload; returns the failure reason, or undefined when it reads as the current version. */
function failure(
  registry: EventRegistry,
  aggregate: string,
  event: string,
  version: number,
  data: unknown,
): string | undefined {
  try {
    registry.upcast(envelope(aggregate, event, version, data));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Walks the chain step by step to find the first step whose output is not valid at its version. */
function culprit(o: VerifyUpcastersOptions, event: EventModel, from: number, data: unknown): SourceLocation {
  let current = data as Record<string, unknown>;
  for (let v = from + 1; v <= event.versions.length; v++) {
    const target = event.versions[v - 1]!;
    const where = target.upcast[0]?.loc ?? target.loc;
    const step = stepUpcaster(target, o.custom);
    try {
      current = step!(current, envelope(event.aggregate, event.name, v - 1, current));
    } catch {
      return where;
    }
    if (!o.validators.isValid(objectSchema(target.fields, o.model), current)) return where;
  }
  return currentVersionLoc(event);
}

function currentVersionLoc(event: EventModel): SourceLocation {
  return event.versions[event.versions.length - 1]!.loc;
}

function sourceSchemas(
  o: VerifyUpcastersOptions,
  aggregate: AggregateModel,
  event: EventModel,
  version: number,
): PayloadSchema[] {
  const current = objectSchema(event.versions[version - 1]!.fields, o.model);
  const locked =
    o.baseline?.aggregates[aggregate.name]?.events[event.name]?.versions[String(version)]?.schema;
  return locked && canonicalJson(locked) !== canonicalJson(current) ? [locked, current] : [current];
}

function verifyVersion(
  o: VerifyUpcastersOptions,
  aggregate: AggregateModel,
  event: EventModel,
  version: number,
): Finding | undefined {
  const latest = event.versions.length;
  for (const schema of sourceSchemas(o, aggregate, event, version)) {
    const seed = (o.seed ?? 1) + version;
    for (const payload of generatePayloads(schema, o.validators, { seed, count: o.count ?? 100 })) {
      if (failure(o.registry, aggregate.name, event.name, version, payload) === undefined) continue;
      const fails = (p: unknown) => failure(o.registry, aggregate.name, event.name, version, p) !== undefined;
      const smallest = shrinkPayload(payload, schema, o.validators, fails);
      const reason = failure(o.registry, aggregate.name, event.name, version, smallest) ?? '';
      return finding(
        Rules.UpcasterFailed,
        culprit(o, event, version, smallest),
        `${aggregate.name}.${event.name}: a valid v${version} payload does not read as v${latest}: ${reason}; smallest counterexample: ${JSON.stringify(smallest)}`,
        `fix the upcast from v${version} so this payload becomes a valid v${latest}, e.g. in the custom upcaster or with add/rename/remove/map`,
        smallest,
      );
    }
  }
  return undefined;
}

/**
 * Verifies every upcast chain by running it: for each version before the current one,
 * generates many valid payloads (from the locked schema, and from the current one when it was
 * edited), upcasts each through the whole chain with the registry (declarative and custom
 * steps) and validates the result against the current version. The first failure per version
 * becomes an `ES114` finding with the smallest counterexample. Missing custom upcasters are
 * findings too. Deterministic for a given seed.
 *
 * @example
 * const findings = verifyUpcasters({ model, baseline: lock, registry, custom: custom.functions, validators });
 */
export function verifyUpcasters(o: VerifyUpcastersOptions): Finding[] {
  const out: Finding[] = [];
  for (const aggregate of o.model.aggregates) {
    for (const event of aggregate.events) {
      if (o.skip?.has(`${aggregate.name}.${event.name}`) || !o.registry.has(event.name)) continue;
      for (let v = 1; v < event.versions.length; v++) {
        const found = verifyVersion(o, aggregate, event, v);
        if (found) out.push(found);
      }
    }
  }
  return out;
}

/** Findings for custom upcasters the schemas name but the domain folder does not export. */
export function missingUpcasters(
  model: SchemaModel,
  missing: readonly string[],
  domainDir: string,
): Finding[] {
  const out: Finding[] = [];
  for (const aggregate of model.aggregates) {
    for (const event of aggregate.events) {
      for (const version of event.versions) {
        for (const op of version.upcast) {
          if (op.op !== 'custom' || !missing.includes(op.functionName)) continue;
          out.push(
            finding(
              Rules.UpcasterFailed,
              op.loc,
              `${aggregate.name}.${event.name} v${version.version - 1} -> v${version.version}: custom upcaster \`${op.functionName}\` is not exported by any module in ${domainDir}`,
              `export function ${op.functionName}(data) from a file in ${domainDir} (es-gen build creates the stub)`,
            ),
          );
        }
      }
    }
  }
  return out;
}
