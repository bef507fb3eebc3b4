import { MIGRATIONS } from '../migrations/index.ts';
import { rowLevelSecuritySql } from '../migrations.ts';

/** The schema name the migration SQL fixture is rendered for: it needs quoting and escaping. */
export const FIXTURE_SCHEMA = 'sample "schema" é';

/**
 * Every shipped migration's version, name and SQL for `schema`, concatenated in order, then the
 * row-level security SQL: the text that `fixtures/migration-sql.txt` holds for `FIXTURE_SCHEMA`.
 */
export function migrationSqlText(schema = FIXTURE_SCHEMA): string {
  const parts = MIGRATIONS.map((m) => `-- version ${m.version}: ${m.name}\n${m.sql(schema)}\n`);
  parts.push(`-- row-level security\n${rowLevelSecuritySql(schema)}\n`);
  return parts.join('');
}
