import type * as Pg from 'pg';
import type { Pool } from 'pg';
import { describeValue } from '../describe-value.ts';
import { InvalidArgumentError } from '../errors.ts';
import { loadDriver } from '../load-driver.ts';

/** A pg `Pool` to use, or a connection string (`postgres://...`) to build one from. */
export type PostgreSQLConnection = Pool | string;

/** A pool and whether the component that resolved it must end it on close. */
export interface ResolvedPool {
  readonly pool: Pool;
  readonly owned: boolean;
}

/** The `pg` package, loaded on first use (throws `MissingDriverError` when it is not installed). */
export function loadPg(): typeof Pg {
  return loadDriver<typeof Pg>('pg', '@es-gen/runtime/postgres');
}

const CONNECTION_STRING = /^postgres(ql)?:\/\/./i;

/** True when `value` looks like a pg `Pool` (a `Client` has no pool counters and cannot be shared). */
export function isPool(value: unknown): value is Pool {
  if (typeof value !== 'object' || value === null) return false;
  const pool = value as Partial<Record<'query' | 'connect' | 'end', unknown>>;
  return (
    typeof pool.query === 'function' &&
    typeof pool.connect === 'function' &&
    typeof pool.end === 'function' &&
    'totalCount' in value &&
    'idleCount' in value
  );
}

/** Why `connection` is not a connection or `undefined` when it is one. */
function connectionProblem(connection: unknown): string | undefined {
  if (typeof connection === 'string') {
    if (CONNECTION_STRING.test(connection)) return undefined;
    return `got ${describeValue(connection)}, which is not a postgres:// or postgresql:// URL`;
  }
  if (isPool(connection)) return undefined;
  if ((connection as { constructor?: { name?: string } } | null)?.constructor?.name === 'Client') {
    return 'got a pg Client, which holds one connection and cannot serve concurrent queries; pass a Pool';
  }
  return `got ${describeValue(connection)}`;
}

/**
 * Throws `InvalidArgumentError` unless `connection` is a connection string or a pg `Pool`.
 *
 * @param component - named in the message, e.g. `PostgreSQLEventStore`.
 * @param shape - the accepted shape, e.g. `a pg Pool, or { connection, schema?, ... }`.
 */
export function assertConnection(
  component: string,
  connection: unknown,
  shape = 'a pg Pool',
): asserts connection is PostgreSQLConnection {
  const problem = connectionProblem(connection);
  if (problem === undefined) return;
  throw new InvalidArgumentError(
    `${component}: expected a connection string ("postgres://..."), ${shape}, ${problem}`,
  );
}

/**
 * Returns the given pool (not owned: the caller ends it) or a new pool built from a
 * connection string (owned: ended by the component's `close()`). Loads `pg` only to build a pool.
 *
 * @throws InvalidArgumentError when `connection` is neither; MissingDriverError without `pg`.
 * @example
 * const { pool, owned } = resolvePool('migratePostgreSQL', 'postgres://postgres@127.0.0.1:5432/test');
 */
export function resolvePool(component: string, connection: PostgreSQLConnection, max = 10): ResolvedPool {
  assertConnection(component, connection);
  if (typeof connection !== 'string') return { pool: connection, owned: false };
  const pool = new (loadPg().Pool)({ connectionString: connection, max });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node
  // would crash the process. The next query on a fresh client reports the problem instead.
  pool.on('error', () => {});
  return { pool, owned: true };
}

/**
 * The options of a PostgreSQL component from its constructor's arguments: an options object
 * `{ connection, ... }`, or a connection string or pg `Pool` followed by the other options.
 *
 * @throws InvalidArgumentError naming `component` and the accepted shapes for anything else.
 */
export function toConnectionOptions<O extends { readonly connection: PostgreSQLConnection }>(
  component: string,
  first: O | PostgreSQLConnection,
  rest: Omit<O, 'connection'> | undefined,
): O {
  if (!isOptionsObject(first)) {
    assertConnection(component, first, 'a pg Pool, or { connection, schema?, ... }');
    return { ...rest, connection: first } as O;
  }
  if (rest !== undefined) {
    throw new InvalidArgumentError(
      `${component}: got an options object and further options; put them all in the options object`,
    );
  }
  assertConnection(`${component} option "connection"`, first.connection);
  return first;
}

/** A plain object with a `connection` key (a pg `Client` has one too, but is no plain object). */
function isOptionsObject<O extends object>(value: O | PostgreSQLConnection): value is O {
  if (typeof value !== 'object' || value === null || !('connection' in value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The default schema every PostgreSQL component of es-gen uses. */
export const DEFAULT_SCHEMA = 'es_gen';
