/**
 * The retry decision: whether a failed attempt is tried again, after how long, and why. The loop that acts
 * on it lives in the backend pipeline; this module only decides, so every rule is testable without I/O.
 */
import { type BackoffOptions, createBackoff, DEFAULT_BACKOFF_OPTIONS } from './backoff.js';
import { type AccelerateError, InvalidRequestError, TimeoutError } from './errors/index.js';
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';

import type { DelaySource as RecordedDelaySource } from './tracking/request-tracker.js';

/** Where a retry delay came from, as recorded in the ledger. */
export type DelaySource = Exclude<RecordedDelaySource, 'none'>;

/** Retry settings of a backend. Defaults are the seed's: 5 retries, 1 s, x2, 16 s cap, full jitter. */
export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt; 0 disables retrying. @default 5 */
  maxRetries?: number;
  /**
   * The longest server-requested wait (`retry-after`, `retry-after-ms`, RetryInfo) that is honoured. A longer
   * hint fails the request at once with the hint in `retryAfterMs`, and pauses the lane for that long.
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /**
   * The retry budget shared by every request of the backend: a token bucket with the AWS SDK's standard
   * retry-quota numbers (500 tokens, a retry costs 5, after a timeout 10, a success refunds). `false` disables it.
   */
  budget?: RetryBudgetOptions | false;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY_OPTIONS = {
  ...DEFAULT_BACKOFF_OPTIONS,
  maxRetries: 5,
  maxRetryAfterMs: 60_000,
} as const;

const hintSources = new WeakMap<AccelerateError, DelaySource>();

/** Records where an error's `retryAfterMs` came from. @internal */
export function setHintSource(error: AccelerateError, source: DelaySource): void {
  hintSources.set(error, source);
}

/** The outcome of {@link RetryPolicy.decide}. */
export type RetryDecision =
  | { retry: true; delayMs: number; source: DelaySource; cost: number }
  | { retry: false; reason: 'not-retryable' | 'attempts-exhausted' | 'hint-too-long' | 'budget-exhausted' };

/** Applies {@link RetryOptions} to failed attempts. One per backend, so the budget is shared. */
export class RetryPolicy {
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  readonly #backoff;
  readonly #budget: RetryBudget | undefined;

  constructor(options: RetryOptions = {}) {
    const maxRetries = options.maxRetries ?? DEFAULT_RETRY_OPTIONS.maxRetries;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new InvalidRequestError(`maxRetries must be a non-negative integer; got ${String(maxRetries)}`);
    }
    const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_RETRY_OPTIONS.maxRetryAfterMs;
    if (!(maxRetryAfterMs >= 0)) {
      throw new InvalidRequestError(
        `maxRetryAfterMs must be a non-negative number; got ${String(maxRetryAfterMs)}`,
      );
    }
    this.maxRetries = maxRetries;
    this.maxRetryAfterMs = maxRetryAfterMs;
    this.#backoff = createBackoff(options);
    this.#budget = options.budget === false ? undefined : new RetryBudget(options.budget);
  }

  /** Tokens left in the retry budget (Infinity when disabled). */
  get budgetAvailable(): number {
    return this.#budget?.available ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Decides about the retry that would follow attempt number `attempt` (1-based) failing with `error`.
   * `previousDelayMs` feeds decorrelated jitter.
   */
  decide(error: AccelerateError, attempt: number, previousDelayMs?: number): RetryDecision {
    if (!error.retryable) return { retry: false, reason: 'not-retryable' };
    if (attempt > this.maxRetries) return { retry: false, reason: 'attempts-exhausted' };
    let delayMs: number;
    let source: DelaySource;
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > this.maxRetryAfterMs) return { retry: false, reason: 'hint-too-long' };
      delayMs = Math.max(0, Math.ceil(error.retryAfterMs));
      source = hintSources.get(error) ?? 'provider';
    } else {
      delayMs = this.#backoff.delay(attempt - 1, previousDelayMs);
      source = 'backoff';
    }
    let cost = 0;
    if (this.#budget) {
      const taken = this.#budget.tryAcquire(error instanceof TimeoutError ? 'timeout' : 'other');
      if (taken === undefined) return { retry: false, reason: 'budget-exhausted' };
      cost = taken;
    }
    return { retry: true, delayMs, source, cost };
  }

  /** Gives back a retry whose sleep was cut short (abort, deadline) so it does not drain the budget. */
  refund(cost: number): void {
    if (cost > 0) this.#budget?.recordSuccess(cost);
  }

  /** A request succeeded; `costOfLastRetry` is what its last retry took from the budget (0 if none). */
  recordSuccess(costOfLastRetry: number): void {
    this.#budget?.recordSuccess(costOfLastRetry > 0 ? costOfLastRetry : undefined);
  }
}
