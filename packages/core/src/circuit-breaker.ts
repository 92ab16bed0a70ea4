/**
 * The per-lane circuit breaker: stops sending work to an endpoint that keeps failing, then lets a few
 * probes test it before reopening the lane.
 *
 * No timers: open → half-open and probe timeouts are computed from the clock whenever the breaker is
 * looked at (acquire, a ticket's outcome, `state`, `canPass`, `retryAfterMs`, `snapshot`, `reset`,
 * `isolate`). Each lazy transition is dated when it became due, not when it was noticed, so the
 * breaker's history does not depend on how often anyone reads it.
 */
import { createOutcomeWindow, type FailureRatioOptions, type OutcomeWindow } from './breaker-windows.js';
import { type Clock, systemClock } from './clock.js';
import { CircuitOpenError, InvalidRequestError } from './errors/index.js';
import { ownRejection } from './own-rejection.js';

/** Where a breaker stands. `isolated` is held open by {@link CircuitBreaker.isolate} until `reset()`. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

/** Why a breaker changed state. */
export type BreakerTransitionReason =
  /** closed → open: `consecutiveFailures` failures in a row. */
  | 'consecutive-failures'
  /** closed → open: the failure-ratio rule fired. */
  | 'failure-ratio'
  /** open → half-open: the open period elapsed. */
  | 'open-elapsed'
  /** half-open → closed: `successesToClose` probes succeeded. */
  | 'probes-succeeded'
  /** half-open → open: a probe failed. */
  | 'probe-failed'
  /** half-open → open: a probe did not report within `probeTimeoutMs`. */
  | 'probe-timeout'
  /** any → isolated: {@link CircuitBreaker.isolate}. */
  | 'isolated'
  /** any → closed: {@link CircuitBreaker.reset}. */
  | 'reset';

/** One state change, as passed to {@link CircuitBreaker.onStateChange} listeners. */
export interface BreakerStateChange {
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: BreakerTransitionReason;
  /** Clock time at which the change happened; for lazy transitions, when it became due. */
  readonly at: number;
}

/** Lengthens each re-open that follows a failed half-open, until the breaker closes again. */
export interface OpenGrowthOptions {
  /** Multiplies the open duration on each re-open from half-open; at least 1. */
  factor: number;
  /** Upper bound of the open duration, in ms; at least `openMs`. */
  maxMs: number;
}

/** Options of {@link CircuitBreaker}. */
export interface BreakerOptions {
  /** Opens after this many failures in a row; `Infinity` disables the rule. @default 5 */
  consecutiveFailures?: number;
  /** Opens when enough of the recent calls failed. @default undefined (off) */
  failureRatio?: FailureRatioOptions;
  /** How long the breaker stays open before it admits probes, in ms. @default 30_000 */
  openMs?: number;
  /** Grows the open duration on repeated failed recoveries. @default undefined (every open lasts `openMs`) */
  openGrowth?: OpenGrowthOptions;
  /** How many probes may be in flight at once while half-open. @default 1 */
  halfOpenProbes?: number;
  /** Probe successes needed to close. @default the value of `halfOpenProbes` */
  successesToClose?: number;
  /** A probe that has not reported after this many ms counts as failed. @default 30_000 */
  probeTimeoutMs?: number;
  /** Source of time. @default systemClock */
  clock?: Clock;
  /** The lane's name, used in error messages. @default undefined */
  name?: string;
}

/** The defaults of {@link BreakerOptions} (`successesToClose` defaults to `halfOpenProbes`). */
export const DEFAULT_BREAKER_OPTIONS: Readonly<{
  consecutiveFailures: number;
  openMs: number;
  halfOpenProbes: number;
  probeTimeoutMs: number;
}> = Object.freeze({ consecutiveFailures: 5, openMs: 30_000, halfOpenProbes: 1, probeTimeoutMs: 30_000 });

/**
 * Permission for one call, returned by {@link CircuitBreaker.acquire}. Report the outcome with exactly
 * one method; the first call takes effect and later calls do nothing. The methods are bound, so they
 * can be passed around as callbacks.
 */
export interface BreakerTicket {
  /** The endpoint answered well. */
  success(): void;
  /** The endpoint is unhealthy: 5xx, 529, timeout, connection error. */
  failure(): void;
  /** The outcome says nothing about health (429, quota, 4xx, caller abort); frees a probe slot. */
  ignore(): void;
}

/** A point-in-time view of a breaker, for metrics and debugging. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** The current run of failures while closed. */
  consecutiveFailures: number;
  /** Calls in the failure-ratio window (0 when the rule is off). */
  windowCalls: number;
  /** Failures in the failure-ratio window (0 when the rule is off). */
  windowFailures: number;
  /** When the breaker last opened or was isolated; absent while closed. */
  openedAt?: number;
  /** When it becomes half-open (state `open`) or became half-open (state `half-open`); else absent. */
  halfOpenAt?: number;
  /** Transitions into `open` since construction (`isolate()` and `reset()` do not count or clear it). */
  trips: number;
  /** Length of the current or latest open period; back to `openMs` once the breaker closes. */
  openDurationMs: number;
  /** Probes admitted in this half-open period and not yet reported (0 outside half-open). */
  probesInFlight: number;
}

type Outcome = 'success' | 'failure' | 'ignore';
type Listener = (event: BreakerStateChange) => void;

// Bound to private methods in the static blocks of the classes below.
let reportOwn: (ticket: Ticket, outcome: Outcome) => void;
let settleTicket: (breaker: CircuitBreaker, generation: number, probeId: number, outcome: Outcome) => void;

/**
 * A {@link BreakerTicket}: one object per call instead of an object and four closures (the pipeline takes one
 * ticket per request). Its methods are bound functions made on first read, so `const { success } = ticket`
 * and passing `ticket.failure` as a callback work as before; the pipeline reports through
 * {@link reportTicket} and never makes them.
 */
class Ticket implements BreakerTicket {
  readonly #breaker: CircuitBreaker;
  readonly #generation: number;
  readonly #probeId: number;
  #done = false;
  #bound: { success: () => void; failure: () => void; ignore: () => void } | undefined = undefined;

  constructor(breaker: CircuitBreaker, generation: number, probeId: number) {
    this.#breaker = breaker;
    this.#generation = generation;
    this.#probeId = probeId;
  }

  get success(): () => void {
    return this.#methods().success;
  }

  get failure(): () => void {
    return this.#methods().failure;
  }

  get ignore(): () => void {
    return this.#methods().ignore;
  }

  static {
    reportOwn = (ticket, outcome) => ticket.#report(outcome);
  }

  /** Reports the outcome; the first report counts, later ones do nothing. */
  #report(outcome: Outcome): void {
    if (this.#done) return;
    this.#done = true;
    settleTicket(this.#breaker, this.#generation, this.#probeId, outcome);
  }

  #methods(): { success: () => void; failure: () => void; ignore: () => void } {
    this.#bound ??= {
      success: () => this.#report('success'),
      failure: () => this.#report('failure'),
      ignore: () => this.#report('ignore'),
    };
    return this.#bound;
  }
}

/** Reports a ticket's outcome without making its bound methods (the pipeline's path). @internal */
export function reportTicket(ticket: BreakerTicket, outcome: Outcome): void {
  if (ticket instanceof Ticket) reportOwn(ticket, outcome);
  else ticket[outcome]();
}

function requireCount(name: string, value: unknown, allowInfinity = false): number {
  const ok =
    typeof value === 'number' &&
    value >= 1 &&
    (Number.isSafeInteger(value) || (allowInfinity && value === Number.POSITIVE_INFINITY));
  if (!ok) {
    const what = allowInfinity ? 'a positive integer or Infinity' : 'a positive integer';
    throw new InvalidRequestError(`${name} must be ${what}; got ${String(value)}`);
  }
  return value;
}

function requireDuration(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new InvalidRequestError(`${name} must be a positive finite number of ms; got ${String(value)}`);
  }
  return value;
}

/**
 * A circuit breaker for one lane (endpoint × key). The pipeline calls {@link CircuitBreaker.acquire}
 * before each attempt and reports the attempt's outcome on the ticket.
 *
 * Closed: every call passes; failures count. Open: every call fails fast with {@link CircuitOpenError}
 * until `openMs` has passed. Half-open: up to `halfOpenProbes` probes pass at once; `successesToClose`
 * successes close it, any failure or a probe timeout re-opens it. Tickets from an earlier state (a call
 * admitted while closed that ends after the breaker opened) are ignored.
 */
export class CircuitBreaker {
  /** The lane's name, as given in the options. */
  readonly name: string | undefined;
  readonly #clock: Clock;
  readonly #maxStreak: number;
  readonly #ratio: { threshold: number; minimumCalls: number } | undefined;
  readonly #window: OutcomeWindow | undefined;
  readonly #openMs: number;
  readonly #growth: OpenGrowthOptions | undefined;
  readonly #probeSlots: number;
  readonly #successesToClose: number;
  readonly #probeTimeoutMs: number;

  #state: BreakerState = 'closed';
  // Bumped on every transition and reset: a ticket counts only in the generation that issued it.
  #generation = 0;
  #streak = 0;
  #trips = 0;
  #openDuration: number;
  #openedAt: number | undefined;
  #halfOpenAt: number | undefined;
  // Probe id → start time. A Map iterates in insertion order, so the first entry is the oldest probe.
  readonly #probes = new Map<number, number>();
  #nextProbeId = 0;
  #probeSuccesses = 0;
  readonly #listeners = new Set<{ listener: Listener }>();
  readonly #pending: BreakerStateChange[] = [];
  #emitting = false;

  constructor(options: BreakerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidRequestError(`CircuitBreaker options must be an object; got ${String(options)}`);
    }
    const d = DEFAULT_BREAKER_OPTIONS;
    this.#maxStreak = requireCount(
      'consecutiveFailures',
      options.consecutiveFailures ?? d.consecutiveFailures,
      true,
    );
    this.#openMs = requireDuration('openMs', options.openMs ?? d.openMs);
    this.#probeSlots = requireCount('halfOpenProbes', options.halfOpenProbes ?? d.halfOpenProbes);
    this.#successesToClose = requireCount('successesToClose', options.successesToClose ?? this.#probeSlots);
    this.#probeTimeoutMs = requireDuration('probeTimeoutMs', options.probeTimeoutMs ?? d.probeTimeoutMs);
    if (options.openGrowth !== undefined) {
      const { factor, maxMs } = options.openGrowth;
      if (typeof factor !== 'number' || !(factor >= 1) || !Number.isFinite(factor)) {
        throw new InvalidRequestError(
          `openGrowth.factor must be a finite number >= 1; got ${String(factor)}`,
        );
      }
      if (requireDuration('openGrowth.maxMs', maxMs) < this.#openMs) {
        throw new InvalidRequestError(`openGrowth.maxMs (${maxMs}) must be >= openMs (${this.#openMs})`);
      }
      this.#growth = { factor, maxMs };
    }
    if (options.failureRatio !== undefined) {
      this.#window = createOutcomeWindow(options.failureRatio);
      const { threshold, minimumCalls } = options.failureRatio;
      this.#ratio = { threshold, minimumCalls };
    }
    if (options.name !== undefined && typeof options.name !== 'string') {
      throw new InvalidRequestError(`name must be a string; got ${String(options.name)}`);
    }
    this.name = options.name;
    this.#clock = options.clock ?? systemClock;
    this.#openDuration = this.#openMs;
  }

  /** The current state (evaluates a due open → half-open or probe timeout first). */
  get state(): BreakerState {
    this.#refresh(this.#clock.now());
    return this.#state;
  }

  /**
   * Admits one call, or throws {@link CircuitOpenError} at once (never waits) with `retryAfterMs` set to
   * the time until a probe slot may free (unset when isolated). In half-open the ticket holds a probe slot.
   */
  acquire(): BreakerTicket {
    const now = this.#clock.now();
    this.#refresh(now);
    if (this.#state === 'closed') return this.#issue(this.#generation, -1);
    if (this.#state === 'half-open' && this.#probes.size < this.#probeSlots) {
      const id = this.#nextProbeId++;
      this.#probes.set(id, now);
      return this.#issue(this.#generation, id);
    }
    throw this.#openError(now);
  }

  /** Whether {@link CircuitBreaker.acquire} would succeed now; takes no probe slot. */
  canPass(): boolean {
    this.#refresh(this.#clock.now());
    return this.#canPassNow();
  }

  /**
   * Ms until {@link CircuitBreaker.acquire} may succeed: 0 when it would now, `Infinity` when isolated,
   * else at least 1 (rounded up).
   */
  retryAfterMs(): number {
    const now = this.#clock.now();
    this.#refresh(now);
    return this.#waitMs(now);
  }

  /**
   * Holds the breaker open (state `isolated`) until {@link CircuitBreaker.reset}; returns nothing.
   * In-flight tickets become stale. Calling it while isolated does nothing.
   */
  isolate(): void {
    const now = this.#clock.now();
    this.#refresh(now);
    if (this.#state === 'isolated') return;
    this.#enter('isolated', 'isolated', now);
  }

  /**
   * Closes the breaker and clears the failure streak, the ratio window, probes and open-duration growth;
   * in-flight tickets become stale. `trips` is kept. Emits only if the state was not already closed.
   */
  reset(): void {
    const now = this.#clock.now();
    this.#refresh(now);
    if (this.#state !== 'closed') {
      this.#close('reset', now);
    } else {
      this.#clearHealth();
      this.#generation++;
    }
  }

  /**
   * Calls `listener` after every state change, lazy ones included (delivered when first observed, dated
   * when due), in order. A listener that throws is ignored and does not affect the breaker or other
   * listeners. Returns a function that unsubscribes.
   */
  onStateChange(listener: (event: BreakerStateChange) => void): () => void {
    const entry = { listener };
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** The breaker's counters and timestamps now. */
  snapshot(): BreakerSnapshot {
    const now = this.#clock.now();
    this.#refresh(now);
    this.#window?.advanceTo(now);
    const snapshot: BreakerSnapshot = {
      state: this.#state,
      consecutiveFailures: this.#streak,
      windowCalls: this.#window?.calls ?? 0,
      windowFailures: this.#window?.failures ?? 0,
      trips: this.#trips,
      openDurationMs: this.#openDuration,
      probesInFlight: this.#probes.size,
    };
    if (this.#state !== 'closed') snapshot.openedAt = this.#openedAt;
    if (this.#state === 'open') snapshot.halfOpenAt = this.#reopensAt();
    if (this.#state === 'half-open') snapshot.halfOpenAt = this.#halfOpenAt;
    return snapshot;
  }

  #issue(generation: number, probeId: number): BreakerTicket {
    return new Ticket(this, generation, probeId);
  }

  static {
    settleTicket = (breaker, generation, probeId, outcome) => breaker.#settle(generation, probeId, outcome);
  }

  #settle(generation: number, probeId: number, outcome: Outcome): void {
    const now = this.#clock.now();
    // A probe whose timeout already passed has lost: the refresh re-opens and makes it stale.
    this.#refresh(now);
    if (generation !== this.#generation) return;
    if (this.#state === 'closed') {
      if (outcome === 'ignore') return;
      const failed = outcome === 'failure';
      this.#streak = failed ? this.#streak + 1 : 0;
      this.#window?.record(failed, now);
      if (this.#streak >= this.#maxStreak) this.#open('consecutive-failures', now);
      else if (this.#ratioExceeded()) this.#open('failure-ratio', now);
    } else if (this.#state === 'half-open') {
      this.#probes.delete(probeId);
      if (outcome === 'failure') this.#reopen('probe-failed', now);
      else if (outcome === 'success' && ++this.#probeSuccesses >= this.#successesToClose) {
        this.#close('probes-succeeded', now);
      }
    }
  }

  // Checked after every recorded outcome, successes included: the rule is a property of the window.
  #ratioExceeded(): boolean {
    const window = this.#window;
    const ratio = this.#ratio;
    if (!window || !ratio || window.calls < ratio.minimumCalls) return false;
    return window.failures / window.calls >= ratio.threshold;
  }

  // Applies every transition that came due by `now`, each dated when it became due.
  #refresh(now: number): void {
    for (;;) {
      if (this.#state === 'open') {
        const due = this.#reopensAt();
        if (now < due) return;
        this.#enter('half-open', 'open-elapsed', due);
      } else if (this.#state === 'half-open') {
        const oldest = this.#probes.values().next();
        if (oldest.done) return;
        const due = oldest.value + this.#probeTimeoutMs;
        if (now < due) return;
        this.#reopen('probe-timeout', due);
      } else {
        return;
      }
    }
  }

  #reopensAt(): number {
    return (this.#openedAt as number) + this.#openDuration;
  }

  #open(reason: BreakerTransitionReason, at: number): void {
    this.#trips++;
    this.#enter('open', reason, at);
  }

  #reopen(reason: BreakerTransitionReason, at: number): void {
    if (this.#growth) {
      this.#openDuration = Math.min(this.#openDuration * this.#growth.factor, this.#growth.maxMs);
    }
    this.#open(reason, at);
  }

  #close(reason: BreakerTransitionReason, at: number): void {
    this.#clearHealth();
    this.#enter('closed', reason, at);
  }

  #clearHealth(): void {
    this.#streak = 0;
    this.#window?.clear();
    this.#openDuration = this.#openMs;
  }

  // The one place a state changes. Every field is settled before listeners run, since they may call back.
  #enter(to: BreakerState, reason: BreakerTransitionReason, at: number): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#probes.clear();
    this.#probeSuccesses = 0;
    // openedAt survives into half-open (the snapshot still reports when the open period began).
    if (to === 'open' || to === 'isolated') this.#openedAt = at;
    else if (to === 'closed') this.#openedAt = undefined;
    this.#halfOpenAt = to === 'half-open' ? at : undefined;
    this.#pending.push({ from, to, reason, at });
    this.#drain();
  }

  // Delivers queued events in order. A listener that causes a transition appends to the queue instead
  // of nesting, so every listener sees every change in the order it happened.
  #drain(): void {
    if (this.#emitting) return;
    this.#emitting = true;
    try {
      for (let event = this.#pending.shift(); event; event = this.#pending.shift()) {
        for (const entry of [...this.#listeners]) {
          try {
            entry.listener(event);
          } catch {
            // A broken listener must not break the breaker or starve the other listeners.
          }
        }
      }
    } finally {
      this.#emitting = false;
    }
  }

  #canPassNow(): boolean {
    return this.#state === 'closed' || (this.#state === 'half-open' && this.#probes.size < this.#probeSlots);
  }

  #waitMs(now: number): number {
    if (this.#canPassNow()) return 0;
    if (this.#state === 'isolated') return Number.POSITIVE_INFINITY;
    if (this.#state === 'open') return Math.max(1, Math.ceil(this.#reopensAt() - now));
    const oldest = this.#probes.values().next().value as number;
    return Math.max(1, Math.ceil(oldest + this.#probeTimeoutMs - now));
  }

  #openError(now: number): CircuitOpenError {
    const lane = this.name === undefined ? '' : ` for lane ${this.name}`;
    // Made in bulk while the breaker sheds: no stack, and marked as written from counts alone.
    if (this.#state === 'isolated') {
      return ownRejection(() => new CircuitOpenError(`circuit isolated${lane}; it stays open until reset()`));
    }
    const wait = this.#waitMs(now);
    const what = this.#state === 'open' ? 'open' : `half-open with all ${this.#probeSlots} probe slots busy`;
    return ownRejection(
      () => new CircuitOpenError(`circuit ${what}${lane}; retry in ${wait} ms`, { retryAfterMs: wait }),
    );
  }
}
