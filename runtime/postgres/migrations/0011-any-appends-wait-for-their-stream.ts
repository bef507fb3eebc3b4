import { advisoryKey, dollarQuoteTag, quoteIdent } from '../identifiers.ts';
import { appendSignature, insertEventsSql, reserveSql } from './append-sql.ts';
import type { Migration } from './migration.ts';

/** Version 11: appends that read their stream's version take it one at a time (see `streamLockedAppendSql`). Shipped: never edit. */
export const migration0011: Migration = {
  version: 11,
  name: 'any appends wait for their stream',
  sql: (schema) => streamLockedAppendSql(schema, reserveSql(schema)),
};

/**
 * The advisory lock key of one stream (SQL expression of `type` and `id`): a 64-bit hash of the
 * schema, the type's length, the type and the id, so two streams share a key only when their
 * hashes collide, which merely makes their appends wait for each other.
 */
export function streamKeySql(schema: string, type: string, id: string): string {
  const seed = advisoryKey(`es-gen stream ${schema}`);
  return `hashtextextended(length(${type}) || ':' || ${type} || ${id}, ${seed})`;
}

/**
 * Migration 11: `append_events` and `append_group` with the ordering critical section
 * `reserve` (PL/pgSQL statements setting `v_first`, see `reserveSql`). An append whose expected
 * version is `any` or `stream_exists` reads its stream's version, so two of them could read
 * the same one and the later insert would fail on the unique (stream, version) index. Such
 * appends now first take their stream's transaction-level advisory lock (a group takes those of
 * its `any`/`stream_exists` batches in key order, so groups cannot deadlock), held until their
 * commit: the next one reads the version after that commit and never loses the race to one of
 * its kind. Appends with an exact expected version take no lock and keep failing fast.
 */
export function streamLockedAppendSql(schema: string, reserve: string): string {
  return `${appendEventsSql(schema, reserve)}\n${appendGroupSql(schema, reserve)}`;
}

function appendEventsSql(schema: string, reserve: string): string {
  const s = quoteIdent(schema);
  const q = dollarQuoteTag(s);
  const stream = 'e.aggregate_type = p_aggregate_type AND e.aggregate_id = p_aggregate_id';
  const probe = `v_base = 0 OR v_checked OR (SELECT e.version = v_base AND e.tenant_id IS NOT DISTINCT FROM p_tenant_id
        FROM ${s}.events e WHERE ${stream} AND e.version <= v_base ORDER BY e.version DESC LIMIT 1)`;
  return `CREATE OR REPLACE ${appendSignature(s)}
LANGUAGE plpgsql SET enable_seqscan = off AS ${q}
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
    IF v_count > 0 THEN
      v_void := pg_advisory_xact_lock(${streamKeySql(schema, 'p_aggregate_type', 'p_aggregate_id')})::text;
    END IF;
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
${reserve}
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
${q};`;
}

function appendGroupSql(schema: string, reserve: string): string {
  const s = quoteIdent(schema);
  const q = dollarQuoteTag(s);
  return `CREATE OR REPLACE FUNCTION ${s}.append_group(
  p_aggregate_types text[], p_aggregate_ids text[], p_tenant_ids text[], p_expected text[],
  p_batch_of integer[], p_index_in_batch integer[],
  p_event_ids uuid[], p_event_types text[], p_schema_versions integer[],
  p_actor_ids text[], p_correlation_ids text[], p_causation_ids text[],
  p_data jsonb[], p_metadata jsonb[], p_occurred_at timestamptz[], p_channel text
) RETURNS TABLE (o_first_position bigint, o_base_versions integer[])
LANGUAGE plpgsql SET enable_seqscan = off AS ${q}
DECLARE
  v_count integer := coalesce(cardinality(p_event_ids), 0);
  v_bases integer[];
  v_ok boolean;
  v_first bigint;
  v_key bigint;
  v_void text;
BEGIN
  FOR v_key IN SELECT DISTINCT ${streamKeySql(schema, 'b.aggregate_type', 'b.aggregate_id')} AS k
      FROM unnest(p_aggregate_types, p_aggregate_ids, p_expected) AS b(aggregate_type, aggregate_id, expected)
      WHERE b.expected IN ('any', 'stream_exists') ORDER BY 1 LOOP
    v_void := pg_advisory_xact_lock(v_key)::text;
  END LOOP;
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
${reserve}
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
${q};`;
}
