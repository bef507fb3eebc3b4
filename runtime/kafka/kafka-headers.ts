import type { DomainEvent } from '../events/domain-event.ts';

/**
 * The headers a Kafka message carries beside its JSON event: `x-event-id` and `x-event-type`, so
 * tools and other consumers can deduplicate, route or filter without parsing the value, plus the
 * W3C trace context when tracing. The rest of the envelope (aggregate, versions, tenant,
 * causation, ...) is only in the value: kafkajs encodes and decodes every header of every
 * message, so each one costs throughput. Messages from earlier versions, which repeated the
 * whole envelope as `x-<field>` headers, read the same, since consumers decode the value.
 *
 * @example
 * kafkaHeaders(event, {}); // { 'x-event-id': '…', 'x-event-type': 'OrderPlaced' }
 */
export function kafkaHeaders(
  event: DomainEvent,
  trace: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...trace, 'x-event-id': event.eventId, 'x-event-type': event.eventType };
}
