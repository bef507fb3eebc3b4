import type Database from 'better-sqlite3';
import type * as Pg from 'pg';
import { EvolutionInputError } from '../errors.ts';
import { loadStoreDriver } from './store-driver.ts';

/** The part of a stored event the check reads. */
export interface StoredRow {
  readonly position: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly dataJson: string;
  /** The stored metadata as JSON text (SQL NULL reads as null). */
  readonly metadataJson: string | null;
}

/** A read-only view of an event store's table. */
export interface StoreSource {
  /** Where the events come from, for messages (no password). */
  readonly description: string;
  count(): Promise<number>;
  /** Every event in position order, or `sample` events at random. */
  rows(sample?: number): AsyncIterable<StoredRow>;
  close(): Promise<void>;
}

const PAGE = 1000;
const COLUMNS = 'position, event_id, event_type, schema_version, aggregate_type, aggregate_id';

type RawRow = [number | string, string, string, number, string, string, string, string | null];

function toRow(r: RawRow): StoredRow {
  return {
    position: Number(r[0]),
    eventId: String(r[1]),
    eventType: r[2],
    schemaVersion: Number(r[3]),
    aggregateType: r[4],
    aggregateId: r[5],
    dataJson: r[6],
    metadataJson: r[7],
  };
}

/**
 * Opens the SQLite event store file read-only (table `es_events`, as SQLiteEventStore writes it),
 * with the `better-sqlite3` of the project in `projectRoot` (else es-gen's own).
 *
 * @throws EvolutionInputError when the file cannot be read or `better-sqlite3` is not installed.
 */
export function openSqliteSource(file: string, projectRoot: string = process.cwd()): StoreSource {
  const Sqlite = loadStoreDriver<typeof Database>(
    'better-sqlite3',
    projectRoot,
    `the SQLite event store ${file}`,
  );
  let db: Database.Database;
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT 1 FROM es_events LIMIT 0');
  } catch (error) {
    throw new EvolutionInputError(
      `cannot open the SQLite event store ${file} read-only: ${(error as Error).message}; give the file SQLiteEventStore writes`,
      { cause: error },
    );
  }
  const page = db
    .prepare(
      `SELECT ${COLUMNS}, data, metadata FROM es_events WHERE position > ? ORDER BY position LIMIT ${PAGE}`,
    )
    .raw();
  return {
    description: file,
    count: async () => db.prepare('SELECT count(*) FROM es_events').pluck().get() as number,
    async *rows(sample) {
      if (sample !== undefined) {
        const all = db
          .prepare(`SELECT ${COLUMNS}, data, metadata FROM es_events ORDER BY random() LIMIT ?`)
          .raw()
          .all(sample);
        for (const r of all) yield toRow(r as RawRow);
        return;
      }
      let after = 0;
      for (;;) {
        const rows = page.all(after) as RawRow[];
        for (const r of rows) yield toRow(r);
        if (rows.length < PAGE) return;
        after = Number(rows[rows.length - 1]![0]);
      }
    },
    close: async () => {
      db.close();
    },
  };
}

function pgTarget(url: string): { connectionString: string; schema: string; shown: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'es_gen';
  parsed.searchParams.delete('schema');
  if (!/^[a-z_][a-z0-9_$]*$/i.test(schema))
    throw new EvolutionInputError(`--store: schema "${schema}" is not a plain SQL identifier`);
  const shown = new URL(parsed.href);
  shown.password = '';
  return { connectionString: parsed.href, schema, shown: `${shown.href} (schema ${schema})` };
}

/**
 * Opens a PostgreSQL event store read-only: one connection in a `READ ONLY` transaction that is
 * rolled back on close. The schema of the tables is the URL's `schema` parameter (default `es_gen`,
 * as PostgreSQLEventStore uses), e.g. `postgres://app@db/prod?schema=es_gen`. Uses the `pg` of the
 * project in `projectRoot` (else es-gen's own).
 *
 * @throws EvolutionInputError when the store cannot be read or `pg` is not installed.
 */
export async function openPostgresSource(
  url: string,
  projectRoot: string = process.cwd(),
): Promise<StoreSource> {
  const { connectionString, schema, shown } = pgTarget(url);
  const pg = loadStoreDriver<typeof Pg>('pg', projectRoot, `the PostgreSQL event store ${shown}`);
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SELECT 1 FROM "${schema}".events LIMIT 0`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new EvolutionInputError(
      `cannot read the PostgreSQL event store ${shown}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const select = `SELECT position::text, event_id::text, event_type, schema_version, aggregate_type, aggregate_id, data::text, metadata::text FROM "${schema}".events`;
  const query = async (text: string, values: unknown[]) =>
    (await client.query({ text, values, rowMode: 'array' })).rows as RawRow[];
  return {
    description: shown,
    count: async () => Number((await query(`SELECT count(*)::text FROM "${schema}".events`, []))[0]![0]),
    async *rows(sample) {
      if (sample !== undefined) {
        for (const r of await query(`${select} ORDER BY random() LIMIT $1`, [sample])) yield toRow(r);
        return;
      }
      let after = '0';
      for (;;) {
        const rows = await query(`${select} WHERE position > $1 ORDER BY position LIMIT ${PAGE}`, [after]);
        for (const r of rows) yield toRow(r);
        if (rows.length < PAGE) return;
        after = String(rows[rows.length - 1]![0]);
      }
    },
    close: async () => {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}

/**
 * Opens `--store`: a `postgres://`/`postgresql://` URL, otherwise a SQLite file path. The driver
 * is loaded from the project in `projectRoot` (default: the working folder), else from es-gen.
 */
export async function openStoreSource(
  target: string,
  projectRoot: string = process.cwd(),
): Promise<StoreSource> {
  return /^postgres(ql)?:\/\//.test(target)
    ? openPostgresSource(target, projectRoot)
    : openSqliteSource(target, projectRoot);
}
