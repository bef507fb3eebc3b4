import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RunGate } from './run-gate.ts';

describe('RunGate', () => {
  it('runs shared work together and exclusive work alone, letting waiting exclusive work go first', async () => {
    const gate = new RunGate();
    const log: string[] = [];
    const work = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
    };
    const a = gate.shared(work('a', 30));
    const b = gate.shared(work('b', 10));
    await sleep(1);
    const x = gate.exclusive(work('x', 10));
    await sleep(1);
    const c = gate.shared(work('c', 1));
    await Promise.all([a, b, x, c]);
    expect(log).toEqual(['start a', 'start b', 'end b', 'end a', 'start x', 'end x', 'start c', 'end c']);
  });
});
