import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batcher, type BatcherOptions, DEFAULT_BATCHER_OPTIONS } from './batcher.js';
import { FakeClock, flushMicrotasks } from './clock.js';
import { AbortError, InvalidRequestError, ResponseFormatError } from './errors/index.js';

interface Call<I> {
  items: I[];
  signal: AbortSignal;
}

/** A batcher over a FakeClock whose execute records its calls and doubles numbers by default. */
function setup(
  options: Partial<BatcherOptions<number, number>> = {},
  execute: BatcherOptions<number, number>['execute'] = async (items) => items.map((n) => n * 2),
) {
  const clock = new FakeClock();
  const calls: Call<number>[] = [];
  const batcher = new Batcher<number, number>({
    clock,
    ...options,
    execute: (items, context) => {
      calls.push({ items: [...items], signal: context.signal });
      return execute(items, context);
    },
  });
  return { clock, calls, batcher };
}

/** Records how a promise settled, without letting an expected rejection go unhandled. */
function track<T>(promise: Promise<T>) {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = {
    status: 'pending',
  };
  promise.then(
    (value) => Object.assign(state, { status: 'fulfilled', value }),
    (error: unknown) => Object.assign(state, { status: 'rejected', error }),
  );
  return state;
}

describe('Batcher', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_BATCHER_OPTIONS).toEqual({ maxSize: 16, maxWaitMs: 10 });
  });

  it('flushes a lone item exactly maxWaitMs after it was added, not before', async () => {
    const { clock, calls, batcher } = setup();
    const result = track(batcher.add(21));
    expect(batcher.pendingItems).toBe(1);
    await clock.advance(9);
    expect(calls).toHaveLength(0);
    expect(result.status).toBe('pending');
    await clock.advance(1);
    expect(calls.map((c) => c.items)).toEqual([[21]]);
    expect(result).toEqual({ status: 'fulfilled', value: 42 });
    expect(batcher.pendingItems).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('counts the wait from the first item of the batch, not the last', async () => {
    const { clock, calls, batcher } = setup({ maxWaitMs: 50 });
    const a = track(batcher.add(1));
    await clock.advance(30);
    const b = track(batcher.add(2));
    await clock.advance(19);
    expect(calls).toHaveLength(0);
    await clock.advance(1);
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    expect([a.value, b.value]).toEqual([2, 4]);
  });

  it('sends a full batch at once and clears its timer', async () => {
    const { clock, calls, batcher } = setup({ maxSize: 3 });
    const results = [1, 2, 3].map((n) => batcher.add(n));
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    expect(clock.pendingTimers).toBe(0);
    expect(batcher.pendingItems).toBe(0);
    await expect(Promise.all(results)).resolves.toEqual([2, 4, 6]);
  });

  it('starts a new batch, with its own timer, after a size flush', async () => {
    const { clock, calls, batcher } = setup({ maxSize: 2, maxWaitMs: 10 });
    const results = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(batcher.pendingItems).toBe(1);
    await clock.advance(10);
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
    await expect(Promise.all(results)).resolves.toEqual([2, 4, 6, 8, 10]);
  });

  it('never mixes keys in one batch, and times each key separately', async () => {
    const { clock, calls, batcher } = setup({ maxSize: 2, key: (n) => (n % 2 === 0 ? 'even' : 'odd') });
    const results = [1, 2, 3].map((n) => batcher.add(n));
    // 1 and 3 fill the odd batch; 2 waits alone.
    expect(calls.map((c) => c.items)).toEqual([[1, 3]]);
    await clock.advance(5);
    const late = batcher.add(5);
    await clock.advance(5);
    expect(calls.map((c) => c.items)).toEqual([[1, 3], [2]]);
    await clock.advance(5);
    expect(calls.map((c) => c.items)).toEqual([[1, 3], [2], [5]]);
    await expect(Promise.all([...results, late])).resolves.toEqual([2, 4, 6, 10]);
  });

  it('fails only the item whose result is an Error', async () => {
    const boom = new Error('item 1 rejected');
    const { clock, batcher } = setup({}, async (items) => items.map((n) => (n === 1 ? boom : n * 2)));
    const results = [0, 1, 2].map((n) => track(batcher.add(n)));
    await clock.advance(10);
    expect(results).toEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'rejected', error: boom },
      { status: 'fulfilled', value: 4 },
    ]);
  });

  it('fails every item of the batch when execute rejects, and only that batch', async () => {
    const failure = new Error('HTTP 500');
    const { clock, batcher } = setup({ key: (n) => (n < 10 ? 'a' : 'b') }, async (items) => {
      if (items.includes(1)) throw failure;
      return items.map((n) => n * 2);
    });
    const a = [1, 2].map((n) => track(batcher.add(n)));
    const b = track(batcher.add(10));
    await clock.advance(10);
    expect(a.map((r) => r.error)).toEqual([failure, failure]);
    expect(b).toEqual({ status: 'fulfilled', value: 20 });
  });

  it('fails every item when execute throws synchronously', async () => {
    const failure = new TypeError('bad input');
    const { clock, batcher } = setup({}, () => {
      throw failure;
    });
    const results = [1, 2].map((n) => track(batcher.add(n)));
    await clock.advance(10);
    expect(results.map((r) => r.error)).toEqual([failure, failure]);
  });

  it('rejects the missing items of a short result array with ResponseFormatError', async () => {
    const { clock, batcher } = setup({}, async (items) => items.slice(0, 1).map((n) => n * 2));
    const results = [1, 2, 3].map((n) => track(batcher.add(n)));
    await clock.advance(10);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    for (const r of results.slice(1)) {
      expect(r.status).toBe('rejected');
      expect(r.error).toBeInstanceOf(ResponseFormatError);
      expect((r.error as Error).message).toMatch(/3 items got 1 results/);
    }
  });

  it('rejects every item when the result array is too long or not an array', async () => {
    const long = setup({}, async (items) => [...items, 99]);
    const longResults = [1, 2].map((n) => track(long.batcher.add(n)));
    await long.clock.advance(10);
    expect(longResults.every((r) => r.error instanceof ResponseFormatError)).toBe(true);

    const notArray = setup({}, async () => ({ data: [] }) as unknown as number[]);
    const result = track(notArray.batcher.add(1));
    await notArray.clock.advance(10);
    expect(result.error).toBeInstanceOf(ResponseFormatError);
  });

  it('withdraws an item aborted before its batch is sent', async () => {
    const { clock, calls, batcher } = setup();
    const controller = new AbortController();
    const aborted = track(batcher.add(1, { signal: controller.signal }));
    const kept = track(batcher.add(2));
    controller.abort(new Error('user cancelled'));
    await flushMicrotasks();
    expect(aborted.status).toBe('rejected');
    expect(aborted.error).toBeInstanceOf(AbortError);
    expect((aborted.error as AbortError).cause).toEqual(new Error('user cancelled'));
    expect(batcher.pendingItems).toBe(1);
    await clock.advance(10);
    expect(calls.map((c) => c.items)).toEqual([[2]]);
    expect(kept).toEqual({ status: 'fulfilled', value: 4 });
  });

  it('does not execute a batch emptied by aborts, and drops its timer', async () => {
    const { clock, calls, batcher } = setup();
    const controller = new AbortController();
    const result = track(batcher.add(1, { signal: controller.signal }));
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    expect(clock.pendingTimers).toBe(0);
    expect(batcher.pendingItems).toBe(0);
    await clock.advance(100);
    await batcher.flush();
    expect(calls).toHaveLength(0);
    expect(result.error).toBeInstanceOf(AbortError);
  });

  it('rejects at once an item whose signal is already aborted', async () => {
    const { clock, calls, batcher } = setup();
    await expect(batcher.add(1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(batcher.pendingItems).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(10);
    expect(calls).toHaveLength(0);
  });

  it('rejects an item aborted after its batch was sent, and aborts the batch when nobody waits', async () => {
    let finish: ((value: number[]) => void) | undefined;
    const { clock, calls, batcher } = setup(
      {},
      () =>
        new Promise<number[]>((resolve) => {
          finish = resolve;
        }),
    );
    const c1 = new AbortController();
    const c2 = new AbortController();
    const r1 = track(batcher.add(1, { signal: c1.signal }));
    const r2 = track(batcher.add(2, { signal: c2.signal }));
    await clock.advance(10);
    expect(calls).toHaveLength(1);
    c1.abort();
    await flushMicrotasks();
    expect(r1.error).toBeInstanceOf(AbortError);
    expect(calls[0]?.signal.aborted).toBe(false);
    c2.abort();
    await flushMicrotasks();
    expect(r2.error).toBeInstanceOf(AbortError);
    expect(calls[0]?.signal.aborted).toBe(true);
    // A late result changes nothing: each add settled once.
    finish?.([2, 4]);
    await flushMicrotasks();
    expect(r1.error).toBeInstanceOf(AbortError);
    expect(r2.error).toBeInstanceOf(AbortError);
  });

  it('delivers the others when one item of a sent batch aborts', async () => {
    let finish: ((value: number[]) => void) | undefined;
    const { clock, calls, batcher } = setup(
      {},
      () =>
        new Promise<number[]>((resolve) => {
          finish = resolve;
        }),
    );
    const controller = new AbortController();
    const r1 = track(batcher.add(1, { signal: controller.signal }));
    const r2 = track(batcher.add(2));
    await clock.advance(10);
    controller.abort();
    finish?.([2, 4]);
    await flushMicrotasks();
    expect(r1.error).toBeInstanceOf(AbortError);
    expect(r2).toEqual({ status: 'fulfilled', value: 4 });
    expect(calls[0]?.signal.aborted).toBe(false);
  });

  it('flush sends pending batches now and waits for them', async () => {
    const { clock, calls, batcher } = setup({ key: (n) => String(n % 2) });
    const results = [1, 2, 3].map((n) => track(batcher.add(n)));
    await batcher.flush();
    expect(clock.now()).toBe(0);
    expect(calls.map((c) => c.items)).toEqual([[1, 3], [2]]);
    expect(results.map((r) => r.value)).toEqual([2, 4, 6]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('close sends what is pending, then refuses new items', async () => {
    const { calls, batcher } = setup();
    const pending = track(batcher.add(5));
    await batcher.close();
    expect(calls.map((c) => c.items)).toEqual([[5]]);
    expect(pending).toEqual({ status: 'fulfilled', value: 10 });
    await expect(batcher.add(6)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(batcher.close()).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('close waits for a batch already in flight', async () => {
    let finish: ((value: number[]) => void) | undefined;
    const { clock, batcher } = setup(
      { maxSize: 1 },
      () =>
        new Promise<number[]>((resolve) => {
          finish = resolve;
        }),
    );
    const result = track(batcher.add(1));
    const closed = track(batcher.close());
    await clock.advance(0);
    expect(closed.status).toBe('pending');
    finish?.([7]);
    await flushMicrotasks();
    expect(closed.status).toBe('fulfilled');
    expect(result.value).toBe(7);
  });

  it('rejects an item whose key function throws', async () => {
    const failure = new Error('no model');
    const { batcher } = setup({
      key: () => {
        throw failure;
      },
    });
    await expect(batcher.add(1)).rejects.toBe(failure);
    expect(batcher.pendingItems).toBe(0);
  });

  it.each([
    [{ maxSize: 0 }, /maxSize.*0/],
    [{ maxSize: 2.5 }, /maxSize.*2\.5/],
    [{ maxWaitMs: -1 }, /maxWaitMs.*-1/],
    [{ maxWaitMs: Number.NaN }, /maxWaitMs.*NaN/],
    [{ key: 'model' as unknown as (n: number) => string }, /key must be a function/],
    [
      { execute: undefined as unknown as BatcherOptions<number, number>['execute'] },
      /execute must be a function/,
    ],
  ])('rejects invalid options %o', (options, message) => {
    const make = () => new Batcher<number, number>({ execute: async () => [], ...options });
    expect(make).toThrow(InvalidRequestError);
    expect(make).toThrow(message);
  });

  it('property: every add settles exactly once, each item sent at most once, no batch empty or oversized', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.constantFrom('a', 'b'),
            gap: fc.nat(15),
            abortAfter: fc.option(fc.nat(25), { nil: undefined }),
            outcome: fc.constantFrom('ok', 'error', 'batch-fail', 'short'),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 1, max: 5 }),
        async (ops, maxSize) => {
          const clock = new FakeClock();
          const sent: number[] = [];
          const batches: number[][] = [];
          const batcher = new Batcher<number, number>({
            clock,
            maxSize,
            maxWaitMs: 10,
            key: (i) => ops[i]?.key ?? '',
            execute: async (items) => {
              batches.push(items);
              sent.push(...items);
              await clock.sleep(3);
              if (items.some((i) => ops[i]?.outcome === 'batch-fail')) throw new Error('batch failed');
              const results = items.map((i) => (ops[i]?.outcome === 'error' ? new Error(`item ${i}`) : i));
              return items.some((i) => ops[i]?.outcome === 'short') ? results.slice(0, -1) : results;
            },
          });
          const settlements = ops.map(() => 0);
          const all: Promise<unknown>[] = [];
          for (const [i, op] of ops.entries()) {
            const controller = new AbortController();
            if (op.abortAfter !== undefined) clock.setTimeout(() => controller.abort(), op.abortAfter);
            all.push(
              batcher.add(i, { signal: controller.signal }).then(
                () => settlements[i]!++,
                () => settlements[i]!++,
              ),
            );
            await clock.advance(op.gap);
          }
          await clock.runAll();
          await batcher.close();
          await Promise.all(all);
          expect(settlements.every((n) => n === 1)).toBe(true);
          expect(new Set(sent).size).toBe(sent.length);
          expect(batches.every((b) => b.length >= 1 && b.length <= maxSize)).toBe(true);
          expect(batches.every((b) => b.every((i) => ops[i]?.key === ops[b[0]!]?.key))).toBe(true);
          expect(batcher.pendingItems).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
