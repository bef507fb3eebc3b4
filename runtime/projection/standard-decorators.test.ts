import { expect, it } from 'vitest';
import { OrderSummary } from './test/fixtures/order-summary.ts';

it('loads a class with standard decorators directly', () => {
  const p = new OrderSummary();
  expect(p.eventTypes).toContain('OrderPlaced');
});
