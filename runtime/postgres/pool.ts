import type { Pool } from 'pg';
import pg from 'pg';

/** A pg `Pool` to use, or a connection string to build one from. */
export type PostgreSQLConnection = Pool | string;

/** A pool and whether the component that resolved it must end it on close. */
export interface ResolvedPool {
  readonly pool: Pool;
  readonly owned: boolean;
}

/**
 * Returns the given pool (not owned: the caller ends it) or a new pool built from a
 * connection string (owned: ended by the component's `close()`).
 *
 * @example
 * const { pool, owned } = resolvePool('postgres://postgres@127.0.0.1:5432/test');
 */
export function resolvePool(connection: PostgreSQLConnection, max = 10): ResolvedPool {
  if (typeof connection === 'string') {
    const pool = new pg.Pool({ connectionString: connection, max });
    // An idle client that loses its server emits 'error' on the pool; without a listener Node
    // would crash the process. The next query on a fresh client reports the problem instead.
    pool.on('error', () => {});
    return { pool, owned: true };
  }
  return { pool: connection, owned: false };
}

/** The default schema every PostgreSQL component of es-gen uses. */
export const DEFAULT_SCHEMA = 'es_gen';
