import { advisoryKey, dollarQuoteTag, quoteIdent, quoteLiteral } from '../identifiers.ts';
import { streamLockedAppendSql } from './0011-any-appends-wait-for-their-stream.ts';
import type { Migration } from './migration.ts';

/** Version 12: readers wait only for this schema's appends in flight (see `readHorizonSql`). Shipped: never edit. */
export const migration0012: Migration = {
  version: 12,
  name: 'store-scoped read horizon',
  sql: (schema) =>
    `${streamLockedAppendSql(schema, announcingReserveSql(schema))}\n${readHorizonSql(schema)}`,
};

/** 2^32 and 2^31, for the 32-bit position keys of the in-flight locks. */
const TWO_32 = '4294967296';
const TWO_31 = '2147483648';

/**
 * The first key of the schema's in-flight locks: an advisory lock on (this key, low 32 bits of
 * a position) means "an append of this schema is in flight from that position on". As the
 * unsigned value `pg_locks.classid` shows, and as the signed int4 the lock functions take.
 */
export function inFlightLockClass(schema: string): { readonly oid: string; readonly int4: string } {
  const key = BigInt.asUintN(32, BigInt(advisoryKey(`es-gen in flight ${schema}`)));
  return { oid: key.toString(), int4: BigInt.asIntN(32, key).toString() };
}

/**
 * The ordering critical section of an append from version 12 on (PL/pgSQL statements setting
 * `v_first`; `v_count` positions). Under the schema's position lock, before it takes its first
 * position, the transaction announces itself with a shared transaction-level advisory lock on
 * (schema key, the position the sequence gives next). Only this section takes positions, so
 * that is exactly its first one; the lock lasts until the transaction has committed or rolled
 * back (PostgreSQL releases locks after a commit is visible). The transaction id is still taken
 * here too, so that readers of earlier versions (pg_snapshot_xmin) stay correct.
 */
function announcingReserveSql(schema: string): string {
  const s = quoteIdent(schema);
  const seq = quoteLiteral(`${s}.events_position_seq`);
  const lock = advisoryKey(`es-gen positions ${schema}`);
  const cls = inFlightLockClass(schema).int4;
  return `  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'events must be the first write of their transaction, so that positions follow commit order'
      USING ERRCODE = 'ES500';
  END IF;
  BEGIN
    v_void := pg_advisory_lock(${lock})::text;
    v_first := coalesce(pg_sequence_last_value(${seq}::regclass) + 1, 1);
    v_void := pg_advisory_xact_lock_shared(${cls}, ((v_first + ${TWO_31}) % ${TWO_32} - ${TWO_31})::integer)::text;
    v_void := pg_current_xact_id()::text;
    v_first := nextval(${seq}::regclass);
    IF v_count > 1 THEN
      v_void := setval(${seq}::regclass, v_first + v_count - 1)::text;
    END IF;
  EXCEPTION WHEN OTHERS THEN
    v_void := pg_advisory_unlock(${lock})::text;
    RAISE;
  END;
  v_void := pg_advisory_unlock(${lock})::text;`;
}

/**
 * `read_horizon()`: the lowest position `readAll` must not return yet; every committed event
 * below it is visible to any snapshot taken after the call. It reads, in this order:
 *
 * 1. `v_next`, the position the sequence gives next: every lower position was taken before.
 * 2. The in-flight locks of this schema in this database (`pg_locks`): each append took its
 *    lock before its first position, and holds it until its commit is visible.
 *
 * So for a position p below the answer, the append holding p had locked before step 1; at step
 * 2 it either still held its lock (then the answer is at most p) or had finished, its commit
 * visible to later snapshots. A reader that reads events below the answer in a later statement
 * therefore never skips one that commits late. Positions are rebuilt from their low 32 bits
 * next to `v_next` (in-flight appends are within 2^31 positions of the head). Another schema
 * whose key collided could only lower the answer. SECURITY DEFINER: readers need no right on
 * the sequence.
 */
function readHorizonSql(schema: string): string {
  const s = quoteIdent(schema);
  const q = dollarQuoteTag(s);
  const seq = quoteLiteral(`${s}.events_position_seq`);
  const cls = inFlightLockClass(schema).oid;
  return `CREATE FUNCTION ${s}.read_horizon() RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS ${q}
DECLARE
  v_next bigint;
  v_held bigint;
BEGIN
  v_next := coalesce(pg_sequence_last_value(${seq}::regclass) + 1, 1);
  SELECT min(v_next + ((l.objid::bigint - v_next) % ${TWO_32} + ${TWO_32} + ${TWO_31}) % ${TWO_32} - ${TWO_31})
    INTO v_held FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.classid = ${cls}::oid AND l.objsubid = 2
      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database());
  RETURN least(v_next, v_held);
END
${q};
CREATE FUNCTION ${s}.in_flight_appends() RETURNS TABLE (o_pid integer, o_xact_start timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS ${q}
  SELECT l.pid, a.xact_start FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.classid = ${cls}::oid AND l.objsubid = 2
      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
${q};`;
}
