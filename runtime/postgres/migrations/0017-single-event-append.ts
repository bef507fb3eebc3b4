import { advisoryKey, dollarQuoteTag, quoteIdent, quoteLiteral } from '../identifiers.ts';
import { inFlightLockClass } from './0012-store-scoped-read-horizon.ts';
import type { Migration } from './migration.ts';

/** Version 17: `append_event`, the append of one event at a known version (see `appendEventSql`). Shipped: never edit. */
export const migration0017: Migration = {
  version: 17,
  name: 'single event append',
  sql: appendEventSql,
};

/** 2^32 and 2^31, for the 32-bit position keys of the in-flight locks (as in version 12). */
const TWO_32 = '4294967296';
const TWO_31 = '2147483648';

/**
 * Migration 17: `append_event(...) RETURNS bigint`, the append of one event whose expected
 * version is a number (`p_base`, 0 for a new stream), answering its position. The same checks
 * and answers as `append_events` for such an append, with less work per call: scalar
 * parameters instead of arrays (no unnest), and one value instead of a result set. The probe of
 * event `p_base` keeps the shape of version 8 (newest event at or below it, ordered by version),
 * so that even a plan cached on an empty table reads the stream index and nothing else.
 *
 * - The ES500 rule and the ordering critical section of version 12: under the schema's
 *   position lock, the transaction announces its position with the in-flight lock, takes its
 *   transaction id and then that position (one `nextval`, no `setval`); the exception block
 *   releases the position lock if anything fails inside.
 * - The row is inserted only if `p_base` is 0 or event `p_base` of the stream exists and
 *   belongs to `p_tenant_id`; the unique (stream, version) and event id indexes reject a lost
 *   race or a replay, which the store maps as before. When nothing was inserted, the stream's
 *   newest event decides between ES403 (another tenant's stream at the expected version) and
 *   ES409 (DETAIL: the actual version).
 * - `p_channel` (if not null) is notified with the position.
 */
function appendEventSql(schema: string): string {
  const s = quoteIdent(schema);
  const q = dollarQuoteTag(s);
  const stream = 'e.aggregate_type = p_aggregate_type AND e.aggregate_id = p_aggregate_id';
  return `CREATE FUNCTION ${s}.append_event(
  p_aggregate_type text, p_aggregate_id text, p_tenant_id text, p_base integer,
  p_event_id uuid, p_event_type text, p_schema_version integer,
  p_actor_id text, p_correlation_id text, p_causation_id text,
  p_data jsonb, p_metadata jsonb, p_occurred_at timestamptz, p_channel text
) RETURNS bigint
LANGUAGE plpgsql SET enable_seqscan = off AS ${q}
DECLARE
  v_first bigint;
  v_version integer;
  v_tenant text;
  v_void text;
BEGIN
  v_void := set_config('es_gen.tenant_id', coalesce(p_tenant_id, ''), true);
${singleReserveSql(schema)}
  INSERT INTO ${s}.events (position, aggregate_type, aggregate_id, version, event_type, schema_version,
      tenant_id, event_id, actor_id, correlation_id, causation_id, data, metadata, occurred_at)
    SELECT v_first, p_aggregate_type, p_aggregate_id, p_base + 1, p_event_type, p_schema_version,
      p_tenant_id, p_event_id, p_actor_id, p_correlation_id, p_causation_id, p_data, p_metadata, p_occurred_at
    WHERE p_base = 0 OR (SELECT e.version = p_base AND e.tenant_id IS NOT DISTINCT FROM p_tenant_id
      FROM ${s}.events e WHERE ${stream} AND e.version <= p_base ORDER BY e.version DESC LIMIT 1);
  IF NOT FOUND THEN
    SELECT e.version, e.tenant_id INTO v_version, v_tenant FROM ${s}.events e
      WHERE ${stream} ORDER BY e.version DESC LIMIT 1;
    v_version := coalesce(v_version, 0);
    IF v_version = p_base AND v_version > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
      RAISE EXCEPTION 'stream belongs to another tenant' USING ERRCODE = 'ES403', DETAIL = coalesce(v_tenant, '');
    END IF;
    RAISE EXCEPTION 'stream version does not match' USING ERRCODE = 'ES409', DETAIL = v_version::text;
  END IF;
  IF p_channel IS NOT NULL THEN
    v_void := pg_notify(p_channel, v_first::text)::text;
  END IF;
  RETURN v_first;
END
${q};`;
}

/**
 * The ordering critical section of version 12 for one position (PL/pgSQL statements setting
 * `v_first`): the same locks in the same order, so appends of either function keep positions
 * in commit order and the read horizon exact.
 */
function singleReserveSql(schema: string): string {
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
  EXCEPTION WHEN OTHERS THEN
    v_void := pg_advisory_unlock(${lock})::text;
    RAISE;
  END;
  v_void := pg_advisory_unlock(${lock})::text;`;
}
