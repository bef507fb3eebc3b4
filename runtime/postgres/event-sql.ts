import { advisoryKey, quoteIdent, quoteLiteral } from './identifiers.ts';

/** The signature and result of `append_events`, the same in every version of the function. */
function appendSignature(s: string): string {
  return `FUNCTION ${s}.append_events(
  p_aggregate_type text, p_aggregate_id text, p_tenant_id text, p_expected text,
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[],
  p_actor_ids text[], p_correlation_ids text[], p_causation_ids text[],
  p_data jsonb[], p_metadata jsonb[], p_occurred_at timestamptz[], p_channel text
) RETURNS TABLE (o_status text, o_first_position bigint, o_actual_version integer, o_stream_tenant text)`;
}

/**
 * The multi-row insert of a batch at positions from `v_first` and versions after `base`,
 * optionally filtered by `where` (a condition evaluated once for the whole batch).
 */
function insertEventsSql(s: string, base: string, where = ''): string {
  return `  INSERT INTO ${s}.events (position, aggregate_type, aggregate_id, version, event_type, schema_version,
      tenant_id, event_id, actor_id, correlation_id, causation_id, data, metadata, occurred_at)
    SELECT v_first + u.ord - 1, p_aggregate_type, p_aggregate_id, ${base} + u.ord::integer, u.event_type,
      u.schema_version, p_tenant_id, u.event_id, u.actor_id, u.correlation_id, u.causation_id,
      u.data, u.metadata, u.occurred_at
    FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_actor_ids, p_correlation_ids,
      p_causation_ids, p_data, p_metadata, p_occurred_at)
      WITH ORDINALITY AS u(event_id, event_type, schema_version, actor_id, correlation_id,
        causation_id, data, metadata, occurred_at, ord)${where ? `\n    WHERE ${where}` : ''}`;
}

/**
 * DDL of the events, streams and append functions.
 *
 * Why positions follow commit order: `reserve_positions` assigns the transaction id and the
 * positions of a batch inside one short critical section (a session advisory lock released
 * before the rows are written). So for any two appends, the one with the lower
 * `transaction_id` also holds the lower positions. A reader that only returns events with
 * `transaction_id < pg_snapshot_xmin(pg_current_snapshot())` therefore never returns a position
 * while a lower one may still commit, and resuming from "last position + 1" never skips or
 * repeats an event. Ordering by position equals ordering by (transaction_id, position).
 */
export function eventTablesSql(schema: string): string {
  const s = quoteIdent(schema);
  const seq = quoteLiteral(`${s}.events_position_seq`);
  const lock = advisoryKey(`es-gen positions ${schema}`);
  return `
CREATE TABLE ${s}.events (
  position bigserial PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  version integer NOT NULL,
  event_type text NOT NULL,
  schema_version integer NOT NULL,
  tenant_id text,
  event_id uuid NOT NULL,
  actor_id text,
  correlation_id text,
  causation_id text,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_version_key UNIQUE (aggregate_type, aggregate_id, version)
);
CREATE INDEX events_type_position_idx ON ${s}.events (aggregate_type, position);
CREATE INDEX events_tenant_position_idx ON ${s}.events (tenant_id, position);
CREATE TABLE ${s}.streams (
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  version integer NOT NULL,
  tenant_id text,
  PRIMARY KEY (aggregate_type, aggregate_id)
);
CREATE FUNCTION ${s}.reserve_positions(p_count integer) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
  v_first bigint;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'events must be the first write of their transaction, so that positions follow commit order'
      USING ERRCODE = 'ES500';
  END IF;
  BEGIN
    PERFORM pg_advisory_lock(${lock});
    PERFORM pg_current_xact_id();
    v_first := nextval(${seq}::regclass);
    IF p_count > 1 THEN
      PERFORM setval(${seq}::regclass, v_first + p_count - 1);
    END IF;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(${lock});
    RAISE;
  END;
  PERFORM pg_advisory_unlock(${lock});
  RETURN v_first;
END
$fn$;
${appendFunctionSql(s)}
`;
}

function appendFunctionSql(s: string): string {
  return `
CREATE ${appendSignature(s)}
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := coalesce(cardinality(p_event_ids), 0);
  v_version integer;
  v_tenant text;
  v_first bigint;
BEGIN
  PERFORM set_config('es_gen.tenant_id', coalesce(p_tenant_id, ''), true);
  IF v_count > 0 AND EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = ANY (p_event_ids)) THEN
    RETURN QUERY SELECT 'duplicate'::text, NULL::bigint, NULL::integer, NULL::text;
    RETURN;
  END IF;
  SELECT st.version, st.tenant_id INTO v_version, v_tenant FROM ${s}.streams st
    WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id;
  v_version := coalesce(v_version, 0);
  IF NOT ${s}.version_matches(p_expected, v_version) THEN
    RETURN QUERY SELECT 'conflict'::text, NULL::bigint, v_version, v_tenant;
    RETURN;
  END IF;
  IF v_count = 0 THEN
    RETURN QUERY SELECT 'ok'::text, 0::bigint, v_version, v_tenant;
    RETURN;
  END IF;
  IF v_version > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
    RETURN QUERY SELECT 'tenant'::text, NULL::bigint, v_version, v_tenant;
    RETURN;
  END IF;
  v_first := ${s}.reserve_positions(v_count);
  IF v_version = 0 THEN
    INSERT INTO ${s}.streams (aggregate_type, aggregate_id, version, tenant_id)
      VALUES (p_aggregate_type, p_aggregate_id, 0, p_tenant_id) ON CONFLICT DO NOTHING;
  END IF;
  SELECT st.version, st.tenant_id INTO v_version, v_tenant FROM ${s}.streams st
    WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id FOR UPDATE;
  IF NOT ${s}.version_matches(p_expected, v_version) THEN
    RAISE EXCEPTION 'stream version changed concurrently' USING ERRCODE = 'ES409', DETAIL = v_version::text;
  END IF;
  IF v_version > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
    RAISE EXCEPTION 'stream belongs to another tenant' USING ERRCODE = 'ES403', DETAIL = coalesce(v_tenant, '');
  END IF;
${insertEventsSql(s, 'v_version')};
  UPDATE ${s}.streams st SET version = v_version + v_count
    WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id;
  IF p_channel IS NOT NULL THEN
    PERFORM pg_notify(p_channel, (v_first + v_count - 1)::text);
  END IF;
  RETURN QUERY SELECT 'ok'::text, v_first, v_version, v_tenant;
END
$fn$;
CREATE FUNCTION ${s}.version_matches(p_expected text, p_actual integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE p_expected
    WHEN 'any' THEN true
    WHEN 'no_stream' THEN p_actual = 0
    WHEN 'stream_exists' THEN p_actual > 0
    ELSE p_actual = p_expected::integer
  END
$fn$;
`;
}

/**
 * Migration 5: `append_events` with fewer statements per append. The stream row is written
 * once: a new stream is inserted at its final version, an existing one is moved forward by an
 * `UPDATE` whose `WHERE` re-checks the expected version and tenant on the newest row version
 * (so a writer that waited for the row lock sees the winner's version). Same signature, same
 * answers and error codes as version 1; `p_channel` is kept for compatibility (the store
 * notifies after the commit and passes NULL).
 */
export function leanAppendFunctionSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE OR REPLACE ${appendSignature(s)}
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := coalesce(cardinality(p_event_ids), 0);
  v_version integer;
  v_tenant text;
  v_base integer;
  v_first bigint;
BEGIN
  PERFORM set_config('es_gen.tenant_id', coalesce(p_tenant_id, ''), true);
  IF v_count > 0 AND EXISTS (SELECT 1 FROM ${s}.events e WHERE e.event_id = ANY (p_event_ids)) THEN
    RETURN QUERY SELECT 'duplicate'::text, NULL::bigint, NULL::integer, NULL::text;
    RETURN;
  END IF;
  SELECT st.version, st.tenant_id INTO v_version, v_tenant FROM ${s}.streams st
    WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id;
  v_version := coalesce(v_version, 0);
  IF NOT ${s}.version_matches(p_expected, v_version) THEN
    RETURN QUERY SELECT 'conflict'::text, NULL::bigint, v_version, v_tenant;
    RETURN;
  END IF;
  IF v_count = 0 THEN
    RETURN QUERY SELECT 'ok'::text, 0::bigint, v_version, v_tenant;
    RETURN;
  END IF;
  IF v_version > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
    RETURN QUERY SELECT 'tenant'::text, NULL::bigint, v_version, v_tenant;
    RETURN;
  END IF;
  v_first := ${s}.reserve_positions(v_count);
  IF v_version = 0 THEN
    INSERT INTO ${s}.streams AS st (aggregate_type, aggregate_id, version, tenant_id)
      VALUES (p_aggregate_type, p_aggregate_id, v_count, p_tenant_id) ON CONFLICT DO NOTHING
      RETURNING 0 INTO v_base;
  END IF;
  IF v_base IS NULL THEN
    UPDATE ${s}.streams st SET version = st.version + v_count
      WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id
        AND ${s}.version_matches(p_expected, st.version) AND st.tenant_id IS NOT DISTINCT FROM p_tenant_id
      RETURNING st.version - v_count INTO v_base;
  END IF;
  IF v_base IS NULL THEN
    SELECT st.version, st.tenant_id INTO v_version, v_tenant FROM ${s}.streams st
      WHERE st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id;
    IF coalesce(v_version, 0) > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
      RAISE EXCEPTION 'stream belongs to another tenant' USING ERRCODE = 'ES403', DETAIL = coalesce(v_tenant, '');
    END IF;
    RAISE EXCEPTION 'stream version changed concurrently' USING ERRCODE = 'ES409',
      DETAIL = coalesce(v_version, 0)::text;
  END IF;
${insertEventsSql(s, 'v_base')};
  IF p_channel IS NOT NULL THEN
    PERFORM pg_notify(p_channel, (v_first + v_count - 1)::text);
  END IF;
  RETURN QUERY SELECT 'ok'::text, v_first, v_base, p_tenant_id;
END
$fn$;
`;
}

/**
 * Migration 6: `append_events` plans its lookups with index scans only. PL/pgSQL caches a
 * generic plan per statement and connection; one planned while the tables were nearly empty
 * is a sequential scan, and it stays one on that connection as the tables grow (until an
 * ANALYZE invalidates it), making every append of a long-lived pool slower with each event.
 * Every lookup of the function has a unique index, so sequential scans are never wanted.
 */
export function appendPlansSql(schema: string): string {
  const s = quoteIdent(schema);
  return `ALTER FUNCTION ${s}.append_events(text, text, text, text, uuid[], text[], integer[], text[], text[],
  text[], jsonb[], jsonb[], timestamptz[], text) SET enable_seqscan = off;`;
}

/**
 * Migration 7: `append_events` does no lookups before its writes. An append moves its stream
 * row with one `UPDATE` that checks the expected version and tenant (a new stream is inserted
 * instead); only when that finds nothing does it read the row to raise the precise error
 * (`ES409` with the actual version, `ES403` with the owner). Duplicate event ids are caught by
 * the unique index, and the store replays the stored result for them and for an ES409 whose
 * events are already stored, as before. Failed appends now reserve positions (gaps, which
 * readers skip) and are rolled back; successful ones cost three statements fewer.
 */
export function directAppendFunctionSql(schema: string): string {
  const s = quoteIdent(schema);
  const key = 'st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id';
  return `
CREATE OR REPLACE ${appendSignature(s)}
LANGUAGE plpgsql SET enable_seqscan = off AS $fn$
DECLARE
  v_count integer := coalesce(cardinality(p_event_ids), 0);
  v_version integer;
  v_tenant text;
  v_base integer;
  v_first bigint;
BEGIN
  PERFORM set_config('es_gen.tenant_id', coalesce(p_tenant_id, ''), true);
  IF v_count = 0 THEN
    SELECT st.version, st.tenant_id INTO v_version, v_tenant FROM ${s}.streams st WHERE ${key};
    v_version := coalesce(v_version, 0);
    RETURN QUERY SELECT CASE WHEN ${s}.version_matches(p_expected, v_version) THEN 'ok' ELSE 'conflict' END,
      0::bigint, v_version, v_tenant;
    RETURN;
  END IF;
  v_first := ${s}.reserve_positions(v_count);
  UPDATE ${s}.streams st SET version = st.version + v_count
    WHERE ${key} AND ${s}.version_matches(p_expected, st.version) AND st.tenant_id IS NOT DISTINCT FROM p_tenant_id
    RETURNING st.version - v_count INTO v_base;
  IF v_base IS NULL AND ${s}.version_matches(p_expected, 0) THEN
    INSERT INTO ${s}.streams AS st (aggregate_type, aggregate_id, version, tenant_id)
      VALUES (p_aggregate_type, p_aggregate_id, v_count, p_tenant_id) ON CONFLICT DO NOTHING
      RETURNING 0 INTO v_base;
  END IF;
  IF v_base IS NULL THEN
    SELECT st.version, st.tenant_id INTO v_version, v_tenant FROM ${s}.streams st WHERE ${key};
    v_version := coalesce(v_version, 0);
    IF ${s}.version_matches(p_expected, v_version) AND v_version > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
      RAISE EXCEPTION 'stream belongs to another tenant' USING ERRCODE = 'ES403', DETAIL = coalesce(v_tenant, '');
    END IF;
    RAISE EXCEPTION 'stream version does not match' USING ERRCODE = 'ES409', DETAIL = v_version::text;
  END IF;
${insertEventsSql(s, 'v_base')};
  IF p_channel IS NOT NULL THEN
    PERFORM pg_notify(p_channel, (v_first + v_count - 1)::text);
  END IF;
  RETURN QUERY SELECT 'ok'::text, v_first, v_base, p_tenant_id;
END
$fn$;
`;
}

/**
 * Migration 8: the stream is checked through its own events; the streams table and
 * `reserve_positions` are dropped. An append with an expected version N > 0 inserts its batch
 * only if event N of the stream exists and belongs to the append's tenant (one probe of the
 * stream index, evaluated once inside the insert); the unique (stream, version) index rejects a batch whose
 * versions were taken meanwhile, and the store maps that to the same answers as before (a lock
 * error with the actual version, a replay when the events are ours, a retry for `any`).
 * `any` and `stream_exists` first read the stream's newest event. The ordering critical section
 * (transaction id and positions under the advisory lock, see `eventTablesSql`) is inlined and
 * made of plain assignments; its exception block releases the lock if anything fails inside.
 */
export function eventsOnlyAppendSql(schema: string): string {
  const s = quoteIdent(schema);
  const stream = 'e.aggregate_type = p_aggregate_type AND e.aggregate_id = p_aggregate_id';
  // Ordered by version with a range condition, so that only the stream index serves it without
  // a sort: a plan cached while the table was empty then still reads one index entry.
  const probe = `v_base = 0 OR v_checked OR (SELECT e.version = v_base AND e.tenant_id IS NOT DISTINCT FROM p_tenant_id
        FROM ${s}.events e WHERE ${stream} AND e.version <= v_base ORDER BY e.version DESC LIMIT 1)`;
  return `
DROP TABLE ${s}.streams;
DROP FUNCTION ${s}.reserve_positions(integer);
CREATE OR REPLACE ${appendSignature(s)}
LANGUAGE plpgsql SET enable_seqscan = off AS $fn$
DECLARE
  v_count integer := coalesce(cardinality(p_event_ids), 0);
  v_version integer;
  v_tenant text;
  v_base integer;
  v_first bigint;
  v_checked boolean := false;
  v_written integer;
  v_void text;
BEGIN
  v_void := set_config('es_gen.tenant_id', coalesce(p_tenant_id, ''), true);
  IF v_count = 0 OR p_expected = 'any' OR p_expected = 'stream_exists' THEN
    SELECT e.version, e.tenant_id INTO v_version, v_tenant FROM ${s}.events e
      WHERE ${stream} ORDER BY e.version DESC LIMIT 1;
    v_version := coalesce(v_version, 0);
    IF v_count = 0 OR NOT ${s}.version_matches(p_expected, v_version) THEN
      o_status := CASE WHEN ${s}.version_matches(p_expected, v_version) THEN 'ok' ELSE 'conflict' END;
      o_first_position := 0;
      o_actual_version := v_version;
      o_stream_tenant := v_tenant;
      RETURN NEXT;
      RETURN;
    END IF;
    IF v_version > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
      RAISE EXCEPTION 'stream belongs to another tenant' USING ERRCODE = 'ES403', DETAIL = coalesce(v_tenant, '');
    END IF;
    v_base := v_version;
    v_checked := true;
  ELSIF p_expected = 'no_stream' THEN
    v_base := 0;
  ELSE
    v_base := p_expected::integer;
  END IF;
${reserveSql(schema)}
${insertEventsSql(s, 'v_base', probe)};
  GET DIAGNOSTICS v_written = ROW_COUNT;
  IF v_written < v_count THEN
    SELECT e.version, e.tenant_id INTO v_version, v_tenant FROM ${s}.events e
      WHERE ${stream} ORDER BY e.version DESC LIMIT 1;
    v_version := coalesce(v_version, 0);
    IF ${s}.version_matches(p_expected, v_version) AND v_version > 0 AND v_tenant IS DISTINCT FROM p_tenant_id THEN
      RAISE EXCEPTION 'stream belongs to another tenant' USING ERRCODE = 'ES403', DETAIL = coalesce(v_tenant, '');
    END IF;
    RAISE EXCEPTION 'stream version does not match' USING ERRCODE = 'ES409', DETAIL = v_version::text;
  END IF;
  IF p_channel IS NOT NULL THEN
    v_void := pg_notify(p_channel, (v_first + v_count - 1)::text)::text;
  END IF;
  o_status := 'ok';
  o_first_position := v_first;
  o_actual_version := v_base;
  o_stream_tenant := p_tenant_id;
  RETURN NEXT;
END
$fn$;
`;
}

/**
 * The ordering critical section of an append (PL/pgSQL statements): the transaction gets its
 * id and `v_count` positions from `v_first` under the schema's advisory lock, so positions
 * follow transaction ids (see `eventTablesSql`). Plain assignments; the exception block
 * releases the lock if anything fails inside it.
 */
function reserveSql(schema: string): string {
  const s = quoteIdent(schema);
  const seq = quoteLiteral(`${s}.events_position_seq`);
  const lock = advisoryKey(`es-gen positions ${schema}`);
  return `  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'events must be the first write of their transaction, so that positions follow commit order'
      USING ERRCODE = 'ES500';
  END IF;
  BEGIN
    v_void := pg_advisory_lock(${lock})::text;
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
 * Migration 9, `append_group`: the batches of several streams (at most one batch per stream) in one
 * transaction and one insert, for appends that were waiting while others were in flight. Every
 * batch is checked against its stream's newest event first (version as expected, same tenant);
 * if any check fails, or the insert fails (a version or event id taken meanwhile), the whole
 * group fails with nothing written, and the store appends each batch alone to get its precise
 * answer. Events arrive flattened: `p_batch_of` and `p_index_in_batch` place each in its batch.
 * Answers the first position of the group and each batch's version before the append. With
 * `p_channel`, the commit notifies it with the group's last position.
 */
export function appendGroupSql(schema: string): string {
  const s = quoteIdent(schema);
  return `CREATE FUNCTION ${s}.append_group(
  p_aggregate_types text[], p_aggregate_ids text[], p_tenant_ids text[], p_expected text[],
  p_batch_of integer[], p_index_in_batch integer[],
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[],
  p_actor_ids text[], p_correlation_ids text[], p_causation_ids text[],
  p_data jsonb[], p_metadata jsonb[], p_occurred_at timestamptz[], p_channel text
) RETURNS TABLE (o_first_position bigint, o_base_versions integer[])
LANGUAGE plpgsql SET enable_seqscan = off AS $fn$
DECLARE
  v_count integer := coalesce(cardinality(p_event_ids), 0);
  v_bases integer[];
  v_ok boolean;
  v_first bigint;
  v_void text;
BEGIN
  SELECT array_agg(coalesce(l.version, 0) ORDER BY b.ord),
      bool_and(${s}.version_matches(b.expected, coalesce(l.version, 0))
        AND (l.version IS NULL OR l.tenant_id IS NOT DISTINCT FROM b.tenant_id))
    INTO v_bases, v_ok
    FROM unnest(p_aggregate_types, p_aggregate_ids, p_tenant_ids, p_expected)
      WITH ORDINALITY AS b(aggregate_type, aggregate_id, tenant_id, expected, ord)
    LEFT JOIN LATERAL (SELECT e.version, e.tenant_id FROM ${s}.events e
      WHERE e.aggregate_type = b.aggregate_type AND e.aggregate_id = b.aggregate_id
      ORDER BY e.version DESC LIMIT 1) l ON true;
  IF NOT coalesce(v_ok, false) THEN
    RAISE EXCEPTION 'a batch of the group does not match its stream' USING ERRCODE = 'ES409';
  END IF;
${reserveSql(schema)}
  INSERT INTO ${s}.events (position, aggregate_type, aggregate_id, version, event_type, schema_version,
      tenant_id, event_id, actor_id, correlation_id, causation_id, data, metadata, occurred_at)
    SELECT v_first + u.ord - 1, p_aggregate_types[u.batch], p_aggregate_ids[u.batch],
      v_bases[u.batch] + u.index_in_batch, u.event_type, u.schema_version, p_tenant_ids[u.batch],
      u.event_id, u.actor_id, u.correlation_id, u.causation_id, u.data, u.metadata, u.occurred_at
    FROM unnest(p_batch_of, p_index_in_batch, p_event_ids, p_event_types, p_schema_versions, p_actor_ids,
      p_correlation_ids, p_causation_ids, p_data, p_metadata, p_occurred_at)
      WITH ORDINALITY AS u(batch, index_in_batch, event_id, event_type, schema_version, actor_id,
        correlation_id, causation_id, data, metadata, occurred_at, ord);
  IF p_channel IS NOT NULL THEN
    v_void := pg_notify(p_channel, (v_first + v_count - 1)::text)::text;
  END IF;
  o_first_position := v_first;
  o_base_versions := v_bases;
  RETURN NEXT;
END
$fn$;`;
}
