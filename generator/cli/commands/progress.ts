import type { CliContext } from '../context.ts';

/** Reports how far a long operation is, on stderr. */
export interface Progress {
  /** `done` of the total so far, with a short detail (`replayed 3, failed 1`). */
  update(done: number, detail?: string): void;
  /** Ends the bar (a newline on a terminal). */
  finish(): void;
}

const WIDTH = 24;

/**
 * A progress report for `label` up to `total`, written to stderr: on a terminal (`tty`) one bar
 * redrawn in place (`label [#####-----] 3/10 detail`); otherwise one plain line each time
 * `done` or the detail changes, so logs and `--format json` runs stay readable.
 */
export function createProgress(context: CliContext, label: string, total: number, tty: boolean): Progress {
  let last = '';
  let drawn = false;
  return {
    update(done, detail = '') {
      const counts = `${done}/${total}${detail ? ` ${detail}` : ''}`;
      if (counts === last) return;
      last = counts;
      if (!tty) {
        context.stderr(`${label}: ${counts}\n`);
        return;
      }
      const filled = total === 0 ? WIDTH : Math.min(WIDTH, Math.round((done / total) * WIDTH));
      const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
      context.stderr(`\r\u001b[2K${label} [${bar}] ${counts}`);
      drawn = true;
    },
    finish() {
      if (drawn) context.stderr('\n');
      drawn = false;
    },
  };
}

/** True when progress should be drawn as a bar: stderr is a terminal and the output is a table. */
export function progressOnTty(format: string): boolean {
  return format === 'table' && process.stderr.isTTY === true;
}
