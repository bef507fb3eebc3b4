import { dollarQuoteTag, quoteIdent } from '../identifiers.ts';
import { appendSignature, insertEventsSql } from './append-sql.ts';
import type { Migration } from './migration.ts';

/** Version 7: `append_events` does no lookups before its writes (see `directAppendFunctionSql`). Shipped: never edit. */
export const migration0007: Migration = {
  version: 7,
  name: 'append writes before it reads',
  sql: directAppendFunctionSql,
};

/**
 * Migration 7: `append_events` does no lookups before its writes. An append moves its stream
 * row with one `UPDATE` that checks the expected version and tenant (a new stream is inserted
 * instead); only when that finds nothing does it read the row to raise the precise error
 * (`ES409` with the actual version, `ES403` with the owner). Duplicate event ids are caught by
 * the unique index, and the store replays the stored result for them and for an ES409 whose
 * events are already stored, as before. Failed appends now reserve positions (gaps, which
 * readers skip) and are rolled back; successful ones cost three statements fewer.
 */
function directAppendFunctionSql(schema: string): string {
  const s = quoteIdent(schema);
  // The body's quote tag must not occur in it, and the schema name is part of the body.
  const q = dollarQuoteTag(s);
  const key = 'st.aggregate_type = p_aggregate_type AND st.aggregate_id = p_aggregate_id';
  return `
CREATE OR REPLACE ${appendSignature(s)}
LANGUAGE plpgsql SET enable_seqscan = off AS ${q}
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
${q};
`;
}
