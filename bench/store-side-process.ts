/**
 * The child process of one store side: `store-side-process.ts <kind> <url> <schema>` where kind
 * is pg-esgen, pg-esgen-noregistry, pg-raw, pg-emmett, sqlite-esgen, sqlite-raw or
 * sqlite-emmett (for SQLite, url is the database file and schema the synchronous level). Only the chosen side's modules load.
 */
import type { SQLiteSynchronous } from '../runtime/sqlite/sqlite-migrations.ts';
import { serveSide } from './side-process.ts';
import type { StoreSide } from './store-side.ts';

/** The Emmett SQLite side lives in its own install (bench/emmett-sqlite). */
const EMMETT_SQLITE_SIDE = './emmett-sqlite/side.ts';

const [kind, url, schema] = process.argv.slice(2) as [string, string, string];

async function open(): Promise<StoreSide> {
  switch (kind) {
    case 'pg-esgen':
      return (await import('./pg-side-esgen.ts')).createSide(url, schema, true);
    case 'pg-esgen-noregistry':
      return (await import('./pg-side-esgen.ts')).createSide(url, schema, false);
    case 'pg-raw':
      return (await import('./pg-side-raw.ts')).createSide(url, schema);
    case 'pg-emmett':
      return (await import('./pg-side-emmett.ts')).createSide(url);
    case 'sqlite-esgen':
      return (await import('./sqlite-side-esgen.ts')).createSide(url, schema as SQLiteSynchronous, true);
    case 'sqlite-raw':
      return (await import('./sqlite-side-raw.ts')).createSide(url, schema as SQLiteSynchronous);
    case 'sqlite-emmett':
      return (await import(EMMETT_SQLITE_SIDE)).createSide(url);
    default:
      throw new Error(`unknown store side ${kind}`);
  }
}

const side = await open();
serveSide(
  {
    append: (work: Parameters<StoreSide['append']>[0]) => side.append(work),
    seedReadAll: () => side.seedReadAll(),
    readAll: () => side.readAll(),
    seedAggregate: () => side.seedAggregate(),
    loadAggregate: (id: string) => side.loadAggregate(id),
  },
  () => side.close(),
);
