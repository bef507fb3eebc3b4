import { StructureKind } from 'ts-morph';
import type { ProjectionModel } from '../model/ir.ts';
import { projectionTypeNames } from './names.ts';
import type { Statement } from './ts-project.ts';

/** `OrderSummary` → `createOrderSummaryRunner`, `OrderSummaryRunnerOptions`. */
export function runnerFactoryNames(projection: string): { factory: string; options: string } {
  return { factory: `create${projection}Runner`, options: `${projection}RunnerOptions` };
}

/** Runtime values the factory of `projection` uses. */
export function runnerFactoryRuntimeValues(projection: ProjectionModel): string[] {
  return projection.checkpoint
    ? ['ProjectionRunner']
    : ['InMemoryCheckpointStore', 'InMemoryDeadLetterStore', 'ProjectionRunner'];
}

function optionsType(projection: ProjectionModel): Statement {
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

function callsInWords(retries: number): string {
  if (retries === 0) return 'called once, with no retry,';
  return `called ${retries + 1} times (the first call and ${retries} ${retries === 1 ? 'retry' : 'retries'})`;
}

function factoryDocs(projection: ProjectionModel): string {
  const { factory } = runnerFactoryNames(projection.name);
  const stores = projection.checkpoint ? 'eventStore, checkpointStore, deadLetterStore' : 'eventStore';
  return [
    `A \`ProjectionRunner\` for the ${projection.name} projection with the schema's settings applied:`,
    `\`retries: ${projection.retries}\` becomes \`retry.retries\`, so a failing handler is`,
    `${callsInWords(projection.retries)} before its event is dead-lettered.`,
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
  const stores = projection.checkpoint
    ? []
    : [
        '    checkpointStore: options.checkpointStore ?? new InMemoryCheckpointStore(),',
        '    deadLetterStore: options.deadLetterStore ?? new InMemoryDeadLetterStore(),',
      ];
  return [
    docComment(factoryDocs(projection)),
    `export function ${names.factory}(`,
    `  projection: ${base},`,
    `  options: ${names.options},`,
    '): ProjectionRunner {',
    '  return new ProjectionRunner(projection, {',
    '    ...options,',
    ...stores,
    `    retry: { ...options.retry, retries: options.retry?.retries ?? ${base}.retries },`,
    '  });',
    '}',
  ].join('\n');
}

/**
 * The runner factory of a projection, `createXRunner(projection, options)`, and its options
 * type: a `ProjectionRunner` with the schema's `checkpoint` and `retries` wired into its options.
 */
export function runnerFactoryStatements(projection: ProjectionModel): Statement[] {
  return [optionsType(projection), factoryFunction(projection)];
}
