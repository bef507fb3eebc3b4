/**
 * Generator benchmark: `es-gen build` (load, validate, model, emit, write) on a synthetic schema
 * set of 200 aggregates and 1,000 events, against the time `tsc --noEmit` takes to type-check
 * the code it produced; plus a rebuild with nothing changed. Targets: a full build takes at most
 * half the time of tsc, a no-change rebuild at most a tenth.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../generator/config/config.ts';
import * as emitter from '../generator/emit/index.ts';
import { runBuild } from '../generator/pipeline.ts';
import { type Benchmark, type BenchRow, timeMs } from './bench-kit.ts';
import { syntheticSchemas } from './generator-schemas.ts';

const REPO = join(import.meta.dirname, '..');
const AGGREGATES = 200;
const EVENTS_PER_AGGREGATE = 5;

function writeProject(root: string): ResolvedConfig {
  rmSync(root, { recursive: true, force: true });
  for (const [path, text] of Object.entries(syntheticSchemas(AGGREGATES, EVENTS_PER_AGGREGATE))) {
    const file = join(root, 'schemas', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  // Inside the repository, so `@es-gen/runtime` resolves to the package itself.
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({ extends: join(REPO, 'tsconfig.json'), include: ['src'], exclude: [] }),
  );
  return {
    projectRoot: root,
    schemasDir: 'schemas',
    outputDir: 'src/generated',
    domainDir: 'src/domain',
    runtimeImport: '@es-gen/runtime',
    importExtension: '.ts' as const,
  };
}

async function build(config: ResolvedConfig): Promise<void> {
  const outcome = await runBuild({ config, emitter, version: '0.0.0-bench', stubs: true });
  if (outcome.kind !== 'built') throw new Error(`the synthetic build did not succeed: ${outcome.kind}`);
}

/** Runs the generator benchmark and returns its rows. */
export async function runGeneratorBenchmark(): Promise<BenchRow[]> {
  const root = join(REPO, '.tmp', `bench-generator-${process.pid}`);
  try {
    const config = writeProject(root);
    const buildMs = await timeMs(() => build(config));
    const rebuildMs = await timeMs(() => build(config));
    const tscMs = await timeMs(() =>
      execFileSync(
        process.execPath,
        [join(REPO, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(root, 'tsconfig.json')],
        {
          stdio: 'inherit',
        },
      ),
    );
    const note = `${AGGREGATES} aggregates, ${AGGREGATES * EVENTS_PER_AGGREGATE} events; baseline: tsc --noEmit on the output`;
    return [
      {
        name: 'es-gen build (full)',
        ours: buildMs,
        baseline: tscMs,
        unit: 'ms',
        better: 'lower',
        target: 0.5,
        note,
      },
      {
        name: 'es-gen build (no change)',
        ours: rebuildMs,
        baseline: tscMs,
        unit: 'ms',
        better: 'lower',
        target: 0.1,
        note,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The generator benchmark for `npm run bench`. */
export const generatorBenchmark: Benchmark = { name: 'generator', run: runGeneratorBenchmark };
