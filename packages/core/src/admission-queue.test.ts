import { describe, expect, it, vi } from 'vitest';
import {
  AdmissionQueue,
  type AdmissionQueueOptions,
  DEFAULT_QUEUE_OPTIONS,
  type Permit,
} from './admission-queue.js';
import { type Clock, FakeClock, flushMicrotasks, systemClock, type TimerHandle } from './clock.js';
import { AbortError, DeadlineExceededError, InvalidRequestError, QueueFullError } from './errors/index.js';
import type { Priority } from './request-options.js';

/** Follows a promise so tests can read its state synchronously after a flush. */
function track<T>(promise: Promise<T>) {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown; settles: number } =
    {
      status: 'pending',
      settles: 0,
    };
  promise.then(
    (value) => {
      state.status = 'fulfilled';
      state.value = value;
      state.settles++;
    },
    (error: unknown) => {
      state.status = 'rejected';
      state.error = error;
      state.settles++;
    },
  );
  return state;
}

function setup(options: AdmissionQueueOptions = {}) {
  const clock = new FakeClock(1_000_000);
  const queue = new AdmissionQueue({ clock, ...options });
  const order: string[] = [];
  /** Queues a labelled acquire that records when it is granted. */
  const enqueue = (
    label: string,
    priority?: Priority,
    extra: { signal?: AbortSignal; deadline?: number } = {},
  ) => {
    const promise = queue.acquire({ priority, ...extra });
    const state = track(
      promise.then((permit) => {
        order.push(label);
        return permit;
      }),
    );
    return state;
  };
  return { clock, queue, order, enqueue };
}

/** Releases a granted state's permit, letting grants settle before and after. */
async function releaseOne(state: { value?: Permit }) {
  await flushMicrotasks();
  if (state.value === undefined) throw new Error('releaseOne: that entry was not granted');
  state.value.release();
  await flushMicrotasks();
}

describe('AdmissionQueue: admission', () => {
  it('exports its defaults and applies them', () => {
    expect(DEFAULT_QUEUE_OPTIONS).toEqual({
      capacity: 100,
      concurrency: 5,
      agingMs: 5000,
      overflow: 'reject',
    });
    const queue = new AdmissionQueue();
    expect([queue.capacity, queue.concurrency, queue.agingMs]).toEqual([100, 5, 5000]);
    expect([queue.size, queue.pending, queue.pausedUntil, queue.closed]).toEqual([0, 0, undefined, false]);
  });

  it('on the system clock, one clock reading serves a synchronous burst of enqueues', async () => {
    const now = vi.spyOn(systemClock, 'now');
    try {
      const queue = new AdmissionQueue({ concurrency: 1 });
      const permit = queue.tryAcquire() as Permit;
      now.mockClear();
      const burst = [
        track(queue.acquire()),
        track(queue.acquire({ priority: 'low' })),
        track(queue.acquire()),
      ];
      expect(now).toHaveBeenCalledTimes(1);
      await Promise.resolve();
      track(queue.acquire());
      expect(now).toHaveBeenCalledTimes(2);
      permit.release();
      await flushMicrotasks();
      expect(burst.map((s) => s.status)).toEqual(['fulfilled', 'pending', 'pending']);
      queue.close();
    } finally {
      now.mockRestore();
    }
  });

  it('grants at once when a slot is free and nobody waits', async () => {
    const { queue } = setup({ concurrency: 2 });
    const first = track(queue.acquire());
    const second = track(queue.acquire({ priority: 'low' }));
    expect(queue.pending).toBe(2);
    await flushMicrotasks();
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('fulfilled');
    const third = track(queue.acquire());
    expect(queue.size).toBe(1);
    await flushMicrotasks();
    expect(third.status).toBe('pending');
  });

  it('tryAcquire grants synchronously only when acquire would, and never queues', () => {
    const { queue, clock } = setup({ concurrency: 1 });
    const permit = queue.tryAcquire();
    expect(permit).toBeDefined();
    expect(queue.pending).toBe(1);
    expect(queue.tryAcquire()).toBeUndefined();
    expect(queue.size).toBe(0);
    permit?.release();
    const aborted = new AbortController();
    aborted.abort();
    expect(queue.tryAcquire({ signal: aborted.signal })).toBeUndefined();
    expect(queue.tryAcquire({ deadline: clock.now() })).toBeUndefined();
    expect(queue.pending).toBe(0);
    expect(() => queue.tryAcquire({ priority: 'urgent' as Priority })).toThrow(InvalidRequestError);
    queue.pauseUntil(clock.now() + 10);
    expect(queue.tryAcquire()).toBeUndefined();
    queue.resume();
    const again = queue.tryAcquire({ priority: 'high', deadline: clock.now() + 1 });
    expect(again).toBeDefined();
    again?.release();
    queue.close();
    expect(queue.tryAcquire()).toBeUndefined();
  });

  it('tryAcquire refuses while others wait, so it cannot jump the queue', async () => {
    const { queue, enqueue } = setup({ concurrency: 1 });
    const first = enqueue('a');
    enqueue('b');
    await flushMicrotasks();
    queue.setLimits({ concurrency: 1 });
    expect(queue.size).toBe(1);
    expect(queue.tryAcquire()).toBeUndefined();
    await releaseOne(first);
    expect(queue.pending).toBe(1);
  });

  it('rejects a bad priority, deadline or enqueuedAt with InvalidRequestError quoting the value', async () => {
    const { queue } = setup();
    await expect(queue.acquire({ priority: 'urgent' as Priority })).rejects.toThrow(/urgent/);
    await expect(queue.acquire({ deadline: Number.NaN })).rejects.toThrow(InvalidRequestError);
    await expect(queue.acquire({ enqueuedAt: Number.POSITIVE_INFINITY })).rejects.toThrow(/Infinity/);
    expect(() => queue.sizeBy('urgent' as Priority)).toThrow(InvalidRequestError);
    expect(queue.pending).toBe(0);
  });

  it('validates constructor options with InvalidRequestError quoting the bad value', () => {
    expect(() => new AdmissionQueue({ capacity: -1 })).toThrow(/capacity.*-1/);
    expect(() => new AdmissionQueue({ capacity: 1.5 })).toThrow(InvalidRequestError);
    expect(() => new AdmissionQueue({ concurrency: 0 })).toThrow(/concurrency.*0/);
    expect(() => new AdmissionQueue({ concurrency: Number.NaN })).toThrow(InvalidRequestError);
    expect(() => new AdmissionQueue({ agingMs: 0 })).toThrow(/agingMs.*0/);
    expect(() => new AdmissionQueue({ overflow: 'drop' as 'reject' })).toThrow(/drop/);
    expect(new AdmissionQueue({ capacity: 0, concurrency: Infinity, agingMs: Infinity }).capacity).toBe(0);
  });
});

describe('AdmissionQueue: order', () => {
  it('is FIFO within a level', async () => {
    const { queue, order, enqueue, clock } = setup({ concurrency: 1 });
    const running = queue.tryAcquire() as Permit;
    for (const label of ['a', 'b', 'c', 'd']) {
      enqueue(label, 'normal');
      await clock.advance(1);
    }
    running.release();
    await clock.runAll();
    expect(order).toEqual(['a']);
    expect(queue.sizeBy('normal')).toBe(3);
  });

  it('dispatches by priority, then FIFO, when released one by one', async () => {
    const { queue, order, enqueue } = setup({ concurrency: 1, agingMs: Number.POSITIVE_INFINITY });
    const running = queue.tryAcquire() as Permit;
    const plan: Array<[string, Priority | undefined]> = [
      ['low1', 'low'],
      ['normal1', 'normal'],
      ['high1', 'high'],
      ['low2', 'low'],
      ['high2', 'high'],
      ['normal2', undefined],
    ];
    const states = new Map(plan.map(([label, priority]) => [label, enqueue(label, priority)]));
    expect([queue.sizeBy('high'), queue.sizeBy('normal'), queue.sizeBy('low')]).toEqual([2, 2, 2]);
    running.release();
    await flushMicrotasks();
    for (let i = 0; i < plan.length; i++) {
      expect(order).toHaveLength(i + 1);
      expect(queue.pending).toBe(1);
      await releaseOne(states.get(order[i] as string) as { value?: Permit });
    }
    expect(order).toEqual(['high1', 'high2', 'normal1', 'normal2', 'low1', 'low2']);
    expect([queue.size, queue.pending]).toEqual([0, 0]);
  });
});

/** Starts one running permit, waits `lowWait` ms with a low entry queued, then queues the others. */
async function race(agingMs: number, first: Priority, waitMs: number, second: Priority): Promise<string[]> {
  const { queue, order, enqueue, clock } = setup({ concurrency: 1, agingMs });
  const running = queue.tryAcquire() as Permit;
  enqueue('first', first);
  await clock.advance(waitMs);
  enqueue('second', second);
  running.release();
  await flushMicrotasks();
  return order;
}

describe('AdmissionQueue: aging', () => {
  it('a low entry overtakes a fresh high one only after waiting more than 2 * agingMs', async () => {
    expect(await race(1000, 'low', 1999, 'high')).toEqual(['second']);
    // Exactly 2 * agingMs: equal effective level, the originally higher level wins the tie.
    expect(await race(1000, 'low', 2000, 'high')).toEqual(['second']);
    expect(await race(1000, 'low', 2001, 'high')).toEqual(['first']);
  });

  it('a low entry overtakes a fresh normal one after agingMs, and normal a high one after agingMs', async () => {
    expect(await race(1000, 'low', 1000, 'normal')).toEqual(['second']);
    expect(await race(1000, 'low', 1001, 'normal')).toEqual(['first']);
    expect(await race(1000, 'normal', 1000, 'high')).toEqual(['second']);
    expect(await race(1000, 'normal', 1001, 'high')).toEqual(['first']);
  });

  it('never ages when agingMs is Infinity', async () => {
    expect(await race(Number.POSITIVE_INFINITY, 'low', 1e9, 'high')).toEqual(['second']);
  });

  it('agingMs changes at run time re-rank waiting entries', async () => {
    const { queue, order, enqueue, clock } = setup({ concurrency: 1, agingMs: Number.POSITIVE_INFINITY });
    const running = queue.tryAcquire() as Permit;
    enqueue('low', 'low');
    await clock.advance(300);
    enqueue('high', 'high');
    queue.setLimits({ agingMs: 100 });
    running.release();
    await flushMicrotasks();
    expect(order).toEqual(['low']);
  });

  it('a retry passing enqueuedAt keeps its aging credit, and onDispatch reports its true wait', async () => {
    const waits: Array<[number, Priority]> = [];
    const { queue, order, clock } = setup({
      concurrency: 1,
      agingMs: 1000,
      onDispatch: (waited, priority) => waits.push([waited, priority]),
    });
    const running = queue.tryAcquire() as Permit;
    const firstTry = clock.now() - 2500;
    track(queue.acquire({ priority: 'high' }).then(() => order.push('high')));
    track(queue.acquire({ priority: 'low', enqueuedAt: firstTry }).then(() => order.push('retry')));
    // A future enqueuedAt earns nothing: it counts as now.
    track(
      queue.acquire({ priority: 'normal', enqueuedAt: clock.now() + 1e6 }).then(() => order.push('normal')),
    );
    await clock.advance(10);
    running.release();
    await flushMicrotasks();
    expect(order).toEqual(['retry']);
    expect(waits).toEqual([
      [0, 'normal'],
      [10, 'low'],
    ]);
  });
});

describe('AdmissionQueue: capacity and overflow', () => {
  it('rejects at once with QueueFullError carrying the state when capacity entries wait', async () => {
    const { queue, enqueue } = setup({ capacity: 2, concurrency: 1 });
    enqueue('run');
    enqueue('a');
    enqueue('b');
    const error = await queue.acquire({ priority: 'high' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as Error).message).toBe('queue full: 2 waiting, 1 running');
    expect(queue.size).toBe(2);
  });

  it('builds shedding errors without a stack trace and leaves Error.stackTraceLimit as it was', async () => {
    const { queue } = setup({ capacity: 0, concurrency: 1 });
    queue.tryAcquire();
    const limit = Error.stackTraceLimit;
    const error = (await queue.acquire().catch((e: unknown) => e)) as QueueFullError;
    expect(Error.stackTraceLimit).toBe(limit);
    expect(error.stack).not.toMatch(/\n\s+at /);
    expect(error.code).toBe('queue_full');
  });

  it('capacity 0 runs only when a slot is free', async () => {
    const { queue } = setup({ capacity: 0, concurrency: 1 });
    const permit = await queue.acquire();
    await expect(queue.acquire()).rejects.toThrow('queue full: 0 waiting, 1 running');
    permit.release();
    await expect(queue.acquire()).resolves.toBeDefined();
  });

  it('shed-lowest replaces the newest entry of the lowest level when it is strictly lower', async () => {
    const { queue, order, enqueue } = setup({ capacity: 3, concurrency: 1, overflow: 'shed-lowest' });
    const running = enqueue('run');
    enqueue('normal', 'normal');
    const low1 = enqueue('low1', 'low');
    const low2 = enqueue('low2', 'low');
    const high = enqueue('high', 'high');
    expect(queue.size).toBe(3);
    await flushMicrotasks();
    expect(low2.status).toBe('rejected');
    expect(low2.error).toBeInstanceOf(QueueFullError);
    expect((low2.error as Error).message).toMatch(/^queue full: 3 waiting, 1 running; shed/);
    expect(low1.status).toBe('pending');
    expect(high.status).toBe('pending');
    // A newcomer of the same level as the lowest waiting one is rejected itself.
    const lowAgain = enqueue('low3', 'low');
    const normal2 = enqueue('normal2', 'normal');
    await flushMicrotasks();
    expect(lowAgain.status).toBe('rejected');
    expect(normal2.status).toBe('pending');
    expect(low1.status).toBe('rejected');
    expect(queue.sizeBy('low')).toBe(0);
    // Now only normal and high wait: a normal newcomer finds nothing strictly lower.
    const normal3 = enqueue('normal3', 'normal');
    await flushMicrotasks();
    expect(normal3.error).toBeInstanceOf(QueueFullError);
    await releaseOne(running);
    expect(order).toEqual(['run', 'high']);
  });

  it('lowering capacity below size evicts nothing and refuses new entries until size drops', async () => {
    const { queue, enqueue } = setup({ capacity: 5, concurrency: 1, overflow: 'shed-lowest' });
    const running = enqueue('run');
    const waiting = [enqueue('a', 'low'), enqueue('b', 'low'), enqueue('c', 'low')];
    queue.setLimits({ capacity: 1 });
    expect(queue.size).toBe(3);
    await expect(queue.acquire({ priority: 'high' })).rejects.toThrow('queue full: 3 waiting, 1 running');
    await flushMicrotasks();
    expect(waiting.every((s) => s.status === 'pending')).toBe(true);
    await releaseOne(running);
    await releaseOne(waiting[0] as { value?: Permit });
    expect(queue.size).toBe(1);
    // Back at capacity: shedding works again (a strictly lower one goes), equal priority is refused.
    await expect(queue.acquire({ priority: 'low' })).rejects.toThrow('queue full: 1 waiting, 1 running');
    await releaseOne(waiting[1] as { value?: Permit });
    expect(queue.size).toBe(0);
    const next = enqueue('d');
    expect(queue.size).toBe(1);
    await flushMicrotasks();
    expect(next.status).toBe('pending');
  });
});

describe('AdmissionQueue: abort', () => {
  it('an aborted waiter leaves at once, rejects with AbortError and leaves the order intact', async () => {
    const { queue, order, enqueue } = setup({ concurrency: 1 });
    const running = enqueue('run');
    const controller = new AbortController();
    enqueue('a');
    const b = enqueue('b', 'normal', { signal: controller.signal });
    enqueue('c');
    expect(queue.size).toBe(3);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    expect(queue.size).toBe(2);
    expect(queue.sizeBy('normal')).toBe(2);
    await flushMicrotasks();
    expect(b.status).toBe('rejected');
    expect(b.error).toBeInstanceOf(AbortError);
    expect((b.error as AbortError).cause).toBe(reason);
    await releaseOne(running);
    expect(order).toEqual(['run', 'a']);
  });

  it('aborting the head or tail of a level keeps the links right', async () => {
    const { queue, order, enqueue } = setup({ concurrency: 1 });
    const running = enqueue('run');
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const states = ['x', 'y', 'z'].map((label, i) =>
      enqueue(label, 'low', { signal: (controllers[i] as AbortController).signal }),
    );
    (controllers[0] as AbortController).abort();
    (controllers[2] as AbortController).abort();
    expect(queue.sizeBy('low')).toBe(1);
    const w = enqueue('w', 'low');
    await releaseOne(running);
    await releaseOne(states[1] as { value?: Permit });
    expect(order).toEqual(['run', 'y', 'w']);
    await releaseOne(w);
    expect(queue.size).toBe(0);
  });

  it('rejects at once with AbortError when the signal is already aborted, even with a free slot', async () => {
    const { queue } = setup();
    const controller = new AbortController();
    const reason = new Error('gone');
    controller.abort(reason);
    const error = await queue.acquire({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);
    expect(queue.pending).toBe(0);
  });

  it('removes its abort listener on dispatch: a later abort does not touch the permit', async () => {
    const { queue, enqueue } = setup({ concurrency: 1 });
    const running = enqueue('run');
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const waiter = enqueue('a', 'normal', { signal: controller.signal });
    await releaseOne(running);
    expect(waiter.status).toBe('fulfilled');
    expect(remove).toHaveBeenCalledTimes(1);
    controller.abort();
    expect(queue.pending).toBe(1);
    await releaseOne(waiter);
    expect(queue.pending).toBe(0);
  });
});

describe('AdmissionQueue: deadline', () => {
  it('rejects at once when the deadline is already past', async () => {
    const { queue, clock } = setup();
    await expect(queue.acquire({ deadline: clock.now() })).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(queue.acquire({ deadline: clock.now() - 1 })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(queue.pending).toBe(0);
  });

  it('a waiter whose deadline passes leaves at once with DeadlineExceededError', async () => {
    const { queue, clock, enqueue, order } = setup({ concurrency: 1 });
    const running = enqueue('run');
    const late = enqueue('late', 'high', { deadline: clock.now() + 100 });
    enqueue('other', 'low');
    await clock.advance(99);
    expect(queue.size).toBe(2);
    expect(late.status).toBe('pending');
    await clock.advance(1);
    expect(queue.size).toBe(1);
    expect(late.status).toBe('rejected');
    expect(late.error).toBeInstanceOf(DeadlineExceededError);
    await releaseOne(running);
    expect(order).toEqual(['run', 'other']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears the deadline timer on dispatch and on abort', async () => {
    const { queue, clock, enqueue } = setup({ concurrency: 1 });
    const running = enqueue('run');
    const controller = new AbortController();
    const served = enqueue('a', 'normal', { deadline: clock.now() + 1000 });
    enqueue('b', 'normal', { deadline: clock.now() + 1000, signal: controller.signal });
    expect(clock.pendingTimers).toBe(2);
    controller.abort();
    expect(clock.pendingTimers).toBe(1);
    await releaseOne(running);
    expect(served.status).toBe('fulfilled');
    expect(clock.pendingTimers).toBe(0);
    expect(queue.size).toBe(0);
  });

  it('never dispatches a waiter whose deadline passed even if its timer is late', async () => {
    // A clock whose timers never fire by themselves: the deadline check at dispatch must catch it.
    const fake = new FakeClock(0);
    const lazy: Clock = {
      now: () => fake.now(),
      setTimeout: () => ({}) as TimerHandle,
      clearTimeout: () => {},
      sleep: (ms) => fake.sleep(ms),
    };
    const queue = new AdmissionQueue({ clock: lazy, concurrency: 1 });
    const running = await queue.acquire();
    const late = track(queue.acquire({ deadline: 50 }));
    const fine = track(queue.acquire({ deadline: 500 }));
    await fake.advance(100);
    running.release();
    await flushMicrotasks();
    expect(late.error).toBeInstanceOf(DeadlineExceededError);
    expect(fine.status).toBe('fulfilled');
  });

  it('re-arms when a timer fires before the deadline (long deadlines beyond the timer limit)', async () => {
    const fake = new FakeClock(0);
    const delays: number[] = [];
    const early: Clock = {
      now: () => fake.now(),
      // Fires after half the delay, like a clamped or early timer.
      setTimeout: (fn, ms) => {
        delays.push(ms);
        return fake.setTimeout(fn, Math.ceil(ms / 2));
      },
      clearTimeout: (h) => fake.clearTimeout(h),
      sleep: (ms) => fake.sleep(ms),
    };
    const queue = new AdmissionQueue({ clock: early, concurrency: 1 });
    await queue.acquire();
    const waiter = track(queue.acquire({ deadline: 3e9 }));
    expect(delays).toEqual([2_147_483_647]);
    await fake.advance(2e9);
    expect(waiter.status).toBe('pending');
    await fake.runAll();
    expect(fake.now()).toBe(3e9);
    expect(waiter.error).toBeInstanceOf(DeadlineExceededError);
  });

  it('Infinity means no deadline', async () => {
    const { queue, clock } = setup({ concurrency: 1 });
    await queue.acquire();
    track(queue.acquire({ deadline: Number.POSITIVE_INFINITY }));
    expect(clock.pendingTimers).toBe(0);
    expect(queue.size).toBe(1);
  });
});

describe('AdmissionQueue: limits at run time', () => {
  it('raising concurrency dispatches waiting entries at once', async () => {
    const { queue, enqueue, order } = setup({ concurrency: 1 });
    enqueue('run');
    enqueue('a');
    enqueue('b', 'high');
    enqueue('c');
    queue.setLimits({ concurrency: 3 });
    expect(queue.pending).toBe(3);
    expect(queue.size).toBe(1);
    await flushMicrotasks();
    expect(order).toEqual(['run', 'b', 'a']);
  });

  it('lowering concurrency never interrupts running permits; they drain down', async () => {
    const { queue, enqueue } = setup({ concurrency: 3 });
    const running = [enqueue('a'), enqueue('b'), enqueue('c')];
    const waiter = enqueue('d');
    await flushMicrotasks();
    queue.setLimits({ concurrency: 1 });
    expect(queue.pending).toBe(3);
    await releaseOne(running[0] as { value?: Permit });
    await releaseOne(running[1] as { value?: Permit });
    expect(queue.pending).toBe(1);
    expect(waiter.status).toBe('pending');
    await releaseOne(running[2] as { value?: Permit });
    expect(waiter.status).toBe('fulfilled');
    expect(queue.pending).toBe(1);
  });

  it('validates everything before changing anything', () => {
    const { queue } = setup({ capacity: 10, concurrency: 2 });
    expect(() => queue.setLimits({ capacity: 5, concurrency: 0 })).toThrow(/concurrency.*0/);
    expect([queue.capacity, queue.concurrency]).toEqual([10, 2]);
    expect(() => queue.setLimits({ agingMs: -5 })).toThrow(/-5/);
    queue.setLimits({ capacity: 0, concurrency: 7, agingMs: 10 });
    expect([queue.capacity, queue.concurrency, queue.agingMs]).toEqual([0, 7, 10]);
  });
});

describe('AdmissionQueue: pause', () => {
  it('dispatches nothing before the pause ends; running permits are unaffected; a timer resumes', async () => {
    const { queue, clock, enqueue } = setup({ concurrency: 2 });
    const running = enqueue('run');
    await flushMicrotasks();
    queue.pauseUntil(clock.now() + 1000);
    expect(queue.pausedUntil).toBe(clock.now() + 1000);
    // Queues even though a slot is free.
    const waiter = enqueue('w');
    expect(queue.size).toBe(1);
    await releaseOne(running);
    expect(queue.pending).toBe(0);
    await clock.advance(999);
    expect(waiter.status).toBe('pending');
    await clock.advance(1);
    expect(waiter.status).toBe('fulfilled');
    expect(queue.pausedUntil).toBeUndefined();
  });

  it('a later call extends, an earlier or past one is ignored, resume() clears', async () => {
    const { queue, clock, enqueue } = setup({ concurrency: 1 });
    const start = clock.now();
    queue.pauseUntil(start + 500);
    queue.pauseUntil(start + 1000);
    queue.pauseUntil(start + 200);
    queue.pauseUntil(start - 1);
    expect(queue.pausedUntil).toBe(start + 1000);
    expect(clock.pendingTimers).toBe(1);
    const waiter = enqueue('w');
    await clock.advance(600);
    expect(waiter.status).toBe('pending');
    queue.resume();
    expect(queue.pausedUntil).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
    await flushMicrotasks();
    expect(waiter.status).toBe('fulfilled');
    queue.resume();
    expect(() => queue.pauseUntil(Number.NaN)).toThrow(InvalidRequestError);
  });

  it('a pause timer that fires early re-arms instead of dispatching before the promised time', async () => {
    const fake = new FakeClock(0);
    const early: Clock = {
      now: () => fake.now(),
      setTimeout: (fn, ms) => fake.setTimeout(fn, Math.ceil(ms / 2)),
      clearTimeout: (h) => fake.clearTimeout(h),
      sleep: (ms) => fake.sleep(ms),
    };
    const queue = new AdmissionQueue({ clock: early });
    queue.pauseUntil(1000);
    const waiter = track(queue.acquire());
    await fake.advance(999);
    expect(waiter.status).toBe('pending');
    await fake.advance(1);
    expect(waiter.status).toBe('fulfilled');
  });

  it('acquire fails full while paused when capacity entries wait', async () => {
    const { queue, clock } = setup({ capacity: 1 });
    queue.pauseUntil(clock.now() + 10);
    track(queue.acquire());
    await expect(queue.acquire()).rejects.toThrow('queue full: 1 waiting, 0 running');
  });
});

describe('AdmissionQueue: lifecycle', () => {
  it('release is idempotent', async () => {
    const { queue, enqueue } = setup({ concurrency: 1 });
    const permit = await queue.acquire();
    const a = enqueue('a');
    const b = enqueue('b');
    permit.release();
    permit.release();
    await flushMicrotasks();
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('pending');
    expect(queue.pending).toBe(1);
  });

  it('onIdle resolves at once when idle, else when nothing waits or runs', async () => {
    const { queue, enqueue } = setup({ concurrency: 1 });
    await expect(queue.onIdle()).resolves.toBeUndefined();
    const a = enqueue('a');
    const b = enqueue('b');
    const idle = track(queue.onIdle());
    await releaseOne(a);
    expect(idle.status).toBe('pending');
    await releaseOne(b);
    expect(idle.status).toBe('fulfilled');
  });

  it('onSizeLessThan resolves when the waiting count drops below the limit', async () => {
    const { queue, enqueue } = setup({ concurrency: 1 });
    await expect(queue.onSizeLessThan(1)).resolves.toBeUndefined();
    const a = enqueue('a');
    const b = enqueue('b');
    enqueue('c');
    const below2 = track(queue.onSizeLessThan(2));
    const below1 = track(queue.onSizeLessThan(1));
    await flushMicrotasks();
    expect(below2.status).toBe('pending');
    await releaseOne(a);
    expect(below2.status).toBe('fulfilled');
    expect(below1.status).toBe('pending');
    await releaseOne(b);
    expect(below1.status).toBe('fulfilled');
  });

  it('close rejects every waiter with AbortError, refuses new ones, and lets running permits finish', async () => {
    const { queue, clock, enqueue } = setup({ concurrency: 1 });
    const running = enqueue('run');
    const waiters = [enqueue('a', 'high'), enqueue('b', 'low', { deadline: clock.now() + 50 })];
    queue.pauseUntil(clock.now() + 100);
    const reason = new Error('client closed');
    queue.close(reason);
    queue.close();
    expect(queue.closed).toBe(true);
    expect(queue.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    await flushMicrotasks();
    for (const waiter of waiters) {
      expect(waiter.error).toBeInstanceOf(AbortError);
      expect((waiter.error as AbortError).cause).toBe(reason);
      expect(waiter.settles).toBe(1);
    }
    const refused = await queue.acquire().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AbortError);
    expect((refused as AbortError).cause).toBe(reason);
    expect(queue.pending).toBe(1);
    const idle = track(queue.onIdle());
    await releaseOne(running);
    expect(idle.status).toBe('fulfilled');
    queue.pauseUntil(clock.now() + 100);
    expect(queue.pausedUntil).toBeUndefined();
  });

  it('clear rejects every waiter but accepts new entries', async () => {
    const { queue, enqueue } = setup({ concurrency: 1 });
    const running = enqueue('run');
    const waiter = enqueue('a');
    queue.clear();
    await flushMicrotasks();
    expect(waiter.error).toBeInstanceOf(AbortError);
    const later = enqueue('later');
    await releaseOne(running);
    expect(later.status).toBe('fulfilled');
  });

  it('run() returns the result and releases on success and on throw', async () => {
    const { queue } = setup({ concurrency: 1 });
    await expect(queue.run(() => 42)).resolves.toBe(42);
    expect(queue.pending).toBe(0);
    await expect(
      queue.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(queue.pending).toBe(0);
    await expect(
      queue.run(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(queue.pending).toBe(0);
    await expect(queue.run(() => 1, { deadline: 0 })).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('onDispatch sees every grant with its wait and priority; a throwing observer breaks nothing', async () => {
    const seen: Array<[number, Priority, number]> = [];
    const { queue, clock, enqueue } = setup({
      concurrency: 1,
      onDispatch: (waited, priority) => {
        seen.push([waited, priority, queue.pending]);
        throw new Error('observer bug');
      },
    });
    const running = enqueue('run', 'high');
    const next = enqueue('low', 'low');
    await clock.advance(250);
    await releaseOne(running);
    expect(next.status).toBe('fulfilled');
    expect(seen).toEqual([
      [0, 'high', 1],
      [250, 'low', 1],
    ]);
  });
});
