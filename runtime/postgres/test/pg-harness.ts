import type { Pool } from 'pg';
import { dropSchema, uniqueSchema } from './pg-test-env.ts';

/**
 * A conformance harness on a fresh schema of the test database: `open()` builds a store on
 * that schema (a second call is a second client of the same storage); `cleanup()` closes the
 * stores and drops the schema.
 */
export function pgHarness<S extends { close(): Promise<void> }, O>(
  pool: Pool,
  prefix: string,
  make: (schema: string, options: O | undefined) => S,
): { open: (options?: O) => Promise<S>; cleanup: () => Promise<void> } {
  const schema = uniqueSchema(prefix);
  const stores: S[] = [];
  return {
    open: async (options?: O) => {
      const store = make(schema, options);
      stores.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of stores) await store.close();
      await dropSchema(pool, schema);
    },
  };
}
