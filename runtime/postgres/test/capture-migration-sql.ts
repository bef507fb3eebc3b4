/**
 * Writes `fixtures/migration-sql.txt`, the SQL every shipped migration executes for a sample
 * schema. Shipped migrations never change, so this is run once, when a version is added:
 * `npx tsx --conditions=es-gen-source runtime/postgres/test/capture-migration-sql.ts`.
 */
import { writeFileSync } from 'node:fs';
import { migrationSqlText } from './migration-sql-text.ts';

writeFileSync(new URL('./fixtures/migration-sql.txt', import.meta.url), migrationSqlText());
