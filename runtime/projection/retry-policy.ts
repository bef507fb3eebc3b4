import { InvalidArgumentError } from '../errors.ts';

/** How a projection runner retries a failing event before dead-lettering it. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3, so 4 attempts in all; 0 = no retry). */
  readonly retries?: number;
  /** Delay before the first retry in ms (default 100); each later retry waits twice as long. */
  readonly baseDelayMs?: number;
  /** Upper bound of one delay in ms (default 5000). */
  readonly maxDelayMs?: number;
}

/** `RetryOptions` with defaults applied. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

function nonNegativeInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`retry.${what} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Applies defaults to `options`; throws `InvalidArgumentError` for negative or fractional values. */
export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    retries: nonNegativeInteger(options.retries, 3, 'retries'),
    baseDelayMs: nonNegativeInteger(options.baseDelayMs, 100, 'baseDelayMs'),
    maxDelayMs: nonNegativeInteger(options.maxDelayMs, 5000, 'maxDelayMs'),
  };
}

/** The delay before retry number `retry` (1-based): exponential from the base, capped. */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
}

/** Thrown into a waiting runner when it is stopped. */
export class StoppedSignal extends Error {
  constructor() {
    super('the projection runner was stopped');
  }
}

/**
 * Waits `ms`, or rejects with `StoppedSignal` as soon as `signal` aborts.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new StoppedSignal());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StoppedSignal());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
