import { dollarQuoteTag, quoteIdent } from '../identifiers.ts';
import { appendSignature, insertEventsSql } from './append-sql.ts';
import type { Migration } from './migration.ts';

/** Version 5: `append_events` writes the stream row once (see `leanAppendFunctionSql`). Shipped: never edit. */
export const migration0005: Migration = {
  version: 5,
  name: 'append writes the stream row once',
  sql: leanAppendFunctionSql,
};

/**
 * Migration 5: `append_events` with fewer statements per append. The stream row is written
 * once: a new stream is inserted at its final version, an existing one is moved forward by an
 * `UPDATE` whose `WHERE` re-checks the expected version and tenant on the newest row version
 * (so a writer that waited for the row lock sees the winner's version). Same signature, same
 * answers and error codes as version 1; `p_channel` is kept for compatibility (the store
 * notifies after the commit and passes NULL).
 */
function leanAppendFunctionSql(schema: string): string {
  const s = quoteIdent(schema);
  // The body's quote tag must not occur in it, and the schema name is part of the body.
  const q = dollarQuoteTag(s);
  return `
CREATE OR REPLACE ${appendSignature(s)}
LANGUAGE plpgsql AS ${q}
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
${q};
`;
}
