import { describe, expect, it, vi } from 'vitest';
import { FakeClock, systemClock } from './clock.js';

describe('FakeClock', () => {
  it('fires timers in time order, same-time timers in the order set', async () => {
    const clock = new FakeClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@20'), 20);
    const cleared = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cleared);
    expect(clock.pendingTimers).toBe(3);
    expect(clock.nextTimerAt()).toBe(110);
    await clock.advance(19);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(119);
    await clock.advance(1);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('lets promise chains run between timers, so sleeps after sleeps resolve in one advance', async () => {
    const clock = new FakeClock();
    const log: number[] = [];
    const chain = (async () => {
      await clock.sleep(100);
      log.push(clock.now());
      await clock.sleep(50);
      log.push(clock.now());
    })();
    await clock.advance(150);
    await chain;
    expect(log).toEqual([100, 150]);
  });

  it('advanceSync fires due timers without letting promises run', () => {
    const clock = new FakeClock();
    const fn = vi.fn();
    clock.setTimeout(fn, 5);
    clock.advanceSync(4);
    expect(fn).not.toHaveBeenCalled();
    clock.advanceSync(1);
    expect(fn).toHaveBeenCalledOnce();
    expect(clock.now()).toBe(5);
  });

  it('runAll jumps to every timer, including ones set by timers, and stops runaway loops', async () => {
    const clock = new FakeClock();
    let n = 0;
    const tick = () => {
      n++;
      if (n < 3) clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    await clock.runAll();
    expect(n).toBe(3);
    expect(clock.now()).toBe(3000);
    const forever = () => clock.setTimeout(forever, 1);
    forever();
    await expect(clock.runAll(50)).rejects.toThrow(/more than 50 timers/);
  });

  it('sleep rejects at once with the abort reason and clears its timer', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
    await expect(clock.sleep(10, controller.signal)).rejects.toThrow('stop');
    const bare = new AbortController();
    bare.abort();
    await expect(clock.sleep(10, bare.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('treats negative and non-finite delays as zero', async () => {
    const clock = new FakeClock();
    const fn = vi.fn();
    clock.setTimeout(fn, -5);
    clock.setTimeout(fn, Number.NaN);
    await clock.advance(0);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('systemClock', () => {
  it('reads epoch milliseconds that never run backwards', () => {
    const a = systemClock.now();
    const b = systemClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(60_000);
  });

  it('sleeps on real timers and can be aborted', async () => {
    await systemClock.sleep(0);
    const controller = new AbortController();
    const pending = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });

  it('chains timers longer than Node allows instead of firing them after 1 ms', () => {
    vi.useFakeTimers();
    try {
      const fn = vi.fn();
      const handle = systemClock.setTimeout(fn, 2 ** 31 + 10);
      vi.advanceTimersByTime(2 ** 31 - 1);
      expect(fn).not.toHaveBeenCalled();
      vi.advanceTimersByTime(11);
      expect(fn).toHaveBeenCalledOnce();
      const other = vi.fn();
      const h2 = systemClock.setTimeout(other, 2 ** 31 + 10);
      systemClock.clearTimeout(h2);
      vi.advanceTimersByTime(2 ** 32);
      expect(other).not.toHaveBeenCalled();
      systemClock.clearTimeout(handle);
    } finally {
      vi.useRealTimers();
    }
  });
});
