import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.ts';
import { defineReadModel, snakeCase } from './define-read-model.ts';

const columns = { orderId: { type: 'text' }, total: { type: 'real' } } as const;
type Row = { orderId: string; total: number };

const define = (shape: Record<string, unknown>) =>
  defineReadModel<Row, 'orderId'>({ name: 'orders', key: ['orderId'], columns, ...shape } as never);

describe('defineReadModel', () => {
  it('derives snake_case SQL names and a stable fingerprint that ignores indexes', () => {
    const a = define({});
    expect(a.resolved.map((c) => c.sqlName)).toEqual(['order_id', 'total']);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(define({ indexes: [{ columns: ['total'] }] }).fingerprint).toBe(a.fingerprint);
    expect(define({ columns: { ...columns, total: { type: 'integer' } } }).fingerprint).not.toBe(
      a.fingerprint,
    );
    expect(define({ columns: { ...columns, total: { type: 'real', nullable: true } } }).fingerprint).not.toBe(
      a.fingerprint,
    );
    expect(define({ tenantColumn: 'tenant_id' }).fingerprint).not.toBe(a.fingerprint);
    expect(snakeCase('customerId2Name')).toBe('customer_id2_name');
  });

  it('puts the declared schema type in the fingerprint when given, and refuses an empty one', () => {
    const plain = define({});
    const typed = (schemaType: unknown) =>
      define({ columns: { ...columns, orderId: { type: 'text', schemaType } } });
    expect(typed(undefined).fingerprint).toBe(plain.fingerprint);
    expect(typed('uuid').fingerprint).not.toBe(plain.fingerprint);
    expect(typed('uuid').fingerprint).not.toBe(typed('OrderStatus').fingerprint);
    expect(typed('uuid').resolved[0]?.schemaType).toBe('uuid');
    expect(() => typed('')).toThrow(/column "orderId" has a schemaType that is not a non-empty string/);
  });

  it.each([
    [{ name: 'Orders' }, /name "Orders" must match \[a-z_\]\[a-z0-9_\]\*/],
    [{ name: 'order-summary' }, /must match/],
    [{ name: 'x'.repeat(49) }, /longer than 48 characters/],
    [{ name: 'select' }, /"select" is a reserved SQL word/],
    [{ name: 'es_orders' }, /kept for es-gen tables/],
    [
      { columns: { ...columns, from: { type: 'text' } } },
      /column "from" \(SQL name\) "from" is a reserved SQL word/,
    ],
    [{ columns: { ...columns, 'bad-name': { type: 'text' } } }, /column "bad-name" must match/],
    [
      { columns: { ...columns, note: { type: 'string' } } },
      /column "note" needs type text, integer, real, boolean or json/,
    ],
    [{ columns: { ...columns, order_id: { type: 'text' } } }, /both map to SQL column "order_id"/],
    [{ key: [] }, /key must list one or more columns/],
    [{ key: ['missing'] }, /key column "missing" is not declared/],
    [{ columns: { orderId: { type: 'text', nullable: true } } }, /key column "orderId" cannot be nullable/],
    [{ columns: { orderId: { type: 'json' } } }, /key column "orderId" cannot be json/],
    [{ indexes: [{ columns: ['nope'] }] }, /indexes\[0\] names column "nope"/],
    [{ tenantColumn: 'Tenant' }, /tenantColumn "Tenant" must match/],
    [{ tenantColumn: 'total' }, /tenantColumn "total" is also a column/],
  ])('refuses %j naming the fix', (shape, message) => {
    expect(() => define(shape)).toThrow(InvalidArgumentError);
    expect(() => define(shape)).toThrow(message);
  });
});
