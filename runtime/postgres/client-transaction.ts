import type { PoolClient } from 'pg';

/**
 * Runs `fn` in one transaction on a checked-out `client` (BEGIN, then COMMIT, or ROLLBACK when
 * `fn` or the commit throws) and always releases the client. A connection that dies while
 * checked out emits `'error'` on the client: that is noted instead of crashing the process, and
 * such a client (or one whose ROLLBACK failed) is destroyed rather than returned to the pool.
 * The original error is rethrown as it is.
 */
export async function inClientTransaction<T>(
  client: PoolClient,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken ??= e;
    });
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
