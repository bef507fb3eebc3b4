import { migration0001 } from './0001-events-and-streams.ts';
import { migration0002 } from './0002-snapshots.ts';
import { migration0003 } from './0003-checkpoints.ts';
import { migration0004 } from './0004-dead-letters.ts';
import { migration0005 } from './0005-append-writes-stream-row-once.ts';
import { migration0006 } from './0006-append-plans-use-indexes.ts';
import { migration0007 } from './0007-append-writes-before-reading.ts';
import { migration0008 } from './0008-append-checks-streams-through-events.ts';
import { migration0009 } from './0009-append-group.ts';
import { migration0010 } from './0010-tenant-columns-and-roles.ts';
import { migration0011 } from './0011-any-appends-wait-for-their-stream.ts';
import { migration0012 } from './0012-store-scoped-read-horizon.ts';
import { migration0013 } from './0013-snapshots-per-tenant.ts';
import { migration0014 } from './0014-leases.ts';
import { migration0015 } from './0015-dead-letter-replay-requests.ts';
import { migration0016 } from './0016-read-models.ts';
import { migration0017 } from './0017-single-event-append.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

/**
 * Every migration of the es-gen PostgreSQL schema, oldest first, one file per version. Never
 * edit a shipped one: a schema change is a new file `NNNN-<what-it-does>.ts` added here.
 */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
  migration0017,
];
