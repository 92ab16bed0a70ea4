/**
 * Time for every time-based rule in the core (backoff, breaker windows, deadlines, aging, batch flush).
 *
 * Nothing in the core reads `Date.now()` or calls the global `setTimeout` directly: it goes through a
 * {@link Clock}, so tests swap in a {@link FakeClock} and run years of retries in microseconds.
 */

/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** The source of time and timers used by the whole pipeline. */
export interface Clock {
  /** Milliseconds since the Unix epoch; monotonic for the system clock. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
  /**
   * Resolves after `ms` milliseconds. Rejects at once with `signal.reason` when `signal` aborts,
   * and clears its timer, so an abandoned sleep holds nothing.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Shared implementation of `sleep` on top of a clock's own timers. */
function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(abortReason(signal as AbortSignal));
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// Wall-clock origin plus a monotonic offset: epoch milliseconds that never run backwards.
const origin = performance.timeOrigin;

// Node fires timers longer than 2^31-1 ms after 1 ms; longer waits are chained through this handle.
const MAX_TIMER_MS = 2 ** 31 - 1;
interface LongTimer {
  current: ReturnType<typeof globalThis.setTimeout>;
}

function setLongTimeout(fn: () => void, ms: number, handle: LongTimer): LongTimer {
  const step = Math.min(ms, MAX_TIMER_MS);
  handle.current = globalThis.setTimeout(
    () => (ms > step ? setLongTimeout(fn, ms - step, handle) : fn()),
    step,
  );
  return handle;
}

/** The real clock: `performance` for time, Node's timers for timeouts. */
export const systemClock: Clock = {
  now: () => origin + performance.now(),
  setTimeout: (fn, ms) =>
    ms > MAX_TIMER_MS ? setLongTimeout(fn, ms, {} as LongTimer) : globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) =>
    globalThis.clearTimeout(
      (handle as Partial<LongTimer>).current ?? (handle as ReturnType<typeof globalThis.setTimeout>),
    ),
  sleep(ms, signal) {
    return sleepOn(systemClock, ms, signal);
  },
};

interface FakeTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cleared: boolean;
}

/**
 * A manual clock for deterministic tests of time-based behaviour, ours and users'.
 *
 * Time moves only when the test says so. {@link FakeClock.advance} fires due timers in time order and
 * lets promise callbacks run between them, so code that awaits a sleep and then schedules another
 * timer behaves exactly as it would in real time.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const slept = clock.sleep(1000);
 * await clock.advance(1000); // slept is now resolved
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  // A binary min-heap ordered by (at, seq): timers due at the same time fire in the order set.
  #heap: FakeTimer[] = [];
  #live = 0;

  /** @param start - the initial value of {@link FakeClock.now}, in epoch milliseconds. @default 0 */
  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer: FakeTimer = { at: this.#now + delay, seq: this.#seq++, fn, cleared: false };
    this.#push(timer);
    this.#live++;
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as FakeTimer;
    if (timer && !timer.cleared && typeof timer.fn === 'function') {
      timer.cleared = true;
      this.#live--;
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#live;
  }

  /** When the next live timer is due, or `undefined` when none is. */
  nextTimerAt(): number | undefined {
    this.#dropCleared();
    return this.#heap[0]?.at;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in order, and lets pending promise
   * callbacks run after each one (and once at the end), so chains of sleeps resolve as in real time.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    await flushMicrotasks();
    for (;;) {
      this.#dropCleared();
      const next = this.#heap[0];
      if (!next || next.at > target) break;
      this.#fireNext();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Like {@link FakeClock.advance} but synchronous: fires due timers without letting promises run. */
  advanceSync(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      this.#dropCleared();
      const next = this.#heap[0];
      if (!next || next.at > target) break;
      this.#fireNext();
    }
    this.#now = target;
  }

  /**
   * Fires timers until none is left (timers set by fired timers included), jumping time to each.
   * Throws after `maxTimers` firings, which catches code that reschedules itself forever.
   */
  async runAll(maxTimers = 10_000): Promise<void> {
    await flushMicrotasks();
    for (let fired = 0; ; fired++) {
      this.#dropCleared();
      if (this.#heap.length === 0) return;
      if (fired >= maxTimers) throw new Error(`FakeClock.runAll: more than ${maxTimers} timers fired`);
      this.#fireNext();
      await flushMicrotasks();
    }
  }

  #fireNext(): void {
    const timer = this.#pop() as FakeTimer;
    if (timer.at > this.#now) this.#now = timer.at;
    timer.cleared = true;
    this.#live--;
    timer.fn();
  }

  #dropCleared(): void {
    while (this.#heap.length > 0 && (this.#heap[0] as FakeTimer).cleared) this.#pop();
  }

  #less(a: FakeTimer, b: FakeTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(timer: FakeTimer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i] as FakeTimer, heap[parent] as FakeTimer)) break;
      [heap[i], heap[parent]] = [heap[parent] as FakeTimer, heap[i] as FakeTimer];
      i = parent;
    }
  }

  #pop(): FakeTimer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.#less(heap[l] as FakeTimer, heap[m] as FakeTimer)) m = l;
        if (r < heap.length && this.#less(heap[r] as FakeTimer, heap[m] as FakeTimer)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m] as FakeTimer, heap[i] as FakeTimer];
        i = m;
      }
    }
    return top;
  }
}

/** Lets every queued promise callback run (one macrotask turn). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
