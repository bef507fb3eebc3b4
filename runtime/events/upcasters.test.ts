import { describe, expect, it } from 'vitest';
import { createEvent } from './domain-event.ts';
import { declarativeUpcaster, inPlaceUpcaster, type UpcastOperation } from './upcasters.ts';

const event = createEvent({ eventType: 'E', aggregateType: 'A', aggregateId: 'a-1', data: {} });

describe('declarativeUpcaster', () => {
  it('adds fields without overwriting existing ones, copying default values', () => {
    const defaults = { tags: ['x'] };
    const up = declarativeUpcaster([{ add: { currency: 'USD', tags: defaults.tags } }]);
    const a = up({ currency: 'EUR' }, event);
    const b = up({}, event);
    expect(a).toEqual({ currency: 'EUR', tags: ['x'] });
    (b.tags as string[]).push('y');
    expect(defaults.tags).toEqual(['x']);
  });

  it('renames, removes and maps values, leaving unmapped values alone', () => {
    const up = declarativeUpcaster([
      { rename: { qty: 'quantity', missing: 'other' } },
      { remove: ['legacy', 'absent'] },
      { map: { status: { new: 'open', old: 'closed' }, size: { 1: 'small' } } },
    ]);
    expect(up({ qty: 2, legacy: true, status: 'new', size: 1 }, event)).toEqual({
      quantity: 2,
      status: 'open',
      size: 'small',
    });
    expect(up({ status: 'archived' }, event)).toEqual({ status: 'archived' });
  });

  it('treats only own fields as present, so names like constructor or toString work', () => {
    const up = declarativeUpcaster([
      { add: { constructor: 'added', toString: 't' } },
      { rename: { valueOf: 'value' } },
      { map: { hasOwnProperty: { x: 'y' } } },
    ]);
    expect(up({}, event)).toEqual({ constructor: 'added', toString: 't' });
  });

  it('applies operations in order, custom ones with the event', () => {
    const up = declarativeUpcaster([
      { add: { n: 1 } },
      { custom: (d, e) => ({ ...d, n: (d.n as number) + 1, from: e.aggregateId }) },
      { rename: { n: 'count' } },
    ]);
    expect(up({}, event)).toEqual({ count: 2, from: 'a-1' });
  });

  it('never mutates the payload it is given', () => {
    const input = { nested: { a: 1 }, qty: 1 };
    const up = declarativeUpcaster([
      { rename: { qty: 'quantity' } },
      {
        custom: (d) => {
          (d.nested as { a: number }).a = 2;
          return d;
        },
      },
    ]);
    expect(up(input, event)).toEqual({ nested: { a: 2 }, quantity: 1 });
    expect(input).toEqual({ nested: { a: 1 }, qty: 1 });
  });

  it('keeps a field renamed to its own name', () => {
    const up = declarativeUpcaster([{ rename: { total: 'total', qty: 'quantity' } }]);
    expect(up({ total: 3, qty: 1 }, event)).toEqual({ total: 3, quantity: 1 });
  });

  it('rejects, when built, an operation that names no known operation', () => {
    const wrong = [{ add: {} }, { rename_: { a: 'b' } }] as unknown as UpcastOperation[];
    expect(() => declarativeUpcaster(wrong)).toThrow(
      'declarativeUpcaster: operation 2 has none of add, rename, remove, map, custom (got ["rename_"])',
    );
  });

  it('has an in-place form, with the same result on a payload it may change, only without custom operations', () => {
    const ops: UpcastOperation[] = [
      { add: { currency: 'USD', tags: ['x'] } },
      { rename: { total: 'amount' } },
      { remove: ['legacy'] },
      { map: { status: { new: 'open' } } },
    ];
    const up = declarativeUpcaster(ops);
    const inPlace = inPlaceUpcaster(up)!;
    const payload = () => ({ total: 5, legacy: true, status: 'new', lines: [{ sku: 'A' }] });
    const owned = payload();
    const result = inPlace(owned);
    expect(result).toBe(owned);
    expect(result).toEqual(up(payload(), event));
    (result.tags as string[]).push('y');
    expect(inPlace({}).tags).toEqual(['x']);
    expect(inPlaceUpcaster(declarativeUpcaster([{ add: { a: 1 } }, { custom: (d) => d }]))).toBeUndefined();
    expect(inPlaceUpcaster((d) => d)).toBeUndefined();
  });
});
