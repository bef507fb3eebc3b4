/**
 * The small benchmark kit behind `npm run bench`: a benchmark returns rows, each comparing our
 * figure with a baseline (usually the raw driver) against a target ratio.
 */

/** One line of the results table. */
export interface BenchRow {
  /** What was measured, e.g. `SQLite append, batch 1`. */
  readonly name: string;
  /** Our figure, in `unit`. */
  readonly ours: number;
  /** The baseline figure in the same unit (e.g. the raw driver), if any. */
  readonly baseline?: number;
  readonly unit: string;
  /** `higher`: ours/baseline must be >= target; `lower`: must be <= target. */
  readonly better?: 'higher' | 'lower';
  /** The target for ours/baseline, or for `ours` itself when there is no baseline. */
  readonly target?: number;
  /** Anything a reader needs to interpret the row. */
  readonly note?: string;
}

/** A named benchmark; `run` measures and returns its rows. */
export interface Benchmark {
  readonly name: string;
  run(): Promise<BenchRow[]>;
}

/** ours/baseline (or ours alone without a baseline). */
export function ratioOf(row: BenchRow): number | undefined {
  if (row.baseline === undefined) return undefined;
  return row.ours / row.baseline;
}

/** PASS, FAIL or '' (no target) for a row. */
export function verdict(row: BenchRow): 'PASS' | 'FAIL' | '' {
  if (row.target === undefined) return '';
  const value = ratioOf(row) ?? row.ours;
  const ok = row.better === 'lower' ? value <= row.target : value >= row.target;
  return ok ? 'PASS' : 'FAIL';
}

/** Wall time of `fn` in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The best (smallest) of `runs` timings of `fn`, after one warm-up run. */
export async function bestOf(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) best = Math.min(best, await timeMs(fn));
  return best;
}

function formatNumber(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
}

/** Renders rows as an aligned text table with ratios and PASS/FAIL. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'ours', 'baseline', 'unit', 'ratio', 'target', 'result'];
  const lines = rows.map((row) => {
    const ratio = ratioOf(row);
    const target =
      row.target === undefined
        ? ''
        : `${row.better === 'lower' ? '<=' : '>='} ${row.target}${ratio === undefined ? '' : 'x'}`;
    return [
      row.name,
      formatNumber(row.ours),
      row.baseline === undefined ? '' : formatNumber(row.baseline),
      row.unit,
      ratio === undefined ? '' : `${ratio.toFixed(3)}x`,
      target,
      verdict(row),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  - ${r.name}: ${r.note}`);
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.map(render),
    '',
    ...notes,
  ].join('\n');
}
