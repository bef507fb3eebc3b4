import { expect, it } from 'vitest';
import type { CliContext } from '../context.ts';
import { createProgress } from './progress.ts';

function capture(): { context: CliContext; text: () => string } {
  let text = '';
  const context = {
    stderr: (t: string) => {
      text += t;
    },
  } as unknown as CliContext;
  return { context, text: () => text };
}

it('draws one bar redrawn in place on a terminal, ending with a newline', () => {
  const { context, text } = capture();
  const progress = createProgress(context, 'replaying', 4, true);
  progress.update(1, 'replayed 1, failed 0');
  progress.update(1, 'replayed 1, failed 0');
  progress.update(4, 'replayed 3, failed 1');
  progress.finish();
  expect(text()).toBe(
    '\r\u001b[2Kreplaying [######------------------] 1/4 replayed 1, failed 0' +
      '\r\u001b[2Kreplaying [########################] 4/4 replayed 3, failed 1\n',
  );
});

it('writes one plain line per change elsewhere', () => {
  const { context, text } = capture();
  const progress = createProgress(context, 'rebuilding', 10, false);
  progress.update(0);
  progress.update(0);
  progress.update(10, 'events');
  progress.finish();
  expect(text()).toBe('rebuilding: 0/10\nrebuilding: 10/10 events\n');
});
