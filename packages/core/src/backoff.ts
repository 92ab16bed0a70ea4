/**
 * How long to wait before a retry. Only the arithmetic lives here; the retry loop, server hints and the
 * retry budget live elsewhere, so this module stays pure and easy to test.
 *
 * The jitter formulas are the ones from AWS's "Exponential Backoff And Jitter" (Brooker, 2015).
 */
import { InvalidRequestError } from './errors/index.js';

/**
 * How randomness spreads the delays of clients that failed together.
 *
 * - `none`: `min(cap, initial·factor^n)`; every client retries in lockstep (only for tests and single clients).
 * - `full`: uniform in `[0, t)` where `t` is the `none` delay; the least total work in AWS's simulation.
 * - `equal`: `t/2 + uniform[0, t/2)`; never retries very early, at the price of longer waits.
 * - `decorrelated`: `min(cap, uniform[initial, previous·3))`, growing from the previous delay.
 */
export type Jitter = 'full' | 'equal' | 'decorrelated' | 'none';

/** The jitter strategies, in the order of {@link Jitter}. */
export const JITTERS: readonly Jitter[] = ['full', 'equal', 'decorrelated', 'none'];

/** Options of {@link createBackoff}. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter, in ms. @default 1000 */
  initialDelayMs?: number;
  /** Growth of the delay from one retry to the next; at least 1. @default 2 */
  factor?: number;
  /** Upper bound of every delay, in ms; at least `initialDelayMs`. @default 16000 */
  maxDelayMs?: number;
  /** How the delay is randomised. @default 'full' */
  jitter?: Jitter;
  /** Source of uniform numbers in `[0, 1)`; inject a seeded one in tests. @default Math.random */
  random?: () => number;
}

/** The seed's retry schedule: 1 s, doubling, capped at 16 s, with full jitter. */
export const DEFAULT_BACKOFF_OPTIONS: Readonly<Required<Omit<BackoffOptions, 'random'>>> = Object.freeze({
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 16_000,
  jitter: 'full',
});

/** A configured backoff schedule. Stateless: one instance may serve any number of concurrent requests. */
export interface Backoff {
  /**
   * The delay before a retry, in whole milliseconds, within `[0, maxDelayMs]`.
   *
   * @param retryIndex - 0 for the first retry, 1 for the second, …; a non-negative integer.
   * @param previousDelayMs - the delay actually used before the previous retry; only `decorrelated` reads it.
   *   It is ignored for the first retry (which grows from `initialDelayMs`), and when omitted for a later
   *   retry, the un-jittered delay of the previous retry stands in for it.
   */
  delay(retryIndex: number, previousDelayMs?: number): number;
}

function requireNumber(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidRequestError(`${name} must be a finite number >= ${min}; got ${String(value)}`);
  }
  return value;
}

/**
 * Builds a backoff schedule, validating the options once.
 *
 * @throws InvalidRequestError when an option is not a finite number in range, `factor < 1`,
 *   `maxDelayMs < initialDelayMs`, `jitter` is unknown or `random` is not a function.
 *
 * @example
 * ```ts
 * const backoff = createBackoff({ jitter: 'none' });
 * backoff.delay(0); // 1000
 * backoff.delay(5); // 16000 (capped)
 * ```
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initial = requireNumber(
    'initialDelayMs',
    options.initialDelayMs ?? DEFAULT_BACKOFF_OPTIONS.initialDelayMs,
    0,
  );
  const factor = requireNumber('factor', options.factor ?? DEFAULT_BACKOFF_OPTIONS.factor, 1);
  const cap = requireNumber('maxDelayMs', options.maxDelayMs ?? DEFAULT_BACKOFF_OPTIONS.maxDelayMs, 0);
  if (cap < initial) {
    throw new InvalidRequestError(`maxDelayMs (${cap}) must be >= initialDelayMs (${initial})`);
  }
  const jitter = options.jitter ?? DEFAULT_BACKOFF_OPTIONS.jitter;
  if (!JITTERS.includes(jitter)) {
    throw new InvalidRequestError(
      `jitter must be one of ${JITTERS.join(', ')}; got ${JSON.stringify(jitter)}`,
    );
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') {
    throw new InvalidRequestError(`random must be a function; got ${typeof random}`);
  }

  // A misbehaving random source must not push a delay outside [0, cap].
  const uniform = (): number => {
    const u = random();
    return u > 0 ? Math.min(u, 1) : 0;
  };

  // The un-jittered delay; `initial === 0` is special-cased because 0·Infinity is NaN.
  const envelope = (n: number): number => (initial === 0 ? 0 : Math.min(cap, initial * factor ** n));

  return {
    delay(retryIndex: number, previousDelayMs?: number): number {
      if (!Number.isInteger(retryIndex) || retryIndex < 0) {
        throw new InvalidRequestError(`retryIndex must be a non-negative integer; got ${String(retryIndex)}`);
      }
      if (previousDelayMs !== undefined) requireNumber('previousDelayMs', previousDelayMs, 0);
      const t = envelope(retryIndex);
      switch (jitter) {
        case 'none':
          return Math.floor(t);
        case 'full':
          return Math.floor(uniform() * t);
        case 'equal':
          return Math.floor(t / 2 + (uniform() * t) / 2);
        case 'decorrelated': {
          const previous = retryIndex === 0 ? initial : (previousDelayMs ?? envelope(retryIndex - 1));
          // A previous delay below initial/3 would invert the range; the lower bound stays at initial.
          const high = Math.max(initial, previous * 3);
          return Math.floor(Math.min(cap, initial + uniform() * (high - initial)));
        }
      }
    },
  };
}
