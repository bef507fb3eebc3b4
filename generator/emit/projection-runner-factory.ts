import { StructureKind } from 'ts-morph';
import type { ProjectionModel } from '../model/ir.ts';
import { projectionTypeNames } from './names.ts';
import type { Statement } from './ts-project.ts';

/** `OrderSummary` → `createOrderSummaryRunner`, `OrderSummaryRunnerOptions`. */
export function runnerFactoryNames(projection: string): { factory: string; options: string } {
  return { factory: `create${projection}Runner`, options: `${projection}RunnerOptions` };
}

/** The runtime class the factory of `projection` returns. */
function runnerClass(projection: ProjectionModel): string {
  return projection.partitions === undefined ? 'ProjectionRunner' : 'PartitionedProjectionRunner';
}

/** The runtime options type the factory of `projection` takes. */
function runnerOptionsType(projection: ProjectionModel): string {
  return projection.partitions === undefined ? 'ProjectionRunnerOptions' : 'PartitionedRunnerOptions';
}

/** Runtime types the factory of `projection` names: its options type and the runner class it returns. */
export function runnerFactoryRuntimeTypes(projection: ProjectionModel): string[] {
  return [runnerOptionsType(projection), runnerClass(projection)];
}

/** The `@es-gen/runtime/codegen` helper the factory of `projection` calls. */
export function runnerFactoryCodegenValues(projection: ProjectionModel): string[] {
  return [
    projection.partitions === undefined ? 'createProjectionRunner' : 'createPartitionedProjectionRunner',
  ];
}

function optionsType(projection: ProjectionModel): Statement {
  if (projection.partitions !== undefined) return partitionedOptionsType(projection);
  const names = runnerFactoryNames(projection.name);
  const stores = "'checkpointStore' | 'deadLetterStore'";
  return {
    kind: StructureKind.TypeAlias,
    name: names.options,
    isExported: true,
    docs: [
      projection.checkpoint
        ? `Options of \`${names.factory}\`: the runner's options (\`checkpoint: true\`, so both stores are needed).`
        : [
            `Options of \`${names.factory}\`: the runner's options. The schema says \`checkpoint: false\`,`,
            'so the checkpoint and dead-letter stores default to in-memory ones (each new runner starts',
            'from position 0).',
          ].join('\n'),
    ],
    type: projection.checkpoint
      ? 'ProjectionRunnerOptions'
      : `Omit<ProjectionRunnerOptions, ${stores}> &\n  Partial<Pick<ProjectionRunnerOptions, ${stores}>>`,
  };
}

/** Options of a partitioned projection's factory: `partitions` defaults to the schema's. */
function partitionedOptionsType(projection: ProjectionModel): Statement {
  const names = runnerFactoryNames(projection.name);
  return {
    kind: StructureKind.TypeAlias,
    name: names.options,
    isExported: true,
    docs: [
      `Options of \`${names.factory}\`: a partitioned runner's options, \`partitions\` defaulting to the schema's ${projection.partitions}.`,
    ],
    type: "Omit<PartitionedRunnerOptions, 'partitions'> &\n  Partial<Pick<PartitionedRunnerOptions, 'partitions'>>",
  };
}

function callsInWords(retries: number): string {
  if (retries === 0) return 'called once, with no retry,';
  return `called ${retries + 1} times (the first call and ${retries} ${retries === 1 ? 'retry' : 'retries'})`;
}

function factoryDocs(projection: ProjectionModel): string {
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
    `const runner = ${factory}(projection, { ${stores} });`,
    'await runner.runUntilCaughtUp();',
  ].join('\n');
}

function docComment(text: string): string {
  return ['/**', ...text.split('\n').map((line) => (line ? ` * ${line}` : ' *')), ' */'].join('\n');
}

function factoryFunction(projection: ProjectionModel): Statement {
  const names = runnerFactoryNames(projection.name);
  const base = projectionTypeNames(projection.name).base;
  const [helper] = runnerFactoryCodegenValues(projection);
  return [
    docComment(factoryDocs(projection)),
    `export function ${names.factory}(`,
    `  projection: ${base},`,
    `  options: ${names.options},`,
    `): ${runnerClass(projection)} {`,
    `  return ${helper}(projection, options, ${base});`,
    '}',
  ].join('\n');
}

/**
 * The runner factory of a projection, `createXRunner(projection, options)`, and its options
 * type: a `ProjectionRunner` with the schema's `checkpoint` and `retries` wired into its options,
 * or a `PartitionedProjectionRunner` for a projection with `partitions`.
 */
export function runnerFactoryStatements(projection: ProjectionModel): Statement[] {
  return [optionsType(projection), factoryFunction(projection)];
}
