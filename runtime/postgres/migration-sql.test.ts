import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { FIXTURE_SCHEMA, migrationSqlText } from './test/migration-sql-text.ts';

const fixture = readFileSync(new URL('./test/fixtures/migration-sql.txt', import.meta.url), 'utf8');

describe('PostgreSQL migration SQL', () => {
  it('executes byte for byte the SQL captured for every shipped version', () => {
    expect(migrationSqlText(FIXTURE_SCHEMA)).toBe(fixture);
  });

  it('numbers the versions 1, 2, 3 ... in order, each once', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('renders every version for another schema with that schema quoted', () => {
    for (const migration of MIGRATIONS) {
      const sql = migration.sql('other');
      expect(sql).toContain('"other"');
      expect(sql).not.toContain('sample');
    }
  });
});
