import type { ProjectionModel } from '../model/ir.ts';
import { list, type Part } from './code-parts.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import type { ImportSymbol } from './import-symbol.ts';
import { projectionTypeNames } from './names.ts';
import { printMember, printTypeAlias } from './print-declarations.ts';

/** `OrderSummary` → `createOrderSummaryRunner`, `OrderSummaryRunnerOptions`. */
export function runnerFactoryNames(projection: string): { factory: string; options: string } {
  return { factory: `create${projection}Runner`, options: `${projection}RunnerOptions` };
}

/** The runtime class the factory of `projection` returns. */
function runnerClass(projection: ProjectionModel): string {
  return projection.partitions === undefined ? 'ProjectionRunner' : 'PartitionedProjectionRunner';
}

function optionsDoc(projection: ProjectionModel): string {
  const { factory } = runnerFactoryNames(projection.name);
  if (projection.partitions !== undefined)
    return `Options of \`${factory}\`: a partitioned runner's options, \`partitions\` defaulting to the schema's ${projection.partitions}.`;
  if (projection.checkpoint)
    return `Options of \`${factory}\`: the runner's options (\`checkpoint: true\`, so both stores are needed).`;
  return [
    `Options of \`${factory}\`: the runner's options. The schema says \`checkpoint: false\`,`,
    'so the checkpoint and dead-letter stores default to in-memory ones (each new runner starts',
    'from position 0).',
  ].join('\n');
}

/** `Omit<T, keys> & Partial<Pick<T, keys>>`: the options with `keys` made optional. */
function withOptional(options: ImportSymbol, keys: string): Part[] {
  return [
    'Omit',
    list('<', [options, keys], '>', { trailingComma: false }),
    ' & Partial<Pick',
    list('<', [options, keys], '>', { trailingComma: false }),
    '>',
  ];
}

function printOptionsType(file: GeneratedFile, projection: ProjectionModel, ctx: EmitContext): void {
  const names = runnerFactoryNames(projection.name);
  const type: Part =
    projection.partitions !== undefined
      ? withOptional(ctx.runtimeType('PartitionedRunnerOptions'), "'partitions'")
      : projection.checkpoint
        ? [ctx.runtimeType('ProjectionRunnerOptions')]
        : withOptional(ctx.runtimeType('ProjectionRunnerOptions'), "'checkpointStore' | 'deadLetterStore'");
  printTypeAlias(file, { name: names.options, doc: optionsDoc(projection), type });
}

function callsInWords(retries: number): string {
  if (retries === 0) return 'called once, with no retry,';
  return `called ${retries + 1} times (the first call and ${retries} ${retries === 1 ? 'retry' : 'retries'})`;
}

/** A call in a doc example: on one line when short, else its options object over three lines. */
function exampleCall(open: string, inner: string, close: string): string[] {
  const line = `${open} ${inner} ${close}`;
  return line.length <= 80 ? [line] : [open, `  ${inner},`, close];
}

function factoryDoc(projection: ProjectionModel): string {
  const { factory } = runnerFactoryNames(projection.name);
  const stores = projection.checkpoint ? 'eventStore, checkpointStore, deadLetterStore' : 'eventStore';
  const partitioned =
    projection.partitions === undefined
      ? []
      : [
          `\`partitions: ${projection.partitions}\`: each partition (aggregates by \`partitionOf(aggregateId, ${projection.partitions})\`) has its own`,
          'checkpoint and lease; started replicas share the partitions.',
        ];
  return [
    `A \`${runnerClass(projection)}\` for the ${projection.name} projection with the schema's settings applied:`,
    `\`retries: ${projection.retries}\` becomes \`retry.retries\`, so a failing handler is`,
    `${callsInWords(projection.retries)} before its event is dead-lettered.`,
    ...partitioned,
    ...(projection.checkpoint
      ? []
      : ['`checkpoint: false`: without stores given, checkpoint and dead letters are kept in memory.']),
    "Options given here override the schema's settings; other `retry` options keep the runner's defaults.",
    '',
    '@example',
    ...exampleCall(`const runner = ${factory}(projection, {`, stores, '});'),
    'await runner.runUntilCaughtUp();',
  ].join('\n');
}

/**
 * Prints the runner factory of a projection, `createXRunner(projection, options)`, and its
 * options type: a `ProjectionRunner` with the schema's `checkpoint` and `retries` wired into its
 * options, or a `PartitionedProjectionRunner` for a projection with `partitions`.
 */
export function printRunnerFactory(file: GeneratedFile, projection: ProjectionModel, ctx: EmitContext): void {
  printOptionsType(file, projection, ctx);
  const names = runnerFactoryNames(projection.name);
  const base = projectionTypeNames(projection.name).base;
  const helper = ctx.codegen(
    projection.partitions === undefined ? 'createProjectionRunner' : 'createPartitionedProjectionRunner',
  );
  printMember(file, {
    doc: factoryDoc(projection),
    signature: [
      `export function ${names.factory}`,
      list('(', [`projection: ${base}`, `options: ${names.options}`], ')'),
      ': ',
      ctx.runtimeType(runnerClass(projection)),
    ],
    body: () => file.print('return ', helper, `(projection, options, ${base});`),
  });
}
