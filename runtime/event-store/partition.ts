import { InvalidArgumentError } from '../errors.ts';

/**
 * One partition of the global order: the events of the aggregates whose id hashes to `index`
 * out of `count` partitions (see `partitionOf`). `readAll({ partition })` returns only those.
 */
export interface PartitionFilter {
  /** The partition, from 0 to `count - 1`. */
  readonly index: number;
  /** How many partitions the aggregates are spread over (at least 1). */
  readonly count: number;
}

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/**
 * The 32-bit FNV-1a hash of `text`'s UTF-8 bytes, as an unsigned integer. Part of the stored
 * partition assignment: it must never change.
 *
 * @example
 * fnv1a32('a'); // 0xe40c292c
 */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of utf8.encode(text)) {
    hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  }
  return hash;
}

/**
 * The partition of an aggregate among `count`: `fnv1a32(aggregateId) % count`, the FNV-1a
 * 32-bit hash of the UTF-8 bytes of the aggregate id (not its type), modulo the partition
 * count. Every event of an aggregate thus lands in one partition, which keeps its order. This
 * assignment is shipped behaviour: checkpoints of partitioned projections depend on it, so it
 * never changes (changing `count` is a rebuild).
 *
 * @throws InvalidArgumentError for a `count` that is not an integer >= 1.
 * @example
 * partitionOf('order-1', 4); // 0..3, the same in every process and store
 */
export function partitionOf(aggregateId: string, count: number): number {
  assertPartitionCount(count, 'partition count');
  return fnv1a32(aggregateId) % count;
}

/** Throws `InvalidArgumentError` unless `count` is an integer from 1 to 2^31. */
export function assertPartitionCount(count: unknown, what: string): asserts count is number {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > 2 ** 31) {
    throw new InvalidArgumentError(`${what} must be an integer from 1 to 2^31, got ${String(count)}`);
  }
}

/**
 * `partition` checked: `count` an integer >= 1, `index` an integer from 0 to `count - 1`.
 * Returns undefined for undefined.
 *
 * @throws InvalidArgumentError naming the bad value.
 */
export function toPartitionFilter(partition: PartitionFilter | undefined): PartitionFilter | undefined {
  if (partition === undefined) return undefined;
  if (typeof partition !== 'object' || partition === null) {
    throw new InvalidArgumentError(`partition must be { index, count }, got ${String(partition)}`);
  }
  const { index, count } = partition;
  assertPartitionCount(count, 'partition.count');
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new InvalidArgumentError(
      `partition.index must be an integer from 0 to ${count - 1} (partition.count - 1), got ${String(index)}`,
    );
  }
  return { index, count };
}

/** True when `aggregateId` belongs to `partition` (always true without one). */
export function inPartition(aggregateId: string, partition: PartitionFilter | undefined): boolean {
  return partition === undefined || fnv1a32(aggregateId) % partition.count === partition.index;
}
