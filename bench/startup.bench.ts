/**
 * Start-up cost of the built runtime: how long a fresh `node` process takes to import
 * `@es-gen/runtime` (runtime/dist, built first), beside a bare `node -e ''`, each timed the same
 * way (spawn, wait for exit). After a warm-up, every variant runs once per round, in alternating
 * order (forward, then reversed), so drift in machine load falls on all of them alike. Target:
 * import cost = median(import) - median(bare) <= 60 ms for the core entry; the technology
 * entries are reported without a target.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Benchmark, BenchRow } from './bench-kit.ts';
import { countModules } from './startup-modules.ts';

const REPO = join(import.meta.dirname, '..');
const ROUNDS = Number(process.env.ES_BENCH_STARTUP_ROUNDS ?? 15);
const WARM_UP = 2;
const TARGET_MS = 60;
const ENTRIES = [
  '@es-gen/runtime',
  ...['sqlite', 'postgres', 'redis', 'rabbitmq', 'kafka'].map((t) => `@es-gen/runtime/${t}`),
];

interface Variant {
  readonly name: string;
  readonly script: string;
  readonly times: number[];
}

// Only the script differs: the same flags, cwd and environment for every process.
function runProcess(variant: Variant): number {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const start = process.hrtime.bigint();
  const { status } = spawnSync(process.execPath, ['-e', variant.script], { cwd: REPO, env, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (status !== 0) throw new Error(`node -e "${variant.script}" exited with ${status}`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function spread(values: readonly number[]): string {
  return `median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}, n ${values.length})`;
}

function measure(variants: readonly Variant[]): void {
  for (let i = 0; i < WARM_UP; i++) for (const v of variants) runProcess(v);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) v.times.push(runProcess(v));
  }
}

function buildRuntime(): void {
  console.log('building runtime/dist (npm run build --workspace runtime) ...');
  execFileSync('npm', ['run', 'build', '--workspace', 'runtime'], { cwd: REPO, stdio: 'inherit' });
}

function rowsOf(bare: Variant, imports: readonly Variant[]): BenchRow[] {
  const bareMedian = median(bare.times);
  return imports.map((v, i) => {
    const modules = countModules(v.name, REPO);
    return {
      name: `startup: import ${v.name} (minus bare node)`,
      ours: median(v.times) - bareMedian,
      n: v.times.length,
      unit: 'ms',
      ...(i === 0 ? { better: 'lower' as const, target: TARGET_MS } : {}),
      note: `import ${spread(v.times)}; bare node -e '' ${spread(bare.times)}; ${modules.total} modules loaded (${modules.runtime} runtime, ${modules.dependencies} from node_modules)`,
    };
  });
}

/** Runs the start-up benchmark and returns its rows. */
export async function runStartupBenchmark(): Promise<BenchRow[]> {
  buildRuntime();
  const bare: Variant = { name: 'bare', script: '', times: [] };
  const imports = ENTRIES.map((name) => ({ name, script: `import(${JSON.stringify(name)})`, times: [] }));
  measure([bare, ...imports]);
  return rowsOf(bare, imports);
}

/** The start-up benchmark, `npm run bench -- startup`. */
export const startupBenchmark: Benchmark = { name: 'startup', run: runStartupBenchmark };
