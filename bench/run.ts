/**
 * `npm run bench`: runs every benchmark listed below and prints one table of our figures, the
 * baselines, their ratios and PASS/FAIL against each target. Exit code 1 when a target fails.
 * `npm run bench -- <text>` runs only the benchmarks whose name contains <text>.
 */
import { type Benchmark, type BenchRow, formatTable, verdict } from './bench-kit.ts';
import { eventBusBenchmark } from './event-bus.bench.ts';
import { generatorBenchmark } from './generator.bench.ts';
import { observabilityBenchmark } from './observability.bench.ts';
import { postgresEventStoreBenchmark } from './postgres.bench.ts';
import { readModelsBenchmark } from './read-models.bench.ts';
import { replicasBenchmark } from './replicas.bench.ts';
import { sqliteEventStoreBenchmark } from './sqlite-event-store.bench.ts';
import { startupBenchmark } from './startup.bench.ts';

/** Every benchmark; add new ones here. */
const benchmarks: Benchmark[] = [
  postgresEventStoreBenchmark,
  sqliteEventStoreBenchmark,
  eventBusBenchmark,
  generatorBenchmark,
  startupBenchmark,
  replicasBenchmark,
  observabilityBenchmark,
  readModelsBenchmark,
];

const filter = process.argv[2];
const selected = benchmarks.filter((b) => !filter || b.name.includes(filter));
const rows: BenchRow[] = [];
for (const benchmark of selected) {
  console.log(`running ${benchmark.name} ...`);
  rows.push(...(await benchmark.run()));
}
console.log(`\n${formatTable(rows)}`);
const failed = rows.filter((r) => verdict(r) === 'FAIL');
console.log(failed.length === 0 ? '\nall targets met' : `\n${failed.length} target(s) missed`);
process.exitCode = failed.length === 0 ? 0 : 1;
