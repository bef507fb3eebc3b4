import type { Pool, QueryConfig, QueryResultRow } from 'pg';

/**
 * Runs one query. With row-level security on and a tenant given, the query runs in a
 * transaction that first sets `es_gen.tenant_id`, so the tenant policies admit its rows even
 * when the pool's role is subject to them.
 */
export async function scopedQuery<R extends QueryResultRow>(
  pool: Pool,
  query: QueryConfig,
  scope: { readonly rowLevelSecurity: boolean; readonly tenantId: string | null | undefined },
): Promise<R[]> {
  if (!scope.rowLevelSecurity || scope.tenantId === undefined) {
    return (await pool.query<R>(query)).rows;
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('es_gen.tenant_id', $1, true)`, [scope.tenantId ?? '']);
    const result = await client.query<R>(query);
    await client.query('COMMIT');
    return result.rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
