import { advisoryKey, dollarQuoteTag, quoteIdent, quoteLiteral } from '../identifiers.ts';
import { appendSignature, insertEventsSql } from './append-sql.ts';
import type { Migration } from './migration.ts';

/** Version 1: the events table, the streams table and the first `append_events` function (see `eventTablesSql`). Shipped: never edit. */
export const migration0001: Migration = {
  version: 1,
  name: 'events and streams',
  sql: eventTablesSql,
};

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
function eventTablesSql(schema: string): string {
  const s = quoteIdent(schema);
  // The body's quote tag must not occur in it, and the schema name is part of the body.
  const q = dollarQuoteTag(s);
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
LANGUAGE plpgsql AS ${q}
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
${q};
${appendFunctionSql(s)}
`;
}

function appendFunctionSql(s: string): string {
  const q = dollarQuoteTag(s);
  return `
CREATE ${appendSignature(s)}
LANGUAGE plpgsql AS ${q}
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
${q};
CREATE FUNCTION ${s}.version_matches(p_expected text, p_actual integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS ${q}
  SELECT CASE p_expected
    WHEN 'any' THEN true
    WHEN 'no_stream' THEN p_actual = 0
    WHEN 'stream_exists' THEN p_actual > 0
    ELSE p_actual = p_expected::integer
  END
${q};
`;
}
