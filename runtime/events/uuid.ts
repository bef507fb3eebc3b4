const POOL_SIZE = 16 * 256;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;
let lastMs = -1;
let sequence = 0;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function randomBytes10(out: Uint8Array): void {
  if (poolOffset + 10 > POOL_SIZE) {
    // Web Crypto: built into Node.js and loaded on first use, so importing the runtime stays cheap.
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  for (let i = 0; i < 10; i++) out[6 + i] = pool[poolOffset + i]!;
  poolOffset += 10;
}

/**
 * Returns a new UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
 * Ids made in one process are strictly increasing: within one millisecond a 12-bit counter
 * (in `rand_a`) orders them, so they sort in creation order and index well.
 *
 * @example
 * const id = uuidv7(); // '0192f7a4-1c2b-7d3e-9f00-...'
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  randomBytes10(bytes);
  if (now > lastMs) {
    lastMs = now;
    sequence = (bytes[6]! & 0x07) << 8; // random start, leaves room to count up
  } else {
    sequence++;
    if (sequence > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next millisecond.
      lastMs++;
      sequence = 0;
    }
  }
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((sequence >>> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[i]!];
  }
  return s;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID string of any version. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}
