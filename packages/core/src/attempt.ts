/**
 * The per-attempt objects of the pipeline, as classes rather than object literals with closures: an attempt
 * allocates two small objects instead of half a dozen (GC was the largest single cost of a request). @internal
 */
import type { Permit } from './admission-queue.js';
import type { AttemptAbort } from './attempt-abort.js';
import type { AttemptContext } from './backend.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Lane } from './endpoints.js';
import { TimeoutError } from './errors/index.js';

/** The {@link AttemptContext} given to providers; its `signal` is made on first read (see attempt-abort.ts). */
export class AttemptContextImpl implements AttemptContext {
  readonly requestId: string;
  readonly operation: string;
  readonly attempt: number;
  readonly lane: Lane;
  providerRequestId: string | undefined = undefined;
  status: number | undefined = undefined;
  readonly #abort: AttemptAbort;

  constructor(requestId: string, operation: string, attempt: number, lane: Lane, abort: AttemptAbort) {
    this.requestId = requestId;
    this.operation = operation;
    this.attempt = attempt;
    this.lane = lane;
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}

/**
 * The slot an attempt holds, its attempt timer and its link to the request's signal. `release()` is
 * idempotent; a stream keeps the lease until it ends.
 */
export class AttemptLease {
  readonly lane: Lane;
  readonly #permit: Permit;
  readonly #abort: AttemptAbort;
  readonly #clock: Clock;
  #timer: TimerHandle | undefined = undefined;
  #timeoutMs = 0;
  #released = false;

  constructor(lane: Lane, permit: Permit, abort: AttemptAbort, clock: Clock) {
    this.lane = lane;
    this.#permit = permit;
    this.#abort = abort;
    this.#clock = clock;
  }

  /** Aborts the attempt with a TimeoutError of kind `attempt` after `ms`. */
  arm(ms: number): void {
    this.#timeoutMs = ms;
    this.#timer = this.#clock.setTimeout(this.#onTimeout, ms);
  }

  /** The attempt reached its commit point: its timeout no longer applies. */
  disarm(): void {
    const timer = this.#timer;
    if (timer === undefined) return;
    this.#timer = undefined;
    this.#clock.clearTimeout(timer);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.disarm();
    this.#abort.unlink();
    this.#permit.release();
  }

  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    this.#abort.abort(new TimeoutError(`attempt timed out after ${this.#timeoutMs} ms`, { kind: 'attempt' }));
  };
}
