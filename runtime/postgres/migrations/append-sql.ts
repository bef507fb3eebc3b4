import { advisoryKey, quoteIdent, quoteLiteral } from '../identifiers.ts';

/**
 * The signature and result of `append_events`, the same in every version of the function
 * (`s` is the quoted schema).
 */
export function appendSignature(s: string): string {
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
export function insertEventsSql(s: string, base: string, where = ''): string {
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
 * The ordering critical section of an append (PL/pgSQL statements, from version 8 on): the
 * transaction gets its id and `v_count` positions from `v_first` under the schema's advisory
 * lock, so positions follow transaction ids (see version 1). Plain assignments; the exception
 * block releases the lock if anything fails inside it.
 */
export function reserveSql(schema: string): string {
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
