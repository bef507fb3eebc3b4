import type { ClientBase } from 'pg';
import { prepareBatch } from '../../event-store/append-batch.ts';
import type { EventToAppend, ExpectedVersion } from '../../event-store/event-store.ts';
import { appendQuery } from '../append-call.ts';

/**
 * Calls the schema's append function on a client the test controls, so the test can hold the
 * transaction open (BEGIN ... append ... COMMIT later) to force out-of-order commits.
 */
export async function appendOnClient(
  client: ClientBase,
  schema: string,
  events: readonly EventToAppend[],
  expected: ExpectedVersion = 'any',
): Promise<{ status: string; firstPosition: number }> {
  const first = events[0]!;
  const batch = prepareBatch(first.aggregateId, first.aggregateType, events, expected, undefined);
  const { text, values } = appendQuery(schema, batch, expected, null);
  const row = (await client.query(text, values)).rows[0] as { o_status: string; o_first_position: string };
  return { status: row.o_status, firstPosition: Number(row.o_first_position) };
}
