/**
 * The admission queue of one lane: every request of every backend waits here for one of a bounded number of
 * concurrency slots.
 *
 * Waiting entries sit in three intrusive doubly-linked lists, one per priority, so enqueue, dispatch and
 * cancel are O(1) with no array shifting. Aging is "earliest virtual deadline first": an entry's effective
 * level improves by one per `agingMs` waited, which makes its rank a fixed score,
 * `enqueuedAt + level * agingMs`, set once at enqueue. The head of each list is its oldest entry and so its
 * lowest score; dispatch compares the three heads only (ties go to the originally higher level). Hence a
 * low entry always runs before any high entry enqueued more than `2 * agingMs` after it.
 */
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import { AbortError, DeadlineExceededError, InvalidRequestError, QueueFullError } from './errors/index.js';
import { ownRejection, withoutStack } from './own-rejection.js';
import type { Priority } from './request-options.js';

/** A running slot. Release it exactly when the work ends; releasing again is a no-op. */
export interface Permit {
  /** Frees the slot and lets the next waiting entry run. Idempotent. */
  release(): void;
}

/**
 * What a full queue does with a new entry: `'reject'` it, or `'shed-lowest'`: reject the newest waiting
 * entry of the lowest non-empty level instead, when that level is strictly below the newcomer's.
 */
export type OverflowPolicy = 'reject' | 'shed-lowest';

/** The limits of a queue that can change at run time through {@link AdmissionQueue.setLimits}. */
export interface AdmissionQueueLimits {
  /**
   * Maximum number of WAITING entries (running ones do not count). `0` means "run only if a slot is free".
   * A non-negative integer or `Infinity`. @default 100
   */
  capacity?: number;
  /** Maximum number of running permits. A positive integer or `Infinity`. @default 5 */
  concurrency?: number;
  /**
   * Each `agingMs` waited raises an entry's effective priority by one level, so low work cannot starve.
   * A positive number; `Infinity` disables aging (strict priority). @default 5000
   */
  agingMs?: number;
}

/** Options of {@link AdmissionQueue}. */
export interface AdmissionQueueOptions extends AdmissionQueueLimits {
  /** What to do with a new entry when `capacity` entries are waiting. @default 'reject' */
  overflow?: OverflowPolicy;
  /** Source of time and timers (deadlines, pauses). @default systemClock */
  clock?: Clock;
  /**
   * Called synchronously each time a permit is granted, queued or not, with the time the entry waited here
   * (0 for an immediate grant) and its priority. Keep it cheap; an exception it throws is ignored.
   * @default undefined
   */
  onDispatch?: (waitedMs: number, priority: Priority) => void;
}

/** Short alias of {@link AdmissionQueueOptions}, as lane configuration spells it (`queue?: QueueOptions`). */
export type QueueOptions = AdmissionQueueOptions;

/** Options of one {@link AdmissionQueue.acquire}. */
export interface AcquireOptions {
  /** Admission priority. @default 'normal' */
  priority?: Priority;
  /** Aborting it while the entry waits removes the entry at once and rejects with {@link AbortError}. */
  signal?: AbortSignal;
  /**
   * Absolute clock time (ms) after which the entry must not start: rejected at once if already past, or with
   * {@link DeadlineExceededError} when it passes while waiting. @default undefined (no deadline)
   */
  deadline?: number;
  /**
   * Clock time to age from instead of now: a retry re-entering the queue passes its first enqueue time so
   * it keeps the aging it earned. Later than now counts as now. The entry still joins the tail of its level
   * (FIFO is arrival order); its credit counts once it reaches the head. `onDispatch` reports the wait in
   * this queue only, without the credit. @default now
   */
  enqueuedAt?: number;
}

/** The defaults of every {@link AdmissionQueueOptions} field that has one. */
export const DEFAULT_QUEUE_OPTIONS: Readonly<{
  capacity: number;
  concurrency: number;
  agingMs: number;
  overflow: OverflowPolicy;
}> = Object.freeze({ capacity: 100, concurrency: 5, agingMs: 5000, overflow: 'reject' });

type Level = 0 | 1 | 2;
const LEVEL_PRIORITY: readonly [Priority, Priority, Priority] = ['high', 'normal', 'low'];

const WAITING = 0;
const RUNNING = 1;
const DONE = 2;
type EntryState = typeof WAITING | typeof RUNNING | typeof DONE;

// Node's timers fire after 1 ms for any delay above this (2^31 - 1); longer waits re-arm.
const MAX_TIMER_MS = 2_147_483_647;

// Bridges to the queue's private methods, assigned in its static block: entries call back into their
// queue without exposing internals on the public class.
let releaseEntry: (entry: Entry) => void;
let abortEntry: (entry: Entry) => void;

/**
 * Synchronous admission, for the pipeline: a permit granted now, `undefined` when the request would wait
 * (then call `acquire`), or the refusal thrown at once (full, closed, aborted, past its deadline). A burst
 * the queue sheds then costs no promise and no async frame per refused request. @internal
 */
export let admitNow: (queue: AdmissionQueue, options: AcquireOptions | undefined) => Permit | undefined;

/** Whether `error` is the refusal written last (see own-rejection.ts). @internal */
export { isOwnRejection } from './own-rejection.js';

/** A task given to {@link AdmissionQueue.run}. */
type Task = () => unknown;

/** The rarely used parts of an entry, allocated only when a signal, deadline or aging credit is given. */
class EntryExtra {
  signal: AbortSignal | undefined = undefined;
  timer: TimerHandle | undefined = undefined;
  deadline: number | undefined = undefined;
  /** How much earlier than arrival the entry's aging basis is (a retry's credit), so waits are reported true. */
  credit = 0;
}

/**
 * One acquire: a list node while waiting, then the permit itself once granted (one allocation per request).
 * It is also the abort listener (`handleEvent`), so a signal costs no closure.
 */
class Entry implements Permit {
  owner: AdmissionQueue;
  level: Level;
  state: EntryState;
  /** Aging basis: arrival time, or the earlier time a retry passed in. */
  enqueuedAt: number;
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  /**
   * The promise's resolve function, kept alone to save memory: rejection resolves with a rejected promise.
   * `undefined` once settled.
   */
  settle: ((value: unknown) => void) | undefined = undefined;
  extra: EntryExtra | undefined = undefined;
  /** For `run()`: the task to start once granted (the entry's promise is then the task's result). */
  task: Task | undefined = undefined;

  constructor(owner: AdmissionQueue, level: Level, state: EntryState, enqueuedAt: number) {
    this.owner = owner;
    this.level = level;
    this.state = state;
    this.enqueuedAt = enqueuedAt;
  }

  release(): void {
    if (this.state !== RUNNING) return;
    this.state = DONE;
    releaseEntry(this);
  }

  handleEvent(): void {
    abortEntry(this);
  }
}

// One shared promise executor: capturing through a module variable avoids a closure per acquire.
let captured: ((value: unknown) => void) | undefined;
function capture(resolve: (value: unknown) => void): void {
  captured = resolve;
}

// The promise of the waiting entry `#enter` just made (a module variable: no tuple per call).
let entered: Promise<unknown> | undefined;
function takeEntered<T>(): Promise<T> {
  const promise = entered as Promise<T>;
  entered = undefined;
  return promise;
}

/**
 * Runs a task under its granted permit. The first `await` puts the task one microtask after the grant, as
 * awaiting `acquire()` did, so it never runs inside the `release()` that dispatched it.
 */
async function runTask(permit: Permit, task: Task): Promise<unknown> {
  await undefined;
  try {
    return await task();
  } finally {
    permit.release();
  }
}

function levelOf(priority: Priority | undefined): Level | -1 {
  if (priority === undefined || priority === 'normal') return 1;
  if (priority === 'high') return 0;
  if (priority === 'low') return 2;
  return -1;
}

function invalidPriority(priority: unknown): InvalidRequestError {
  return new InvalidRequestError(
    `priority must be one of high, normal, low; got ${JSON.stringify(priority)}`,
  );
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

function validateLimits(limits: AdmissionQueueLimits): void {
  const { capacity, concurrency, agingMs } = limits;
  if (capacity !== undefined && !(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 0))) {
    throw new InvalidRequestError(
      `capacity must be a non-negative integer or Infinity; got ${String(capacity)}`,
    );
  }
  if (
    concurrency !== undefined &&
    !(concurrency === Infinity || (Number.isInteger(concurrency) && concurrency >= 1))
  ) {
    throw new InvalidRequestError(
      `concurrency must be a positive integer or Infinity; got ${String(concurrency)}`,
    );
  }
  if (agingMs !== undefined && !(typeof agingMs === 'number' && agingMs > 0)) {
    throw new InvalidRequestError(`agingMs must be a positive number or Infinity; got ${String(agingMs)}`);
  }
}

/**
 * A bounded, concurrency-limited, three-priority admission queue with aging, cancellation, deadlines and
 * a lane-wide pause.
 *
 * @example
 * ```ts
 * const queue = new AdmissionQueue({ capacity: 100, concurrency: 5 });
 * const result = await queue.run(() => send(request), { priority: 'high', signal });
 * ```
 */
export class AdmissionQueue {
  readonly #clock: Clock;
  readonly #overflow: OverflowPolicy;
  readonly #onDispatch: ((waitedMs: number, priority: Priority) => void) | undefined;
  #capacity: number;
  #concurrency: number;
  #agingMs: number;

  #running = 0;
  #size = 0;
  readonly #heads: [Entry | undefined, Entry | undefined, Entry | undefined] = [
    undefined,
    undefined,
    undefined,
  ];
  readonly #tails: [Entry | undefined, Entry | undefined, Entry | undefined] = [
    undefined,
    undefined,
    undefined,
  ];
  readonly #counts: [number, number, number] = [0, 0, 0];

  /** Whether one clock reading may serve a synchronous burst (see `#roughNow`). */
  readonly #burstClock: boolean;
  #burstNow: number | undefined = undefined;
  #pausedUntil: number | undefined = undefined;
  #pauseTimer: TimerHandle | undefined = undefined;
  #closed = false;
  #closeReason: unknown = undefined;
  #idleWaiters: Array<() => void> | undefined = undefined;
  #fullMessage: string | undefined = undefined;
  #fullSize = -1;
  #fullRunning = -1;
  #sizeWaiters: Array<{ limit: number; resolve: () => void }> | undefined = undefined;

  static {
    releaseEntry = (entry) => entry.owner.#release();
    abortEntry = (entry) => entry.owner.#abort(entry);
    admitNow = (queue, options) => {
      const result = queue.#enter(options, undefined, false);
      if (result === undefined || result instanceof Entry) return result;
      throw result;
    };
  }

  /** @throws {InvalidRequestError} when a limit or `overflow` is invalid (the message quotes the value). */
  constructor(options: AdmissionQueueOptions = {}) {
    validateLimits(options);
    const overflow = options.overflow ?? DEFAULT_QUEUE_OPTIONS.overflow;
    if (overflow !== 'reject' && overflow !== 'shed-lowest') {
      throw new InvalidRequestError(
        `overflow must be 'reject' or 'shed-lowest'; got ${JSON.stringify(overflow)}`,
      );
    }
    this.#clock = options.clock ?? systemClock;
    this.#burstClock = this.#clock === systemClock;
    this.#overflow = overflow;
    this.#onDispatch = options.onDispatch;
    this.#capacity = options.capacity ?? DEFAULT_QUEUE_OPTIONS.capacity;
    this.#concurrency = options.concurrency ?? DEFAULT_QUEUE_OPTIONS.concurrency;
    this.#agingMs = options.agingMs ?? DEFAULT_QUEUE_OPTIONS.agingMs;
  }

  /** Number of waiting entries. */
  get size(): number {
    return this.#size;
  }

  /** Number of running permits (may exceed `concurrency` for a while after it was lowered). */
  get pending(): number {
    return this.#running;
  }

  /** Maximum number of waiting entries. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Maximum number of running permits. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Milliseconds of waiting per level of aging (`Infinity`: aging off). */
  get agingMs(): number {
    return this.#agingMs;
  }

  /** Clock time before which nothing is dispatched, or `undefined` when not paused. */
  get pausedUntil(): number | undefined {
    return this.#pausedUntil;
  }

  /** Whether {@link AdmissionQueue.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Number of waiting entries of one priority. */
  sizeBy(priority: Priority): number {
    const level = levelOf(priority);
    if (level === -1) throw invalidPriority(priority);
    return this.#counts[level];
  }

  /**
   * Waits for a slot. Resolves at once when a slot is free and nobody waits; rejects at once with
   * {@link QueueFullError} when `capacity` entries wait (see `overflow`), with {@link AbortError} when the
   * signal is already aborted or the queue is closed, with {@link DeadlineExceededError} when the deadline
   * is already past, and with {@link InvalidRequestError} for a bad priority or deadline. Settles exactly once.
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    const result = this.#enter(options, undefined, true);
    if (!(result instanceof Entry)) return Promise.reject(result);
    return result.state === RUNNING ? Promise.resolve(result) : takeEntered<Permit>();
  }

  /**
   * Admission shared by `acquire`, `run` and `admitNow`: a granted permit (state RUNNING), a waiting entry
   * (its promise left in `entered`), the error to refuse with, or, when `mayWait` is false, `undefined` for
   * a request that would have to wait.
   */
  #enter(
    options: AcquireOptions | undefined,
    task: Task | undefined,
    mayWait: boolean,
  ): Entry | Error | undefined {
    let level: Level | -1 = 1;
    let signal: AbortSignal | undefined;
    let deadline: number | undefined;
    let enqueuedAt: number | undefined;
    if (options !== undefined) {
      level = levelOf(options.priority);
      if (level === -1) return invalidPriority(options.priority);
      signal = options.signal;
      deadline = options.deadline;
      enqueuedAt = options.enqueuedAt;
      if (enqueuedAt !== undefined && !Number.isFinite(enqueuedAt)) {
        return new InvalidRequestError(
          `enqueuedAt must be a finite clock time in ms; got ${String(enqueuedAt)}`,
        );
      }
    }
    if (this.#closed) return this.#closedError();
    if (signal?.aborted) return abortedError(signal);
    // Exact time for the deadline; the aging basis below may share a burst's reading.
    let exactNow = 0;
    if (deadline !== undefined) {
      if (!isTime(deadline)) {
        return new InvalidRequestError(`deadline must be a clock time in ms; got ${String(deadline)}`);
      }
      if (deadline === Infinity) deadline = undefined;
      else {
        exactNow = this.#clock.now();
        if (exactNow >= deadline) return new DeadlineExceededError('Deadline passed before admission');
      }
    }
    if (this.#size === 0 && this.#running < this.#concurrency && this.#pausedUntil === undefined) {
      return this.#grantNow(level);
    }
    if (this.#size >= this.#capacity) {
      if (!mayWait) return this.#canShedFor(level) ? undefined : this.#fullError();
      if (!this.#shedFor(level)) return this.#fullError();
    }
    if (!mayWait) return undefined;

    const now = this.#roughNow();
    const entry = new Entry(this, level, WAITING, now);
    entry.task = task;
    entered = new Promise(capture);
    entry.settle = captured;
    captured = undefined;
    this.#link(entry);
    if (signal !== undefined || deadline !== undefined || (enqueuedAt !== undefined && enqueuedAt < now)) {
      const extra = new EntryExtra();
      entry.extra = extra;
      if (enqueuedAt !== undefined && enqueuedAt < now) {
        entry.enqueuedAt = enqueuedAt;
        extra.credit = now - enqueuedAt;
      }
      if (signal !== undefined) {
        extra.signal = signal;
        signal.addEventListener('abort', entry);
      }
      if (deadline !== undefined) {
        extra.deadline = deadline;
        this.#armDeadline(entry, extra, deadline - exactNow);
      }
    }
    return entry;
  }

  /**
   * The synchronous fast path: a permit when {@link AdmissionQueue.acquire} would resolve at once (slot free,
   * nobody waiting, not paused or closed, signal not aborted, deadline not past), else `undefined`. Never queues.
   */
  tryAcquire(options?: AcquireOptions): Permit | undefined {
    if (
      this.#closed ||
      this.#size !== 0 ||
      this.#running >= this.#concurrency ||
      this.#pausedUntil !== undefined
    ) {
      return undefined;
    }
    let level: Level | -1 = 1;
    if (options !== undefined) {
      level = levelOf(options.priority);
      if (level === -1) throw invalidPriority(options.priority);
      if (options.signal?.aborted) return undefined;
      const deadline = options.deadline;
      if (deadline !== undefined && !(this.#clock.now() < deadline)) return undefined;
    }
    return this.#grantNow(level);
  }

  /**
   * Runs `fn` under a permit: acquire, run, release (also when `fn` throws). A waiting task is held by its
   * queue entry alone (no async frame waits for it), so a queued `run` costs about what a queued `acquire`
   * does.
   */
  run<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<T> {
    const result = this.#enter(options, fn, true);
    if (!(result instanceof Entry)) return Promise.reject(result);
    return result.state === RUNNING ? (runTask(result, fn) as Promise<T>) : takeEntered<T>();
  }

  /**
   * Changes limits at run time. Raising `concurrency` dispatches waiting entries at once; lowering it lets
   * running permits drain. Lowering `capacity` below `size` evicts nothing; it refuses new entries until
   * `size` drops. Changing `agingMs` re-ranks waiting entries. Validates everything before changing anything.
   * @throws {InvalidRequestError} for an invalid value.
   */
  setLimits(limits: AdmissionQueueLimits): void {
    validateLimits(limits);
    if (limits.capacity !== undefined) this.#capacity = limits.capacity;
    if (limits.concurrency !== undefined) this.#concurrency = limits.concurrency;
    if (limits.agingMs !== undefined) this.#agingMs = limits.agingMs;
    this.#drain();
  }

  /**
   * Lane cooldown (e.g. a 429 with Retry-After): dispatches nothing before clock time `time`. Running permits
   * are unaffected; `acquire` queues meanwhile. A later time extends the pause; an earlier one is ignored.
   * @throws {InvalidRequestError} when `time` is not a number.
   */
  pauseUntil(time: number): void {
    if (!isTime(time))
      throw new InvalidRequestError(`pauseUntil needs a clock time in ms; got ${String(time)}`);
    if (this.#closed) return;
    const now = this.#clock.now();
    if (time <= now || (this.#pausedUntil !== undefined && time <= this.#pausedUntil)) return;
    this.#pausedUntil = time;
    this.#armPauseTimer(time - now);
  }

  /** Ends a pause now and dispatches what can run. */
  resume(): void {
    if (this.#pausedUntil === undefined) return;
    this.#endPause();
    this.#drain();
  }

  /** Resolves when nothing waits and nothing runs; at once if already so. */
  onIdle(): Promise<void> {
    if (this.#size === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idleWaiters ??= [];
      this.#idleWaiters.push(resolve);
    });
  }

  /** Resolves when fewer than `limit` entries wait; at once if already so (back-pressure for producers). */
  onSizeLessThan(limit: number): Promise<void> {
    if (this.#size < limit) return Promise.resolve();
    return new Promise((resolve) => {
      this.#sizeWaiters ??= [];
      this.#sizeWaiters.push({ limit, resolve });
    });
  }

  /** Rejects every waiting entry with {@link AbortError} (cause: `reason`). New entries are still accepted. */
  clear(reason?: unknown): void {
    this.#rejectAllWaiting('Admission queue cleared', reason);
  }

  /**
   * Rejects every waiting entry with {@link AbortError} (cause: `reason`) and refuses new ones the same way,
   * for a closed client or a removed endpoint. Running permits are unaffected. Idempotent.
   */
  close(reason?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.#endPause();
    this.#rejectAllWaiting('Admission queue closed', reason);
  }

  /**
   * The time for aging bases and reported waits. On the system clock one reading serves a whole synchronous
   * burst (stale by at most that burst: microseconds, against an agingMs of seconds), because Node 20's
   * `performance.now()` costs about a fifth of an acquire. Other clocks are read every time, so a fake
   * clock moved synchronously is always seen exactly. Deadlines and pauses always read the clock.
   */
  #roughNow(): number {
    if (!this.#burstClock) return this.#clock.now();
    if (this.#burstNow === undefined) {
      this.#burstNow = this.#clock.now();
      queueMicrotask(this.#endBurst);
    }
    return this.#burstNow;
  }

  readonly #endBurst = (): void => {
    this.#burstNow = undefined;
  };

  #grantNow(level: Level): Entry {
    this.#running++;
    if (this.#onDispatch !== undefined) this.#notifyDispatch(0, level);
    return new Entry(this, level, RUNNING, 0);
  }

  #link(entry: Entry): void {
    const level = entry.level;
    const tail = this.#tails[level];
    if (tail === undefined) this.#heads[level] = entry;
    else {
      tail.next = entry;
      entry.prev = tail;
    }
    this.#tails[level] = entry;
    this.#counts[level]++;
    this.#size++;
  }

  #unlink(entry: Entry): void {
    const { level, prev, next } = entry;
    if (prev === undefined) this.#heads[level] = next;
    else prev.next = next;
    if (next === undefined) this.#tails[level] = prev;
    else next.prev = prev;
    entry.prev = undefined;
    entry.next = undefined;
    this.#counts[level]--;
    this.#size--;
  }

  /** The next entry to run: the lowest score `enqueuedAt + level * agingMs` among the three heads. */
  #pickNext(): Entry | undefined {
    const heads = this.#heads;
    const agingMs = this.#agingMs;
    if (agingMs === Infinity) return heads[0] ?? heads[1] ?? heads[2];
    let best = heads[0];
    let bestScore = best === undefined ? Infinity : best.enqueuedAt;
    const normal = heads[1];
    if (normal !== undefined) {
      const score = normal.enqueuedAt + agingMs;
      // Strict comparison: an equal score goes to the originally higher level.
      if (best === undefined || score < bestScore) {
        best = normal;
        bestScore = score;
      }
    }
    const low = heads[2];
    if (low !== undefined && (best === undefined || low.enqueuedAt + 2 * agingMs < bestScore)) best = low;
    return best;
  }

  #drain(): void {
    while (this.#size > 0 && this.#running < this.#concurrency && this.#pausedUntil === undefined) {
      const entry = this.#pickNext() as Entry;
      this.#unlink(entry);
      const extra = entry.extra;
      let now: number | undefined;
      if (extra !== undefined) {
        this.#detach(entry, extra);
        if (extra.deadline !== undefined) {
          // Timers can fire late; a passed deadline must never run.
          now = this.#clock.now();
          if (now >= extra.deadline) {
            this.#settleRejected(entry, new DeadlineExceededError('Deadline passed while queued'));
            continue;
          }
        }
      }
      const settle = entry.settle as (value: unknown) => void;
      const task = entry.task;
      entry.settle = undefined;
      entry.extra = undefined;
      entry.task = undefined;
      entry.state = RUNNING;
      this.#running++;
      if (this.#onDispatch !== undefined) {
        now ??= this.#roughNow();
        this.#notifyDispatch(now - entry.enqueuedAt - (extra === undefined ? 0 : extra.credit), entry.level);
      }
      settle(task === undefined ? entry : runTask(entry, task));
    }
    this.#notifyWaiters();
  }

  #notifyDispatch(waitedMs: number, level: Level): void {
    try {
      (this.#onDispatch as (waitedMs: number, priority: Priority) => void)(waitedMs, LEVEL_PRIORITY[level]);
    } catch {
      // An observer must not break admission.
    }
  }

  #armDeadline(entry: Entry, extra: EntryExtra, ms: number): void {
    extra.timer = this.#clock.setTimeout(() => this.#expire(entry), Math.min(ms, MAX_TIMER_MS));
  }

  /** Drops the entry's abort listener and deadline timer. */
  #detach(entry: Entry, extra: EntryExtra): void {
    const signal = extra.signal;
    if (signal !== undefined) {
      extra.signal = undefined;
      signal.removeEventListener('abort', entry);
    }
    const timer = extra.timer;
    if (timer !== undefined) {
      extra.timer = undefined;
      this.#clock.clearTimeout(timer);
    }
  }

  #settleRejected(entry: Entry, error: unknown): void {
    const settle = entry.settle as (value: Promise<never>) => void;
    entry.settle = undefined;
    entry.extra = undefined;
    entry.task = undefined;
    entry.state = DONE;
    settle(Promise.reject(error));
  }

  /** Removes a waiting entry at once and rejects it. */
  #remove(entry: Entry, error: unknown): void {
    this.#unlink(entry);
    if (entry.extra !== undefined) this.#detach(entry, entry.extra);
    this.#settleRejected(entry, error);
  }

  #abort(entry: Entry): void {
    if (entry.state !== WAITING) return;
    const signal = (entry.extra as EntryExtra).signal as AbortSignal;
    this.#remove(entry, abortedError(signal, 'Request aborted while queued'));
    this.#notifyWaiters();
  }

  #expire(entry: Entry): void {
    const extra = entry.extra;
    if (entry.state !== WAITING || extra === undefined || extra.deadline === undefined) return;
    extra.timer = undefined;
    const left = extra.deadline - this.#clock.now();
    if (left > 0) {
      // Fired early (a real clock, or a delay beyond the timer limit): wait for the rest.
      this.#armDeadline(entry, extra, left);
      return;
    }
    this.#remove(entry, new DeadlineExceededError('Deadline passed while queued'));
    this.#notifyWaiters();
  }

  #release(): void {
    this.#running--;
    if (this.#size !== 0) this.#drain();
    else if (this.#idleWaiters !== undefined) this.#notifyWaiters();
  }

  /** Under `shed-lowest`, makes room for a `level` entry by shedding a strictly lower one. */
  #shedFor(level: Level): boolean {
    const lowest = this.#sheddable(level);
    if (lowest === undefined) return false;
    const error = this.#fullError('; shed for a higher-priority request');
    this.#remove(this.#tails[lowest] as Entry, error);
    return true;
  }

  /** Whether {@link #shedFor} would make room, without shedding. */
  #canShedFor(level: Level): boolean {
    return this.#sheddable(level) !== undefined;
  }

  /** The level whose newest entry would be shed for a `level` newcomer, if any. */
  #sheddable(level: Level): Level | undefined {
    // Shed only when that brings the queue back within capacity: a lowered capacity never evicts.
    if (this.#overflow !== 'shed-lowest' || this.#size !== this.#capacity) return undefined;
    const lowest: Level | undefined =
      this.#tails[2] !== undefined
        ? 2
        : this.#tails[1] !== undefined
          ? 1
          : this.#tails[0] !== undefined
            ? 0
            : undefined;
    return lowest === undefined || lowest <= level ? undefined : lowest;
  }

  #fullError(suffix = ''): QueueFullError {
    // A burst is refused with one message over and over: reuse the text while the counts stay the same.
    const size = this.#size;
    const running = this.#running;
    let message = this.#fullMessage;
    if (message === undefined || size !== this.#fullSize || running !== this.#fullRunning || suffix !== '') {
      message = `queue full: ${size} waiting, ${running} running${suffix}`;
      if (suffix === '') {
        this.#fullMessage = message;
        this.#fullSize = size;
        this.#fullRunning = running;
      }
    }
    return ownRejection(() => new QueueFullError(message));
  }

  #closedError(): AbortError {
    return new AbortError('Admission queue closed', { cause: this.#closeReason });
  }

  #rejectAllWaiting(message: string, reason: unknown): void {
    if (this.#size === 0) return;
    for (const level of [0, 1, 2] as const) {
      let entry = this.#heads[level];
      while (entry !== undefined) {
        const next = entry.next;
        this.#remove(
          entry,
          withoutStack(() => new AbortError(message, { cause: reason })),
        );
        entry = next;
      }
    }
    this.#notifyWaiters();
  }

  #armPauseTimer(ms: number): void {
    if (this.#pauseTimer !== undefined) this.#clock.clearTimeout(this.#pauseTimer);
    this.#pauseTimer = this.#clock.setTimeout(this.#onPauseTimer, Math.min(ms, MAX_TIMER_MS));
  }

  readonly #onPauseTimer = (): void => {
    this.#pauseTimer = undefined;
    const until = this.#pausedUntil;
    if (until === undefined) return;
    const now = this.#clock.now();
    // A timer may fire a little early on a real clock: never dispatch before the promised time.
    if (now < until) {
      this.#armPauseTimer(until - now);
      return;
    }
    this.#pausedUntil = undefined;
    this.#drain();
  };

  #endPause(): void {
    if (this.#pauseTimer !== undefined) {
      this.#clock.clearTimeout(this.#pauseTimer);
      this.#pauseTimer = undefined;
    }
    this.#pausedUntil = undefined;
  }

  /** Settles `onSizeLessThan` and `onIdle` waiters whose condition now holds. */
  #notifyWaiters(): void {
    const sizeWaiters = this.#sizeWaiters;
    if (sizeWaiters !== undefined) {
      const still = sizeWaiters.filter((waiter) => {
        if (this.#size >= waiter.limit) return true;
        waiter.resolve();
        return false;
      });
      this.#sizeWaiters = still.length > 0 ? still : undefined;
    }
    const idleWaiters = this.#idleWaiters;
    if (idleWaiters !== undefined && this.#size === 0 && this.#running === 0) {
      this.#idleWaiters = undefined;
      for (const resolve of idleWaiters) resolve();
    }
  }
}

function abortedError(signal: AbortSignal, message = 'Request aborted before admission'): AbortError {
  return new AbortError(message, { cause: signal.reason });
}
