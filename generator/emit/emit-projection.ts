import type { HandledEventRef, ProjectionModel, SchemaModel } from '../model/ir.ts';
import { list, type Part, typeArgs } from './code-parts.ts';
import type { EmitContext } from './context.ts';
import { printReadModel, printReadModelOpen, readModelNames } from './emit-read-model.ts';
import type { GeneratedFile } from './generated-file.ts';
import { generatedHeader } from './header.ts';
import { eventTypeNames, projectionHandlerName, projectionTypeNames, tsString } from './names.ts';
import { printEventSwitch, printMember } from './print-declarations.ts';
import { printRunnerFactory } from './projection-runner-factory.ts';

/** The event class and the stored-event type of a handled event, imported from its aggregate's file. */
function eventSymbols(ref: HandledEventRef, ctx: EmitContext): { eventClass: Part; stored: Part } {
  const from = ctx.layout.aggregate(ref.aggregate);
  return {
    eventClass: ctx.fromFile(from, ref.event),
    stored: ctx.fromFile(from, eventTypeNames(ref.event).stored, true),
  };
}

function printHandler(file: GeneratedFile, ref: HandledEventRef, ctx: EmitContext, writer?: string): void {
  const doc =
    writer === undefined
      ? `Applies ${ref.aggregate}.${ref.event} (current version) to the read model. May run more than once for one event: write idempotently.`
      : `Applies ${ref.aggregate}.${ref.event} (current version) to the read model through \`rows\`;\nthe writes and the checkpoint commit together, and a handler that throws writes nothing.`;
  const params: Part[] = [
    ['event: ', eventSymbols(ref, ctx).stored],
    ...(writer === undefined ? [] : [`rows: ${writer}`]),
  ];
  printMember(file, {
    doc,
    signature: [
      `protected abstract ${projectionHandlerName(ref.event)}`,
      list('(', params, ')'),
      ': Promise<void> | void',
    ],
  });
}

function printDispatch(
  file: GeneratedFile,
  projection: ProjectionModel,
  ctx: EmitContext,
  writer?: string,
): void {
  const assertCurrent = ctx.codegen('assertCurrentVersion');
  const applier = tsString(`projection ${projection.name}`);
  const params: Part[] = [
    ['event: ', ctx.runtimeType('StoredEvent')],
    ...(writer === undefined ? [] : [`rows: ${writer}`]),
  ];
  printMember(file, {
    doc: 'Dispatches an event to its typed handler; events of other types are ignored.',
    signature: [
      writer === undefined ? 'handle' : 'override applyEvent',
      list('(', params, ')'),
      ': Promise<void> | void',
    ],
    body: () =>
      printEventSwitch(
        file,
        projection.handles.map((ref) => {
          const { eventClass } = eventSymbols(ref, ctx);
          const checked = [assertCurrent, list('(', ['event', eventClass, applier], ')')];
          return {
            label: [eventClass, '.eventType'],
            call: [
              `this.${projectionHandlerName(ref.event)}`,
              list('(', [checked, ...(writer === undefined ? [] : ['rows'])], ')'),
            ],
          };
        }),
        'return;',
      ),
  });
}

function printSettings(file: GeneratedFile, projection: ProjectionModel): void {
  const factory = `create${projection.name}Runner`;
  file.print(`static readonly projectionName = ${tsString(projection.name)};`);
  file.doc(
    `Whether the schema asks for checkpoint tracking with retries and dead letters; without it,\n\`${factory}\` keeps the checkpoint and dead letters in memory unless given stores.`,
  );
  file.print(`static readonly checkpoint = ${projection.checkpoint};`);
  file.doc(
    `Retries after the first failed call before an event is dead-lettered (the schema's \`retries\`;\nN retries = N + 1 calls): \`${factory}\` passes it to the runner as \`retry.retries\`.`,
  );
  file.print(`static readonly retries = ${projection.retries};`);
  if (projection.partitions === undefined) return;
  file.doc(
    `The schema's \`partitions\`: \`${factory}\` runs the projection as this many\npartitions by aggregate id (a \`PartitionedProjectionRunner\`), each with its own checkpoint and lease.`,
  );
  file.print(`static readonly partitions = ${projection.partitions};`);
}

function handledTypes(projection: ProjectionModel): Part {
  return list(
    '[',
    projection.handles.map((r) => tsString(r.event)),
    ']',
  );
}

function printBase(file: GeneratedFile, projection: ProjectionModel, ctx: EmitContext): void {
  const names = projectionTypeNames(projection.name);
  file.blank();
  file.doc(
    `${projection.description ?? `The ${projection.name} projection.`}\n\nGenerated base: implement the handlers in \`${ctx.layout.userProjection(projection.name)}\`.`,
  );
  file.block(
    ['export abstract class ', names.base, ' implements ', ctx.runtimeType('Projection'), ' {'],
    () => {
      printSettings(file, projection);
      file.print(`readonly name: string = ${tsString(projection.name)};`);
      file.print('readonly eventTypes: readonly string[] = ', handledTypes(projection), ';');
      printDispatch(file, projection, ctx);
      for (const ref of projection.handles) printHandler(file, ref, ctx);
      printMember(file, {
        doc: 'Clears the read model before a rebuild from position 0; override it (the default does nothing).',
        signature: 'reset(): Promise<void> | void',
        body: () => file.print('// Nothing to clear by default.'),
      });
    },
  );
}

function printReadModelBase(file: GeneratedFile, projection: ProjectionModel, ctx: EmitContext): void {
  const names = projectionTypeNames(projection.name);
  const rm = readModelNames(projection.name);
  const table = projection.readModel?.name ?? '';
  file.blank();
  file.doc(
    `${projection.description ?? `The ${projection.name} projection.`}\n\nGenerated base: implement the handlers in \`${ctx.layout.userProjection(projection.name)}\`;\neach writes the \`${table}\` read model through its \`rows\` argument. Construct it\nwith the opened read model (\`${rm.open}\`).`,
  );
  const base = ctx.runtime('ReadModelProjection');
  file.block(
    ['export abstract class ', names.base, ' extends ', base, typeArgs([rm.row, rm.key]), ' {'],
    () => {
      printSettings(file, projection);
      file.doc('The read model this projection writes.');
      file.print(`static readonly readModel = ${rm.definition};`);
      file.doc('The event types this projection reads from the store.');
      file.print('static readonly handledEventTypes: readonly string[] = ', handledTypes(projection), ';');
      printMember(file, {
        signature: `constructor(readModel: ${rm.handle})`,
        body: () => file.print(`super(readModel, { eventTypes: ${names.base}.handledEventTypes });`),
      });
      printDispatch(file, projection, ctx, rm.writer);
      for (const ref of projection.handles) printHandler(file, ref, ctx, rm.writer);
    },
  );
}

/**
 * Emits one projection's base class with a typed abstract handler per handled event, and its
 * runner factory; for a projection with `readModel:` also the row type, the `defineReadModel`
 * definition, the writer and reader types and `open<Name>ReadModel`, the base then extending
 * `ReadModelProjection` with handlers that receive the typed writer. The factory applies the
 * schema's `checkpoint` and `retries` to a `ProjectionRunner` (`partitions` to a
 * `PartitionedProjectionRunner`).
 */
export function emitProjection(projection: ProjectionModel, model: SchemaModel, ctx: EmitContext): string {
  const file = ctx.file(ctx.layout.projection(projection.name), [
    generatedHeader(ctx.version, projection.file),
  ]);
  const readModel = projection.readModel;
  if (readModel) {
    printReadModel(file, projection, readModel, model, ctx);
    printReadModelBase(file, projection, ctx);
    printReadModelOpen(file, projection, readModel, projectionTypeNames(projection.name).base, ctx);
  } else printBase(file, projection, ctx);
  printRunnerFactory(file, projection, ctx);
  return file.toString();
}
