import { describe, expect, it } from 'vitest';
import { AdmissionQueue, admitNow, isOwnRejection } from './admission-queue.js';
import { FakeClock, flushMicrotasks } from './clock.js';
import { AbortError, DeadlineExceededError, InvalidRequestError, QueueFullError } from './errors/index.js';
import type { Priority } from './request-options.js';

describe('admitNow (the pipeline’s synchronous admission)', () => {
  it('grants a free slot, says "wait" when slots are busy, and throws what acquire would reject with', () => {
    const clock = new FakeClock(100);
    const queue = new AdmissionQueue({ concurrency: 1, capacity: 1, clock });
    const permit = admitNow(queue, undefined);
    expect(permit).toBeDefined();
    expect(queue.pending).toBe(1);
    expect(admitNow(queue, { priority: 'high' })).toBeUndefined();
    expect(queue.size).toBe(0); // it never queues
    void queue.acquire();
    let full: unknown;
    try {
      admitNow(queue, {});
    } catch (error) {
      full = error;
    }
    expect(full).toBeInstanceOf(QueueFullError);
    expect(isOwnRejection(full)).toBe(true);
    expect(isOwnRejection(new QueueFullError('made elsewhere'))).toBe(false);
    expect(isOwnRejection(undefined)).toBe(false);
    expect(() => admitNow(queue, { priority: 'urgent' as Priority })).toThrow(InvalidRequestError);
    expect(() => admitNow(queue, { deadline: 50 })).toThrow(DeadlineExceededError);
    const aborted = new AbortController();
    aborted.abort();
    expect(() => admitNow(queue, { signal: aborted.signal })).toThrow(AbortError);
    permit?.release();
    queue.close();
    expect(() => admitNow(queue, {})).toThrow(AbortError);
  });

  it('says "wait" rather than refusing when shedding a lower entry would make room', () => {
    const queue = new AdmissionQueue({ concurrency: 1, capacity: 1, overflow: 'shed-lowest' });
    queue.tryAcquire();
    const low = queue.acquire({ priority: 'low' }).catch((e: unknown) => e);
    expect(admitNow(queue, { priority: 'high' })).toBeUndefined();
    expect(queue.sizeBy('low')).toBe(1); // nothing shed yet: acquire() does that
    expect(() => admitNow(queue, { priority: 'low' })).toThrow(QueueFullError);
    void queue.acquire({ priority: 'high' });
    return expect(low).resolves.toBeInstanceOf(QueueFullError);
  });
});

describe('run() with queued tasks', () => {
  it('runs each task once its turn comes, by priority, with its result or error, never beyond concurrency', async () => {
    const queue = new AdmissionQueue({ concurrency: 1, capacity: 10 });
    const order: string[] = [];
    let running = 0;
    let peak = 0;
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const task = (name: string, result: () => unknown) => async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(name);
      await flushMicrotasks();
      running--;
      return result();
    };
    const first = queue.run(() => gate.then(() => 'first'));
    const low = queue.run(
      task('low', () => 'low'),
      { priority: 'low' },
    );
    const failing = queue.run(
      task('failing', () => {
        throw new Error('boom');
      }),
    );
    const sync = queue.run(
      () => {
        order.push('sync-throw');
        throw new Error('sync');
      },
      { priority: 'high' },
    );
    const high = queue.run(
      task('high', () => 'high'),
      { priority: 'high' },
    );
    expect(queue.size).toBe(4);
    open();
    await expect(first).resolves.toBe('first');
    await expect(sync).rejects.toThrow('sync');
    await expect(high).resolves.toBe('high');
    await expect(failing).rejects.toThrow('boom');
    await expect(low).resolves.toBe('low');
    expect(order).toEqual(['sync-throw', 'high', 'failing', 'low']);
    expect(peak).toBe(1);
    expect(queue.pending).toBe(0);
  });

  it('rejects a queued task that is cleared, and never runs it', async () => {
    const queue = new AdmissionQueue({ concurrency: 1 });
    queue.tryAcquire();
    let ran = false;
    const waiting = queue.run(() => {
      ran = true;
    });
    queue.clear('gone');
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(ran).toBe(false);
  });
});
