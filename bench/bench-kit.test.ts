import { describe, expect, it } from 'vitest';
import { compared, formatTable, interleave, ratioOf, verdict } from './bench-kit.ts';

async function order(names: string[], reps: number): Promise<string[]> {
  const seen: string[] = [];
  const sides = Object.fromEntries(
    names.map((n) => [
      n,
      async () => {
        seen.push(n);
        return 1;
      },
    ]),
  );
  const out = await interleave(sides, reps);
  for (const n of names) expect(out[n]).toHaveLength(reps);
  return seen;
}

describe('interleave', () => {
  it('warms every side up once, then alternates two sides AB BA BA AB', async () => {
    expect((await order(['a', 'b'], 6)).join('')).toBe(`ab${'abbabaababba'}`);
  });

  it('puts every side first equally often over 2 x sides rounds', async () => {
    for (const names of [
      ['a', 'b', 'c'],
      ['a', 'b', 'c', 'd'],
    ]) {
      const seen = (await order(names, names.length * 2)).slice(names.length);
      const firsts = names.map((n) => seen.filter((s, i) => s === n && i % names.length === 0).length);
      expect(new Set(firsts)).toEqual(new Set([2]));
    }
  });
});

describe('compared', () => {
  it('rates: ours/baseline per round, median ratio, higher is better', () => {
    const row = compared({ name: 'r', target: 0.9 }, [10, 20, 40], [10, 10, 10], 100);
    expect(row.ratios).toEqual([1, 0.5, 0.25]);
    expect(ratioOf(row)).toBe(0.5);
    expect(row.ours).toBe(5000);
    expect(row.baseline).toBe(10000);
    expect(verdict(row)).toBe('FAIL');
  });

  it('milliseconds: ours/baseline per round, lower is better, and the table shows range and n', () => {
    const row = compared({ name: 'load', target: 1.25 }, [12, 11, 13], [10, 10, 10]);
    expect(ratioOf(row)).toBeCloseTo(1.2);
    expect(verdict(row)).toBe('PASS');
    const table = formatTable([row]);
    expect(table).toContain('1.100-1.300');
    expect(table).toMatch(/load\s+12\.0\s+10\.0\s+ms\s+1\.200x\s+1\.100-1\.300\s+3/);
  });

  it('refuses unpaired samples', () => {
    expect(() => compared({ name: 'x' }, [1, 2], [1])).toThrow(/unpaired/);
  });
});
