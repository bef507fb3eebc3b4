/**
 * The small benchmark kit behind `npm run bench`: a benchmark returns rows, each comparing our
 * figure with a baseline (the raw driver or a peer library) against a target ratio. Compared
 * sides run interleaved (`interleave`), and a row's ratio is the median of the per-repetition
 * ratios, printed with its min–max range and the number of repetitions.
 */

/** One line of the results table. */
export interface BenchRow {
  /** What was measured, e.g. `SQLite append, batch 1`. */
  readonly name: string;
  /** Our figure (the median over repetitions), in `unit`. */
  readonly ours: number;
  /** The baseline figure in the same unit (median), if any. */
  readonly baseline?: number;
  readonly unit: string;
  /** `higher`: ours/baseline must be >= target; `lower`: must be <= target. */
  readonly better?: 'higher' | 'lower';
  /** The target for ours/baseline, or for `ours` itself when there is no baseline. */
  readonly target?: number;
  /**
   * ours/baseline of each interleaved repetition; the row's ratio is their median. Without
   * them the ratio is ours/baseline.
   */
  readonly ratios?: readonly number[];
  /** Samples per side behind `ours` (defaults to the number of `ratios`). */
  readonly n?: number;
  /** Anything a reader needs to interpret the row. */
  readonly note?: string;
}

/** A named benchmark; `run` measures and returns its rows. */
export interface Benchmark {
  readonly name: string;
  run(): Promise<BenchRow[]>;
}

/** The median of `values` (which must not be empty). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The row's ratio: the median per-repetition ratio, else ours/baseline, else undefined. */
export function ratioOf(row: BenchRow): number | undefined {
  if (row.ratios?.length) return median(row.ratios);
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

/** Repetitions per side unless a benchmark or `ES_BENCH_REPS` says otherwise (never below 5). */
export const REPS = Math.max(5, Number(process.env.ES_BENCH_REPS ?? 7));

/**
 * One timed repetition of one side: does its own untimed set-up and clean-up and returns the
 * milliseconds of the measured work only, so every side is timed the same way.
 */
export type Sample = () => Promise<number>;

/**
 * Runs every side once as a warm-up (not counted), then `reps` rounds in which each side runs
 * once; odd rounds run the previous round's order reversed and every pair of rounds rotates the
 * order by one (two sides: AB BA BA AB ...), so no side is always first and all see the same
 * machine load. Returns each side's milliseconds per round.
 */
export async function interleave<K extends string>(
  sides: Record<K, Sample>,
  reps = REPS,
): Promise<Record<K, number[]>> {
  const names = Object.keys(sides) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (const name of names) await sides[name]();
  for (let round = 0; round < reps; round++) {
    const shift = Math.floor(round / 2);
    const rotated = names.map((_, i) => names[(i + shift) % names.length]!);
    const order = round % 2 === 1 ? rotated.reverse() : rotated;
    for (const name of order) out[name].push(await sides[name]());
  }
  return out;
}

/**
 * A row from interleaved timings: `oursMs` and `baseMs` are paired per round. With a
 * `perMs` amount (events per sample), figures are rates (`unit` per second, higher is better);
 * without, they are milliseconds (lower is better).
 */
export function compared(
  row: Omit<BenchRow, 'ours' | 'baseline' | 'ratios' | 'n' | 'better' | 'unit'> & { unit?: string },
  oursMs: readonly number[],
  baseMs: readonly number[],
  amount?: number,
): BenchRow {
  if (oursMs.length !== baseMs.length) throw new Error(`${row.name}: unpaired samples`);
  if (amount === undefined) {
    return {
      ...row,
      unit: row.unit ?? 'ms',
      better: 'lower',
      ours: median(oursMs),
      baseline: median(baseMs),
      ratios: oursMs.map((o, i) => o / baseMs[i]!),
    };
  }
  const rate = (ms: number) => (amount * 1000) / ms;
  return {
    ...row,
    unit: row.unit ?? 'events/s',
    better: 'higher',
    ours: median(oursMs.map(rate)),
    baseline: median(baseMs.map(rate)),
    ratios: oursMs.map((o, i) => baseMs[i]! / o),
  };
}

function formatNumber(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
}

/** Renders rows as an aligned text table with median ratios, their range, n and PASS/FAIL. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'ours', 'baseline', 'unit', 'ratio', 'min-max', 'n', 'target', 'result'];
  const lines = rows.map((row) => {
    const ratio = ratioOf(row);
    const range = row.ratios?.length
      ? `${Math.min(...row.ratios).toFixed(3)}-${Math.max(...row.ratios).toFixed(3)}`
      : '';
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
      range,
      String(row.n ?? row.ratios?.length ?? 1),
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
