import { isEventSourcingError } from '@es-gen/runtime';
import type { Command } from 'commander';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode } from '../context.ts';

interface MigrateFlags {
  readonly store?: string;
  readonly schema?: string;
  readonly rls?: boolean;
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
  const result = await migratePostgreSQL(url, { schema, rowLevelSecurity: flags.rls === true });
  context.stdout(
    result.applied.length === 0
      ? `es-gen: schema "${result.schema}" is up to date (version ${result.version})\n`
      : `es-gen: schema "${result.schema}" migrated to version ${result.version} (applied ${result.applied.join(', ')})\n`,
  );
}

async function migrateSqliteStore(context: CliContext, file: string): Promise<void> {
  const [{ default: Database }, sqlite] = await Promise.all([
    import('better-sqlite3'),
    import('@es-gen/runtime/sqlite'),
  ]);
  const db = new Database(file);
  try {
    // Each store creates (or upgrades) its own tables, versioned and idempotent.
    new sqlite.SQLiteEventStore(db);
    new sqlite.SQLiteSnapshotStore(db);
    new sqlite.SQLiteCheckpointStore(db);
    new sqlite.SQLiteDeadLetterStore(db);
  } finally {
    db.close();
  }
  context.stdout(`es-gen: SQLite database ${file} is up to date\n`);
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
 * `es-gen migrate --store <url|file> [--schema <name>] [--rls]`: creates or upgrades the tables
 * of the event, snapshot, checkpoint and dead-letter stores. Idempotent: a second run changes
 * nothing. A PostgreSQL URL may carry the schema as `?schema=` (default `es_gen`); any other
 * value is a SQLite file path.
 */
export const migrateCommand: CommandModule = {
  name: 'migrate',
  register(program: Command, context: CliContext) {
    program
      .command('migrate')
      .description('create or upgrade the store tables (PostgreSQL URL or SQLite file); idempotent')
      .option('--store <url|file>', 'postgres://... URL (schema as ?schema=) or a SQLite file path')
      .option('--schema <name>', 'PostgreSQL schema of the tables (default: es_gen)')
      .option('--rls', 'PostgreSQL: enforce tenant isolation with row-level security')
      .action(async (flags: MigrateFlags) => migrate(context, flags));
  },
};
