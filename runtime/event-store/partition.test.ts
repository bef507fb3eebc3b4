import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { fnv1a32, partitionOf, toPartitionFilter } from './partition.ts';

describe('partitionOf', () => {
  it('hashes UTF-8 bytes with 32-bit FNV-1a (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('keeps the shipped assignment of aggregate ids to partitions', () => {
    // Checkpoints of partitioned projections depend on these values: they must never change.
    const ids = ['order-1', 'order-2', 'order-3', 'order-4', 'order-5', 'order-6', 'order-7', 'order-8'];
    expect(ids.map((id) => partitionOf(id, 4))).toEqual([1, 0, 3, 2, 1, 0, 3, 2]);
    expect(ids.map((id) => partitionOf(id, 3))).toEqual([1, 1, 0, 0, 2, 2, 1, 1]);
    expect(fnv1a32('Zürich-ß')).toBe(0x17411cf9);
    expect(fnv1a32('😀')).toBe(0x33a29608);
    expect(partitionOf('anything', 1)).toBe(0);
  });

  it('refuses partition counts and indexes out of range', () => {
    for (const count of [0, -1, 1.5, Number.NaN, 2 ** 31 + 1]) {
      expect(() => partitionOf('a', count)).toThrow(/partition count must be an integer/);
    }
    expect(() => toPartitionFilter({ index: 4, count: 4 })).toThrow(
      /partition.index must be an integer from 0 to 3/,
    );
    expect(() => toPartitionFilter({ index: -1, count: 4 })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument }),
    );
    expect(() => toPartitionFilter({ index: 0, count: 0 })).toThrow(/partition.count must be/);
    expect(toPartitionFilter({ index: 3, count: 4 })).toEqual({ index: 3, count: 4 });
    expect(toPartitionFilter(undefined)).toBeUndefined();
  });
});
