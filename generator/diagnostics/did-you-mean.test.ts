import { describe, expect, it } from 'vitest';
import { toCamelCase, toPascalCase } from '../validate/naming.ts';
import { closestMatch, didYouMean, editDistance } from './did-you-mean.ts';

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(editDistance('numbr', 'number')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests close candidates only', () => {
    expect(didYouMean('numbr', ['string', 'number'])).toBe('did you mean `number`?');
    expect(closestMatch('STRING', ['string'])).toBe('string');
    expect(closestMatch('c', ['a', 'b'])).toBeUndefined();
    expect(closestMatch('completely', ['string', 'number'])).toBeUndefined();
  });

  it('spells names in PascalCase and camelCase', () => {
    expect(toPascalCase('order_placed')).toBe('OrderPlaced');
    expect(toPascalCase('orderPlaced')).toBe('OrderPlaced');
    expect(toCamelCase('Unit_Price')).toBe('unitPrice');
    expect(toCamelCase('customer-id')).toBe('customerId');
    expect(toPascalCase('1st')).toBeUndefined();
  });
});
