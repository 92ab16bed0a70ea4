/**
 * Sliding windows of call outcomes for the circuit breaker's failure-ratio rule.
 *
 * Both windows keep running sums and subtract what they evict, so recording an outcome and reading the
 * totals cost O(1) (a time window that was idle for a while clears at most `buckets` slots once).
 * Neither uses a timer: a time window rotates its buckets from the clock value it is handed.
 */
import { InvalidRequestError } from './errors/index.js';

/** The window a failure ratio is measured over: the last `size` calls, or the last `durationMs` of time. */
export type FailureRatioWindow =
  | {
      /** Counts the most recent calls. */
      kind: 'count';
      /** How many of the most recent outcomes the window holds. */
      size: number;
    }
  | {
      /** Counts the calls of the recent past. */
      kind: 'time';
      /** Length of the window in ms. */
      durationMs: number;
      /**
       * How many fixed buckets the window is cut into. An outcome leaves the window between
       * `durationMs - durationMs / buckets` and `durationMs` after it was recorded.
       * @default 10
       */
      buckets?: number;
    };

/** Opens the breaker when enough of the recent calls failed. */
export interface FailureRatioOptions {
  /** Opens when `failures / calls >= threshold`; in (0, 1]. */
  threshold: number;
  /** The rule is silent until the window holds at least this many calls (ignored calls do not count). */
  minimumCalls: number;
  /** Which recent calls the ratio is computed over. */
  window: FailureRatioWindow;
}

/** Buckets of a time window when `buckets` is not given. */
export const DEFAULT_TIME_WINDOW_BUCKETS = 10;

/**
 * Running totals of recent outcomes.
 * @internal
 */
export interface OutcomeWindow {
  /** Calls in the window as of the last {@link OutcomeWindow.advanceTo} or record. */
  readonly calls: number;
  /** Failed calls among {@link OutcomeWindow.calls}. */
  readonly failures: number;
  /** Evicts the outcomes that have aged out at `now` (a no-op for count windows). */
  advanceTo(now: number): void;
  /** Adds one outcome recorded at `now`. */
  record(failed: boolean, now: number): void;
  /** Forgets every outcome. */
  clear(): void;
}

/** The last `size` outcomes in a ring; the oldest is overwritten (and subtracted) by the newest. */
class CountWindow implements OutcomeWindow {
  readonly #failed: Uint8Array;
  #next = 0;
  calls = 0;
  failures = 0;

  constructor(size: number) {
    this.#failed = new Uint8Array(size);
  }

  advanceTo(): void {}

  record(failed: boolean): void {
    const ring = this.#failed;
    if (this.calls === ring.length) this.failures -= ring[this.#next] as number;
    else this.calls++;
    ring[this.#next] = failed ? 1 : 0;
    if (failed) this.failures++;
    this.#next = (this.#next + 1) % ring.length;
  }

  clear(): void {
    this.#failed.fill(0);
    this.#next = 0;
    this.calls = 0;
    this.failures = 0;
  }
}

// A non-negative modulo: bucket numbers are negative when the clock is (a FakeClock may start anywhere).
function slotOf(bucket: number, slots: number): number {
  return ((bucket % slots) + slots) % slots;
}

/**
 * Fixed buckets of `durationMs / buckets` each, addressed by absolute bucket number
 * (`floor(now / width)`), so rotation needs no timer: moving to a later bucket empties the slots skipped.
 */
class TimeWindow implements OutcomeWindow {
  readonly #width: number;
  readonly #calls: Float64Array;
  readonly #failures: Float64Array;
  // Absolute number of the newest bucket; -Infinity before the first use, so the first advance clears.
  #current = Number.NEGATIVE_INFINITY;
  calls = 0;
  failures = 0;

  constructor(durationMs: number, buckets: number) {
    this.#width = durationMs / buckets;
    this.#calls = new Float64Array(buckets);
    this.#failures = new Float64Array(buckets);
  }

  advanceTo(now: number): void {
    const bucket = Math.floor(now / this.#width);
    // A clock that steps back leaves the newest bucket in place rather than rewriting history.
    if (!(bucket > this.#current)) return;
    const slots = this.#calls.length;
    if (bucket - this.#current >= slots) {
      this.#calls.fill(0);
      this.#failures.fill(0);
      this.calls = 0;
      this.failures = 0;
    } else {
      for (let b = this.#current + 1; b <= bucket; b++) {
        const slot = slotOf(b, slots);
        this.calls -= this.#calls[slot] as number;
        this.failures -= this.#failures[slot] as number;
        this.#calls[slot] = 0;
        this.#failures[slot] = 0;
      }
    }
    this.#current = bucket;
  }

  record(failed: boolean, now: number): void {
    this.advanceTo(now);
    const slot = slotOf(this.#current, this.#calls.length);
    this.#calls[slot] = (this.#calls[slot] as number) + 1;
    this.calls++;
    if (failed) {
      this.#failures[slot] = (this.#failures[slot] as number) + 1;
      this.failures++;
    }
  }

  clear(): void {
    this.#calls.fill(0);
    this.#failures.fill(0);
    this.calls = 0;
    this.failures = 0;
  }
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function show(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * Checks a failure-ratio rule and builds its window; throws {@link InvalidRequestError} naming the bad value.
 * @internal
 */
export function createOutcomeWindow(options: FailureRatioOptions): OutcomeWindow {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError(`failureRatio must be an object; got ${show(options)}`);
  }
  const { threshold, minimumCalls, window } = options;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
    throw new InvalidRequestError(`failureRatio.threshold must be in (0, 1]; got ${show(threshold)}`);
  }
  if (!isPositiveInteger(minimumCalls)) {
    throw new InvalidRequestError(
      `failureRatio.minimumCalls must be a positive integer; got ${show(minimumCalls)}`,
    );
  }
  if (window?.kind === 'count') {
    if (!isPositiveInteger(window.size)) {
      throw new InvalidRequestError(
        `failureRatio.window.size must be a positive integer; got ${show(window.size)}`,
      );
    }
    // The ring never holds more than `size` calls, so a larger minimum would silently disable the rule.
    if (minimumCalls > window.size) {
      throw new InvalidRequestError(
        `failureRatio.minimumCalls (${minimumCalls}) cannot exceed failureRatio.window.size (${window.size})`,
      );
    }
    return new CountWindow(window.size);
  }
  if (window?.kind === 'time') {
    const { durationMs, buckets = DEFAULT_TIME_WINDOW_BUCKETS } = window;
    if (typeof durationMs !== 'number' || !(durationMs > 0) || !Number.isFinite(durationMs)) {
      throw new InvalidRequestError(
        `failureRatio.window.durationMs must be a positive finite number; got ${show(durationMs)}`,
      );
    }
    if (!isPositiveInteger(buckets)) {
      throw new InvalidRequestError(
        `failureRatio.window.buckets must be a positive integer; got ${show(buckets)}`,
      );
    }
    return new TimeWindow(durationMs, buckets);
  }
  throw new InvalidRequestError(
    `failureRatio.window must be { kind: 'count', size } or { kind: 'time', durationMs }; got ${show(window)}`,
  );
}
