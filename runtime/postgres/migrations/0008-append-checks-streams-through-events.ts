import { dollarQuoteTag, quoteIdent } from '../identifiers.ts';
import { appendSignature, insertEventsSql, reserveSql } from './append-sql.ts';
import type { Migration } from './migration.ts';

/** Version 8: streams are checked through their events; the streams table is dropped (see `eventsOnlyAppendSql`). Shipped: never edit. */
export const migration0008: Migration = {
  version: 8,
  name: 'append checks streams through their events',
  sql: eventsOnlyAppendSql,
};

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
function eventsOnlyAppendSql(schema: string): string {
  const s = quoteIdent(schema);
  // The body's quote tag must not occur in it, and the schema name is part of the body.
  const q = dollarQuoteTag(s);
  const stream = 'e.aggregate_type = p_aggregate_type AND e.aggregate_id = p_aggregate_id';
  // Ordered by version with a range condition, so that only the stream index serves it without
  // a sort: a plan cached while the table was empty then still reads one index entry.
  const probe = `v_base = 0 OR v_checked OR (SELECT e.version = v_base AND e.tenant_id IS NOT DISTINCT FROM p_tenant_id
        FROM ${s}.events e WHERE ${stream} AND e.version <= v_base ORDER BY e.version DESC LIMIT 1)`;
  return `
DROP TABLE ${s}.streams;
DROP FUNCTION ${s}.reserve_positions(integer);
CREATE OR REPLACE ${appendSignature(s)}
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
${q};
`;
}
