import type { CheckContext } from '../diagnostics/check-context.ts';
import { listNames } from '../diagnostics/check-context.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import type { RawAggregateDoc, RawProjectionDoc, RawTypeDef } from '../model/raw-schema.ts';
import { mapEntries } from '../model/raw-schema.ts';
import { checkEvent } from './check-events.ts';
import { checkFields } from './check-fields.ts';
import { checkNotGlobal, checkPascalCase } from './check-names.ts';

/** Checks the `types:` of any document: PascalCase names, `fields` or `enum` (not both), the fields. */
export function checkTypes(
  ctx: CheckContext,
  types: Readonly<Record<string, RawTypeDef | null>> | null | undefined,
): void {
  for (const [name, def] of mapEntries(types)) {
    checkPascalCase(ctx, ['types', name], 'key', 'type', name);
    if (def?.fields !== undefined && def.enum !== undefined) {
      ctx.report(
        ['types', name, 'enum'],
        'key',
        'fields-and-enum',
        `type \`${name}\` has both \`fields\` and \`enum\``,
        'an object type has `fields`, an enum type has `enum`; split it into two types',
      );
    }
    checkFields(ctx, ['types', name, 'fields'], def?.fields);
  }
}

/**
 * Reports an event whose name an earlier aggregate already uses. Stored events are identified by
 * their type name (the registry, the store's type filters and the generated index all key on
 * it), so an event name must be unique across every aggregate.
 */
function checkEventNameUnique(ctx: CheckContext, aggregate: string, event: string): void {
  const first = ctx.symbols.eventOwners.get(event)?.[0];
  if (first === undefined || first === aggregate) return;
  const owner = ctx.symbols.aggregates.get(first);
  const where = owner ? ` (${owner.source.file})` : '';
  ctx.report(
    ['events', event],
    'key',
    'duplicate-event',
    `event \`${event}\` is already defined by aggregate \`${first}\`${where}; event type names are global`,
    `prefix it with the aggregate, e.g. \`${aggregate}${event}\``,
  );
}

/** Checks an aggregate document: names, types, state, events, and the events commands emit. */
export function checkAggregate(ctx: CheckContext, doc: RawAggregateDoc): void {
  checkPascalCase(ctx, ['name'], 'value', 'aggregate', doc.name);
  checkTypes(ctx, doc.types);
  checkFields(ctx, ['state'], doc.state);
  const events = new Map(mapEntries(doc.events));
  for (const [name, event] of events) {
    checkPascalCase(ctx, ['events', name], 'key', 'event', name);
    checkNotGlobal(ctx, ['events', name], 'event', name);
    checkEventNameUnique(ctx, doc.name, name);
    checkEvent(ctx, name, event);
  }
  for (const [name, command] of mapEntries(doc.commands)) {
    const path = ['commands', name];
    checkPascalCase(ctx, path, 'key', 'command', name);
    checkNotGlobal(ctx, path, 'command', name);
    if (events.has(name)) {
      ctx.report(
        path,
        'key',
        'duplicate-name',
        `command \`${name}\` has the same name as an event of \`${doc.name}\``,
        'name commands as requests (`PlaceOrder`) and events as facts (`OrderPlaced`)',
      );
    }
    checkFields(ctx, [...path, 'fields'], command?.fields);
    (command?.emits ?? []).forEach((emitted, index) => {
      checkEmitted(ctx, [...path, 'emits', index], doc.name, name, emitted, events);
    });
  }
}

function checkEmitted(
  ctx: CheckContext,
  path: readonly (string | number)[],
  aggregate: string,
  command: string,
  emitted: string,
  events: ReadonlyMap<string, { readonly retired?: boolean } | null>,
): void {
  if (events.has(emitted)) {
    if (events.get(emitted)?.retired) {
      ctx.report(
        path,
        'value',
        'emits-retired',
        `\`${command}\` emits \`${emitted}\`, which is retired`,
        'remove it from `emits`: a retired event stays readable but is no longer emitted',
      );
    }
    return;
  }
  const owners = ctx.symbols.eventOwners.get(emitted) ?? [];
  const plain = emitted.includes('.') ? emitted.slice(emitted.indexOf('.') + 1) : undefined;
  const hint =
    plain !== undefined && events.has(plain)
      ? `a command emits events of its own aggregate; write \`${plain}\``
      : owners.length > 0
        ? `\`${emitted}\` is an event of ${listNames(owners)}; a command emits events of its own aggregate (\`${aggregate}\`)`
        : (didYouMean(emitted, events.keys()) ?? `declare it under \`events:\` of \`${aggregate}\``);
  ctx.report(path, 'value', 'unknown-event', `\`${command}\` emits unknown event \`${emitted}\``, hint);
}

/** Checks a projection: its name, every handled event (known, unambiguous, listed once), `retries` and `partitions`. */
export function checkProjection(ctx: CheckContext, doc: RawProjectionDoc): void {
  checkPascalCase(ctx, ['name'], 'value', 'projection', doc.name);
  const seen = new Map<string, number>();
  doc.handles.forEach((ref, index) => {
    const resolved = resolveHandled(ctx, ['handles', index], ref);
    if (!resolved) return;
    const earlier = seen.get(resolved);
    if (earlier !== undefined) {
      ctx.report(
        ['handles', index],
        'value',
        'duplicate-item',
        `\`handles\` lists \`${resolved}\` twice (items ${earlier + 1} and ${index + 1})`,
        'remove the duplicate',
      );
    }
    seen.set(resolved, index);
  });
  if (doc.retries !== undefined && doc.checkpoint !== true) {
    ctx.report(
      ['retries'],
      'key',
      'retries-without-checkpoint',
      '`retries` needs `checkpoint: true`',
      'add `checkpoint: true` (retries and dead letters need a checkpoint) or remove `retries`',
    );
  }
  if (doc.readModel !== undefined && doc.readModel !== null && doc.checkpoint !== true) {
    ctx.report(
      ['readModel'],
      'key',
      'read-model-without-checkpoint',
      '`readModel` needs `checkpoint: true`',
      'add `checkpoint: true`: the read model keeps its position in a checkpoint written with its rows',
    );
  }
  if (doc.readModel !== undefined && doc.readModel !== null && doc.partitions !== undefined) {
    ctx.report(
      ['partitions'],
      'key',
      'read-model-partitions',
      '`partitions` cannot be combined with `readModel` yet',
      'remove `partitions`: a read model is written by one runner',
    );
  }
  if (doc.partitions !== undefined && doc.checkpoint !== true) {
    ctx.report(
      ['partitions'],
      'key',
      'partitions-without-checkpoint',
      '`partitions` needs `checkpoint: true`',
      'add `checkpoint: true` (each partition keeps its own checkpoint) or remove `partitions`',
    );
  }
}

/** Resolves a `handles` entry to `Aggregate.Event`, reporting unknown and ambiguous names. */
function resolveHandled(
  ctx: CheckContext,
  path: readonly (string | number)[],
  ref: string,
): string | undefined {
  const { aggregates, eventOwners } = ctx.symbols;
  const dot = ref.indexOf('.');
  if (dot >= 0) {
    const aggregateName = ref.slice(0, dot);
    const event = ref.slice(dot + 1);
    const aggregate = aggregates.get(aggregateName);
    if (!aggregate) {
      ctx.report(
        path,
        'value',
        'unknown-aggregate',
        `unknown aggregate \`${aggregateName}\` in \`${ref}\``,
        didYouMean(aggregateName, aggregates.keys()),
      );
      return undefined;
    }
    if (!aggregate.events.has(event)) {
      ctx.report(
        path,
        'value',
        'unknown-event',
        `aggregate \`${aggregateName}\` has no event \`${event}\``,
        didYouMean(event, aggregate.events.keys()),
      );
      return undefined;
    }
    return ref;
  }
  const owners = eventOwners.get(ref) ?? [];
  if (owners.length === 1) return `${owners[0]}.${ref}`;
  if (owners.length > 1) {
    const choices = owners.map((o) => `${o}.${ref}`);
    ctx.report(
      path,
      'value',
      'ambiguous-event',
      `event \`${ref}\` is ambiguous: ${listNames(owners)} both define it`,
      `write ${choices.map((c) => `\`${c}\``).join(' or ')}`,
    );
    return undefined;
  }
  ctx.report(path, 'value', 'unknown-event', `unknown event \`${ref}\``, didYouMean(ref, eventOwners.keys()));
  return undefined;
}
