/**
 * A retry quota that stops retry storms: when many requests to one service fail at once, retries
 * drain a shared bucket and further retries are refused until successes refill it.
 */
import { InvalidRequestError } from './errors/index.js';

/** What kind of failure a retry follows; retries after timeouts cost more. */
export type RetryKind = 'timeout' | 'other';

/** Options of {@link RetryBudget}. The defaults are the AWS SDK standard retry quota's. */
export interface RetryBudgetOptions {
  /** Size of the bucket, and its initial content. @default 500 */
  capacity?: number;
  /** Cost of a retry after any failure but a timeout. @default 5 */
  retryCost?: number;
  /** Cost of a retry after a timeout, which suggests the service is struggling. @default 10 */
  timeoutCost?: number;
  /** Refill on a success that needed no retry. @default 1 */
  successIncrement?: number;
}

/** The AWS SDK standard retry quota: 500 capacity, 5 per retry, 10 per retry after a timeout, +1 per clean success. */
export const DEFAULT_RETRY_BUDGET_OPTIONS: Readonly<Required<RetryBudgetOptions>> = Object.freeze({
  capacity: 500,
  retryCost: 5,
  timeoutCost: 10,
  successIncrement: 1,
});

function requireAmount(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidRequestError(`${name} must be a finite number >= 0; got ${String(value)}`);
  }
  return value;
}

/**
 * A token bucket of retry permission, modelled on the AWS SDK's standard retry quota
 * (smithy-typescript `StandardRetryStrategy`): chosen over gRPC's ratio-based throttling and
 * Finagle's time-windowed budget because it needs no clock, is easy to reason about, and its numbers
 * are field-tested.
 *
 * With the defaults a burst of failures allows 100 retries (or 50 after timeouts) before retrying
 * stops; each success then refunds the retry that produced it, or adds 1 when no retry was needed.
 * First attempts never consume the budget, so a service that is down still receives one attempt per
 * request, never a multiple of it.
 *
 * Share one instance among every request to the same service (typically per lane). Not a rate
 * limiter: it bounds how many extra attempts failures can cause, not how fast requests go out.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget();
 * const cost = budget.tryAcquire(error instanceof TimeoutError ? 'timeout' : 'other');
 * if (cost === undefined) throw error; // the budget refuses: give up instead of retrying
 * // … retry; on success:
 * budget.recordSuccess(cost);
 * ```
 */
export class RetryBudget {
  readonly #capacity: number;
  readonly #retryCost: number;
  readonly #timeoutCost: number;
  readonly #successIncrement: number;
  #available: number;

  /** @throws InvalidRequestError when an option is not a finite number >= 0. */
  constructor(options: RetryBudgetOptions = {}) {
    const d = DEFAULT_RETRY_BUDGET_OPTIONS;
    this.#capacity = requireAmount('capacity', options.capacity ?? d.capacity);
    this.#retryCost = requireAmount('retryCost', options.retryCost ?? d.retryCost);
    this.#timeoutCost = requireAmount('timeoutCost', options.timeoutCost ?? d.timeoutCost);
    this.#successIncrement = requireAmount(
      'successIncrement',
      options.successIncrement ?? d.successIncrement,
    );
    this.#available = this.#capacity;
  }

  /**
   * Asks permission for one retry and takes its cost from the bucket.
   *
   * @param kind - `'timeout'` when the failed attempt timed out, `'other'` otherwise.
   * @returns the cost taken (pass it to {@link RetryBudget.recordSuccess} if the retry succeeds), or
   *   `undefined` when fewer tokens than the cost are left: do not retry. A refusal takes nothing.
   * @throws InvalidRequestError for an unknown kind.
   */
  tryAcquire(kind: RetryKind): number | undefined {
    if (kind !== 'timeout' && kind !== 'other') {
      throw new InvalidRequestError(`kind must be 'timeout' or 'other'; got ${JSON.stringify(kind)}`);
    }
    const cost = kind === 'timeout' ? this.#timeoutCost : this.#retryCost;
    if (this.#available < cost) return undefined;
    this.#available -= cost;
    return cost;
  }

  /**
   * Records a successful request, refilling the bucket (never above capacity).
   *
   * @param costOfLastRetry - the cost returned by {@link RetryBudget.tryAcquire} for the retry that
   *   succeeded, which is refunded; omit it when the request succeeded at the first attempt, which adds
   *   `successIncrement`.
   * @throws InvalidRequestError when `costOfLastRetry` is not a finite number >= 0.
   */
  recordSuccess(costOfLastRetry?: number): void {
    const refill =
      costOfLastRetry === undefined
        ? this.#successIncrement
        : requireAmount('costOfLastRetry', costOfLastRetry);
    this.#available = Math.min(this.#capacity, this.#available + refill);
  }

  /** Tokens currently in the bucket. */
  get available(): number {
    return this.#available;
  }

  /** Refills the bucket to capacity (e.g. after the endpoint's configuration changed). */
  reset(): void {
    this.#available = this.#capacity;
  }
}
