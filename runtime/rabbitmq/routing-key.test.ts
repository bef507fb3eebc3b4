import { describe, expect, it } from 'vitest';
import { bindingPatternFor, routingKeyFor, routingWord } from './routing-key.ts';

describe('RabbitMQ routing keys', () => {
  it('keeps ordinary names as they were, so existing bindings still match', () => {
    expect(routingKeyFor({ aggregateType: 'Order', eventType: 'OrderPlaced' })).toBe('Order.OrderPlaced');
    expect(bindingPatternFor('OrderPlaced')).toBe('*.OrderPlaced');
    expect(routingWord('Größe-Ä_1')).toBe('Größe-Ä_1');
  });

  it('makes every name one word that is never a wildcard', () => {
    expect(routingWord('shop.Order')).toBe('shop%2EOrder');
    expect(routingWord('a*b#c')).toBe('a%2Ab%23c');
    expect(routingWord('#')).toBe('%23');
    expect(routingWord('100%.')).toBe('100%25%2E');
    // Escaping % keeps distinct names distinct.
    expect(routingWord('a%2Eb')).not.toBe(routingWord('a.b'));
  });
});
