import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isEventSourcingError } from '@es-gen/runtime';
import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode } from '../context.ts';

interface MigrateFlags {
  readonly store?: string;
  readonly schema?: string;
  /** `--rls` alone is `true` (session mode); `--rls role` names the mode. */
  readonly rls?: boolean | string;
}

const RLS_MODES = ['session', 'role'] as const;

/** The `rowLevelSecurity` option of `--rls [mode]`, or undefined when the mode is unknown. */
function rlsOption(rls: boolean | string | undefined): boolean | 'session' | 'role' | undefined {
  if (rls === undefined || rls === false) return false;
  if (rls === true) return true;
  return (RLS_MODES as readonly string[]).includes(rls) ? (rls as 'session' | 'role') : undefined;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** Splits `?schema=` off a PostgreSQL URL (the form `es-gen check --store` takes too). */
function postgresTarget(url: string, schemaFlag: string | undefined): { url: string; schema: string } {
  const parsed = new URL(url);
  const fromUrl = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { url: parsed.href, schema: schemaFlag ?? fromUrl ?? 'es_gen' };
}

async function migratePostgresStore(context: CliContext, target: string, flags: MigrateFlags): Promise<void> {
  const { url, schema } = postgresTarget(target, flags.schema);
  // Drivers load only when this command runs, so the other commands start fast.
  const { migratePostgreSQL } = await import('@es-gen/runtime/postgres');
  const rowLevelSecurity = rlsOption(flags.rls) ?? false;
  const result = await migratePostgreSQL(url, { schema, rowLevelSecurity });
  const rls =
    rowLevelSecurity === false
      ? ''
      : `; row-level security '${rowLevelSecurity === true ? 'session' : rowLevelSecurity}' on its tenant tables`;
  context.stdout(
    result.applied.length === 0
      ? `es-gen: schema "${result.schema}" is up to date (version ${result.version})${rls}\n`
      : `es-gen: schema "${result.schema}" migrated to version ${result.version} (applied ${result.applied.join(', ')})${rls}\n`,
  );
}

/** The folder a SQLite file would be created in, when it does not exist (better-sqlite3 creates files, not folders). */
function missingFolder(file: string): string | undefined {
  if (file === ':memory:' || file.startsWith('file:')) return undefined;
  const folder = dirname(file);
  return existsSync(folder) ? undefined : folder;
}

type Database = import('better-sqlite3').Database;

/** Schema version per component (`events`, `snapshots`, ...), from es-gen's version table; empty before the first run. */
function componentVersions(db: Database): Map<string, number> {
  const table = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'es_schema_versions'")
    .get();
  if (!table) return new Map();
  const rows = db.prepare('SELECT component, version FROM es_schema_versions ORDER BY component').all() as {
    component: string;
    version: number;
  }[];
  return new Map(rows.map((r) => [r.component, r.version]));
}

function tableNames(db: Database): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
}

function describeVersions(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([component, version]) => {
      const was = before.get(component);
      return was === undefined || was === version
        ? `${component} ${version}`
        : `${component} ${was} → ${version}`;
    })
    .join(', ');
}

async function migrateSqliteStore(context: CliContext, file: string): Promise<void> {
  const folder = missingFolder(file);
  if (folder !== undefined) {
    context.stderr(
      `es-gen migrate: cannot create the SQLite database ${file}: the folder ${folder} does not exist; create it first (mkdir -p ${folder}) or give another --store path\n`,
    );
    context.fail(ExitCode.Invalid);
    return;
  }
  const [{ default: Database }, sqlite] = await Promise.all([
    import('better-sqlite3'),
    import('@es-gen/runtime/sqlite'),
  ]);
  const existed = file !== ':memory:' && existsSync(file) && statSync(file).size > 0;
  const db = new Database(file);
  let before: Map<string, number>;
  let after: Map<string, number>;
  let tables: string[];
  try {
    before = componentVersions(db);
    // Each store creates (or upgrades) its own tables, versioned and idempotent.
    new sqlite.SQLiteEventStore(db);
    new sqlite.SQLiteSnapshotStore(db);
    new sqlite.SQLiteCheckpointStore(db);
    new sqlite.SQLiteDeadLetterStore(db);
    after = componentVersions(db);
    tables = tableNames(db);
  } finally {
    db.close();
  }
  const versions = describeVersions(before, after);
  const changed = [...after].some(([component, version]) => before.get(component) !== version);
  if (!existed) {
    context.stdout(
      `es-gen: created SQLite database ${file} with the tables ${tables.join(', ')} (schema versions: ${versions})\n`,
    );
  } else if (changed) {
    context.stdout(`es-gen: SQLite database ${file} migrated (schema versions: ${versions})\n`);
  } else {
    context.stdout(`es-gen: SQLite database ${file} is up to date (schema versions: ${versions})\n`);
  }
}

async function migrate(context: CliContext, flags: MigrateFlags): Promise<void> {
  const target = flags.store;
  if (!target) {
    context.stderr(
      'es-gen migrate: --store is required, e.g. --store postgres://app@127.0.0.1/app?schema=es_gen or --store events.db\n',
    );
    context.fail(ExitCode.Invalid);
    return;
  }
  if (flags.rls && !POSTGRES_URL.test(target)) {
    context.stderr('es-gen migrate: --rls needs a PostgreSQL store (postgres://...)\n');
    context.fail(ExitCode.Invalid);
    return;
  }
  if (rlsOption(flags.rls) === undefined) {
    context.stderr(
      `es-gen migrate: --rls ${JSON.stringify(flags.rls)} is not a mode; use --rls (session) or --rls role\n`,
    );
    context.fail(ExitCode.Invalid);
    return;
  }
  try {
    if (POSTGRES_URL.test(target)) await migratePostgresStore(context, target, flags);
    else await migrateSqliteStore(context, target);
  } catch (error) {
    if (!isEventSourcingError(error) && !isConnectionError(error)) throw error;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    context.stderr(`es-gen migrate: ${(error as Error).message}${cause ? ` (${cause})` : ''}\n`);
    context.fail(ExitCode.Invalid);
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|3D000|28P01|28000|SQLITE_CANTOPEN)$/.test(code)
  );
}

/**
 * `es-gen migrate --store <url|file> [--schema <name>] [--rls [session|role]]`: creates or
 * upgrades the tables of the event, snapshot, checkpoint and dead-letter stores. Idempotent: a
 * second run changes nothing. A PostgreSQL URL may carry the schema as `?schema=` (default
 * `es_gen`); any other value is a SQLite file path. With `--rls`, run it as the schema owner:
 * it creates the tenant row-level security policies (session mode, or `role`: keyed on the
 * login role's tenant in `tenant_roles`); stores with `rowLevelSecurity` only check the schema.
 */
export const migrateCommand: CommandModule = {
  name: 'migrate',
  register(program: Command, context: CliContext) {
    program
      .command('migrate')
      .description('create or upgrade the store tables (PostgreSQL URL or SQLite file); idempotent')
      .option('--store <url|file>', 'postgres://... URL (schema as ?schema=) or a SQLite file path')
      .option('--schema <name>', 'PostgreSQL schema of the tables (default: es_gen)')
      .option(
        '--rls [mode]',
        "PostgreSQL: tenant row-level security, keyed on the session setting (default) or 'role' (tenant_roles)",
      )
      .action(async (flags: MigrateFlags) => migrate(context, flags));
  },
};
