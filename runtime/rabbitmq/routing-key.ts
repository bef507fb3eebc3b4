import type { DomainEvent } from '../events/domain-event.ts';

/** The characters a topic exchange gives meaning (word separator, wildcards) and the escape itself. */
const SPECIAL = /[.*#%]/g;

/**
 * One routing-key word for a name: `.`, `*`, `#` and `%` are percent-encoded (`%2E`, `%2A`,
 * `%23`, `%25`), so every name is exactly one word and never a wildcard. Names without those
 * characters stay as they are, so keys and bindings of ordinary names did not change.
 *
 * @example
 * routingWord('shop.Order'); // 'shop%2EOrder'
 */
export function routingWord(name: string): string {
  return name.replace(SPECIAL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The routing key of an event: `<aggregateType>.<eventType>`, each as one escaped word.
 *
 * @example
 * routingKeyFor(event); // 'shop%2EOrder.OrderPlaced' for aggregate type 'shop.Order'
 */
export function routingKeyFor(event: Pick<DomainEvent, 'aggregateType' | 'eventType'>): string {
  return `${routingWord(event.aggregateType)}.${routingWord(event.eventType)}`;
}

/**
 * The binding pattern that matches every event of `eventType`, of any aggregate type.
 *
 * @example
 * bindingPatternFor('Order.Placed'); // '*.Order%2EPlaced'
 */
export function bindingPatternFor(eventType: string): string {
  return `*.${routingWord(eventType)}`;
}
