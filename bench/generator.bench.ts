/**
 * Generator benchmark: `es-gen build` (load, validate, model, emit, write) on a synthetic schema
 * set against `tsc --noEmit` type-checking the code it produced, plus a rebuild with nothing
 * changed. Both sides run the same way: as a command in its own process, as users run them, and
 * tsc checks only the generated project: `@es-gen/runtime` resolves to the runtime's declaration
 * files (emitted once before timing, as an installed package ships them), not to its sources.
 * Interleaved repetitions (bench-kit `interleave`). Targets: a full build at most half of tsc,
 * a no-change rebuild at most a tenth.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Benchmark, type BenchRow, compared, interleave, timeMs } from './bench-kit.ts';
import { syntheticSchemas } from './generator-schemas.ts';

const REPO = join(import.meta.dirname, '..');
const AGGREGATES = Number(process.env.ES_BENCH_GEN_AGGREGATES ?? 50);
const EVENTS_PER_AGGREGATE = 5;
/** A round takes minutes on a loaded machine: the minimum of 5 unless ES_BENCH_REPS asks for more. */
const GENERATOR_REPS = Math.max(5, Number(process.env.ES_BENCH_REPS ?? 5));

function writeProject(root: string, runtimeTypes: string): string {
  rmSync(root, { recursive: true, force: true });
  for (const [path, text] of Object.entries(syntheticSchemas(AGGREGATES, EVENTS_PER_AGGREGATE))) {
    const file = join(root, 'schemas', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      extends: join(REPO, 'tsconfig.json'),
      compilerOptions: {
        customConditions: [],
        paths: { '@es-gen/runtime': [join(runtimeTypes, 'index.d.ts')] },
      },
      include: ['src'],
      exclude: [],
    }),
  );
  const config = join(root, 'es-gen.config.yaml');
  writeFileSync(
    config,
    [
      'schemas: schemas',
      'output: src/generated',
      'domain: src/domain',
      "runtime: '@es-gen/runtime'",
      'importExtension: .ts',
      '',
    ].join('\n'),
  );
  return config;
}

const run = (args: readonly string[]) =>
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });

/** Runs the generator benchmark and returns its rows. */
export async function runGeneratorBenchmark(): Promise<BenchRow[]> {
  const base = join(REPO, '.tmp', `bench-generator-${process.pid}`);
  const root = join(base, 'project');
  const runtimeTypes = join(base, 'runtime-types');
  const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
  const cli = join(REPO, 'generator/bin/es-gen.js');
  try {
    run([
      tsc,
      '-p',
      join(REPO, 'runtime/tsconfig.build.json'),
      '--emitDeclarationOnly',
      '--outDir',
      runtimeTypes,
    ]);
    const config = writeProject(root, runtimeTypes);
    const build = () => run([cli, 'build', '--config', config]);
    build();
    const ms = await interleave(
      {
        full: () => {
          rmSync(join(root, 'src'), { recursive: true, force: true });
          return timeMs(build);
        },
        nochange: () => timeMs(build),
        tsc: () => timeMs(() => run([tsc, '--noEmit', '-p', join(root, 'tsconfig.json')])),
      },
      GENERATOR_REPS,
    );
    const note = `${AGGREGATES} aggregates, ${AGGREGATES * EVENTS_PER_AGGREGATE} events (ES_BENCH_GEN_AGGREGATES); both sides a process: es-gen build --config (from its TypeScript sources through tsx, as in a checkout; it includes that start-up) and tsc --noEmit of the generated project with @es-gen/runtime resolved to its declarations, not its sources`;
    return [
      compared({ name: 'es-gen build (full) vs tsc --noEmit', target: 0.5, note }, ms.full, ms.tsc),
      compared({ name: 'es-gen build (no change) vs tsc --noEmit', target: 0.1, note }, ms.nochange, ms.tsc),
    ];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** The generator benchmark for `npm run bench`. */
export const generatorBenchmark: Benchmark = { name: 'generator', run: runGeneratorBenchmark };
