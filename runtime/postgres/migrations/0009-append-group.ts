import { dollarQuoteTag, quoteIdent } from '../identifiers.ts';
import { reserveSql } from './append-sql.ts';
import type { Migration } from './migration.ts';

/** Version 9: `append_group` appends the batches of several streams in one transaction (see `appendGroupSql`). Shipped: never edit. */
export const migration0009: Migration = {
  version: 9,
  name: 'appends of several streams in one transaction',
  sql: appendGroupSql,
};

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
function appendGroupSql(schema: string): string {
  const s = quoteIdent(schema);
  // The body's quote tag must not occur in it, and the schema name is part of the body.
  const q = dollarQuoteTag(s);
  return `CREATE FUNCTION ${s}.append_group(
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
${q};`;
}
