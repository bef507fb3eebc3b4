import { nameTag } from './identifiers.ts';

/**
 * The LISTEN/NOTIFY channel on which appends to `schema` announce their last position. Channel
 * names are identifiers (at most 63 bytes), so long schema names are shortened with a hash.
 */
export function eventsChannel(schema: string): string {
  const plain = `es_gen_events_${schema}`;
  return Buffer.byteLength(plain, 'utf8') <= 63 ? plain : `es_gen_events_${nameTag(schema)}`;
}
