import { describe, expect, it } from 'vitest';
import { checkItemPayload } from './shop-validation.ts';

describe('checkItemPayload (the raw sides validate as the es-gen store does on read)', () => {
  it('accepts the payloads the benchmark stream holds', () => {
    expect(() => checkItemPayload('ItemRegistered', 1, { sku: 'SKU-1', name: 'Cup' })).not.toThrow();
    expect(() => checkItemPayload('StockReceived', 1, { quantity: 3 })).not.toThrow();
    expect(() =>
      checkItemPayload('StockReserved', 1, { orderId: '3f0e6a52-93a7-4c1e-9a4e-2b7b1f0c9d11', quantity: 1 }),
    ).not.toThrow();
  });

  it('rejects a payload the generated validator rejects, naming the field', () => {
    expect(() => checkItemPayload('StockReserved', 1, { orderId: 'not-a-uuid', quantity: 1 })).toThrow(
      /invalid StockReserved v1 at \/orderId/,
    );
  });

  it('rejects an unknown type or version', () => {
    expect(() => checkItemPayload('StockReceived', 2, { quantity: 3 })).toThrow(
      /no validator for StockReceived v2/,
    );
    expect(() => checkItemPayload('ItemRetired', 1, {})).toThrow(/no validator for ItemRetired v1/);
  });
});
