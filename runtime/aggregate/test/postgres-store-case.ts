import { PostgreSQLEventStore } from '../../postgres/postgres-event-store.ts';
import { PostgreSQLSnapshotStore } from '../../postgres/postgres-snapshot-store.ts';
import { dropSchema, testPool, uniqueSchema } from '../../postgres/test/postgres-test-env.ts';
import { serviceAvailable } from '../../testing/services.ts';
import type { Stores } from './store-cases.ts';

/** The PostgreSQL store case for repository tests whose behaviour depends on storage. */
export interface AsyncStoreCase {
  readonly name: string;
  readonly open: () => Promise<Stores>;
}

/**
 * A PostgreSQL event and snapshot store on a schema of their own per test, when the server is
 * reachable (outside CI an unreachable server skips the case with one line; in CI it fails).
 */
export async function postgresStoreCase(): Promise<AsyncStoreCase[]> {
  if (!(await serviceAvailable('postgres'))) return [];
  const open = async (): Promise<Stores> => {
    const pool = testPool(4);
    const schema = uniqueSchema('es_repo');
    const eventStore = new PostgreSQLEventStore({ connection: pool, schema, notify: false });
    await eventStore.initialize();
    const snapshotStore = new PostgreSQLSnapshotStore({ connection: pool, schema });
    return {
      eventStore,
      snapshotStore,
      dispose: async () => {
        await eventStore.close();
        await snapshotStore.close();
        await dropSchema(pool, schema);
        await pool.end();
      },
    };
  };
  return [{ name: 'PostgreSQL', open }];
}
