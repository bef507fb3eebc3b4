import { describe, expect, it } from 'vitest';
import { declaredNames } from '../emit/user-files/member-names.ts';

describe('declaredNames', () => {
  it('lists the members of the named class, methods and properties alike', () => {
    const text = [
      "import { OrderBase } from './base.ts';",
      'class Helper { notThis() {} }',
      'export class Order extends OrderBase {',
      '  placeOrder(): void {}',
      '  applyOrderPlaced = (): void => {};',
      "  'quoted'(): void {}",
      '  #secret = 1;',
      '  constructor() { super(); }',
      '}',
    ].join('\n');
    expect(declaredNames(text, 'Order')).toEqual(
      new Set(['placeOrder', 'applyOrderPlaced', 'quoted', '#secret']),
    );
  });

  it('falls back to the class that extends a generated base, and is undefined without one', () => {
    expect(declaredNames('export class MyOrder extends OrderBase { shipOrder() {} }', 'Order')).toEqual(
      new Set(['shipOrder']),
    );
    expect(declaredNames('export class Other { shipOrder() {} }', 'Order')).toBeUndefined();
  });

  it('lists top-level functions and variables when there is no class', () => {
    const text =
      'export function upcastAV1ToV2() {}\nexport const upcastBV1ToV2 = () => {};\nfunction inner() { function nested() {} }\n';
    expect(declaredNames(text, undefined)).toEqual(new Set(['upcastAV1ToV2', 'upcastBV1ToV2', 'inner']));
  });
});
