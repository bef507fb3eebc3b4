import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type {
  DeadLetter,
  DeadLetterStore,
  ListDeadLettersOptions,
} from '../dead-letter-store/dead-letter-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { PartitionFilter } from '../event-store/partition.ts';

const TENANT_MARK = '@tenant:';
const NO_TENANT_MARK = '@no-tenant';
const PARTITION_MARK = /#p\d+of\d+/;

/**
 * The key of a runner's checkpoint and dead letters: the projection's name without a tenant
 * filter (so existing checkpoints keep their key), `<name>@tenant:<tenantId>` with
 * `tenantId: '<tenantId>'`, and `<name>@no-tenant` with `tenantId: null`. Runners of one
 * projection for different tenants thus keep apart. A projection name may not contain
 * `@tenant:` or `@no-tenant`, so a key can never be another projection's name.
 *
 * @throws InvalidArgumentError for a name containing `@tenant:` or `@no-tenant`.
 * @example
 * runnerKey('OrderSummary', undefined); // 'OrderSummary'
 * runnerKey('OrderSummary', 'acme'); // 'OrderSummary@tenant:acme'
 */
export function runnerKey(name: string, tenantId: string | null | undefined): string {
  if (name.includes(TENANT_MARK) || name.includes(NO_TENANT_MARK)) {
    throw new InvalidArgumentError(
      `projection name "${name}" contains "${TENANT_MARK}" or "${NO_TENANT_MARK}", which mark the checkpoint keys of per-tenant runners; rename the projection`,
    );
  }
  if (PARTITION_MARK.test(name)) {
    throw new InvalidArgumentError(
      `projection name "${name}" contains "#p<index>of<count>", which marks the checkpoint keys of partition runners; rename the projection`,
    );
  }
  if (tenantId === undefined) return name;
  return tenantId === null ? `${name}${NO_TENANT_MARK}` : `${name}${TENANT_MARK}${tenantId}`;
}

/**
 * The key of one partition's runner: `<key>#p<index>of<count>` (`key` from `runnerKey`), or
 * `key` itself without a partition. Its checkpoint, dead letters and lease
 * (`projection:<key>#p<index>of<count>`) are its own.
 *
 * @example
 * partitionKey('OrderSummary', { index: 2, count: 4 }); // 'OrderSummary#p2of4'
 */
export function partitionKey(key: string, partition: PartitionFilter | undefined): string {
  return partition ? `${key}#p${partition.index}of${partition.count}` : key;
}

/** Calls `fn` on `target` with `args`, any argument equal to `name` replaced by `key`. */
function callKeyed(
  target: object,
  fn: (...args: unknown[]) => unknown,
  args: unknown[],
  name: string,
  key: string,
) {
  return fn.apply(
    target,
    args.map((a) => (a === name ? key : a)),
  );
}

/**
 * `store` seen by a runner keyed `key`: every call naming the projection `name` (`load`,
 * `save`, `reset`, an adapter's `saveInTransaction`) uses `key` instead. Everything else
 * (e.g. the `database` or `pool` a transactional projection checks) is the store's own, so
 * transactional projections still join its transactions. Returns `store` itself when
 * `key === name`.
 */
export function keyedCheckpointStore(store: CheckpointStore, name: string, key: string): CheckpointStore {
  if (key === name) return store;
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        callKeyed(target, value as (...a: unknown[]) => unknown, args, name, key);
    },
  });
}

/**
 * `store` seen by a runner keyed `key`: dead letters of projection `name` are written, listed,
 * counted and looked up under `key` (their `projection` field reads `key`). Other methods are
 * the store's own, called with `name` replaced by `key` and a dead letter of `name` re-keyed.
 * Returns `store` itself when `key === name`.
 */
export function keyedDeadLetterStore(store: DeadLetterStore, name: string, key: string): DeadLetterStore {
  if (key === name) return store;
  const rekey = (a: unknown): unknown => {
    if (a === name) return key;
    const letter = a as Partial<DeadLetter> | null;
    if (letter && typeof letter === 'object' && letter.projection === name && 'event' in letter) {
      return { ...letter, projection: key };
    }
    return a;
  };
  const mapped: Partial<Record<keyof DeadLetterStore, (...args: never[]) => unknown>> = {
    list: (options: ListDeadLettersOptions = {}) =>
      store.list(options.projection === name ? { ...options, projection: key } : options),
    hasPending: (projection: string, aggregateType: string, aggregateId: string) =>
      store.hasPending(projection === name ? key : projection, aggregateType, aggregateId),
  };
  return new Proxy(store, {
    get(target, property) {
      const own = mapped[property as keyof DeadLetterStore];
      if (own) return own;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args.map(rekey));
    },
  });
}
