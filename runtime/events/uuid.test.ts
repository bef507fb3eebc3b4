import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7 } from './uuid.ts';

describe('uuidv7', () => {
  it('produces RFC 9562 version 7 ids', () => {
    const id = uuidv7();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
  });

  it('is strictly increasing within one process, even within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7(1_700_000_000_000));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes the timestamp in the first 48 bits', () => {
    const ms = Date.UTC(2030, 0, 1);
    const id = uuidv7(ms);
    const hex = id.replace(/-/g, '').slice(0, 12);
    expect(Number.parseInt(hex, 16)).toBeGreaterThanOrEqual(ms);
  });
});
