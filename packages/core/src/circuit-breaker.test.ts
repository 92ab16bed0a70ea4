import { describe, expect, it } from 'vitest';
import {
  type BreakerOptions,
  type BreakerStateChange,
  type BreakerTicket,
  CircuitBreaker,
  DEFAULT_BREAKER_OPTIONS,
} from './circuit-breaker.js';
import { FakeClock } from './clock.js';
import { CircuitOpenError, InvalidRequestError } from './errors/index.js';

function setup(options: BreakerOptions = {}) {
  const clock = new FakeClock(1_000_000);
  const breaker = new CircuitBreaker({ clock, name: 'lane-a', ...options });
  const events: BreakerStateChange[] = [];
  breaker.onStateChange((e) => events.push(e));
  const fail = (n = 1) => {
    for (let i = 0; i < n; i++) breaker.acquire().failure();
  };
  const succeed = (n = 1) => {
    for (let i = 0; i < n; i++) breaker.acquire().success();
  };
  return { clock, breaker, events, fail, succeed };
}

function openError(fn: () => unknown): CircuitOpenError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CircuitOpenError);
    return error as CircuitOpenError;
  }
  throw new Error('expected CircuitOpenError');
}

describe('CircuitBreaker: consecutive failures', () => {
  it('uses the documented defaults', () => {
    expect(DEFAULT_BREAKER_OPTIONS).toEqual({
      consecutiveFailures: 5,
      openMs: 30_000,
      halfOpenProbes: 1,
      probeTimeoutMs: 30_000,
    });
    const { breaker, fail, clock } = setup();
    fail(5);
    expect(breaker.state).toBe('open');
    clock.advanceSync(29_999);
    expect(breaker.state).toBe('open');
    clock.advanceSync(1);
    expect(breaker.state).toBe('half-open');
  });

  it('stays closed after 4 failures and opens on the 5th', () => {
    const { breaker, fail, events, clock } = setup();
    fail(4);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(4);
    fail(1);
    expect(breaker.state).toBe('open');
    expect(events).toEqual([{ from: 'closed', to: 'open', reason: 'consecutive-failures', at: clock.now() }]);
    expect(breaker.snapshot().trips).toBe(1);
  });

  it('resets the streak on a success', () => {
    const { breaker, fail, succeed } = setup();
    fail(4);
    succeed();
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    fail(4);
    expect(breaker.state).toBe('closed');
    fail(1);
    expect(breaker.state).toBe('open');
  });

  it('never opens on failures when consecutiveFailures is Infinity', () => {
    const { breaker, fail } = setup({ consecutiveFailures: Number.POSITIVE_INFINITY });
    fail(1000);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(1000);
  });

  it('counts a ticket once, whatever is called after the first report', () => {
    const { breaker } = setup({ consecutiveFailures: 2 });
    const ticket = breaker.acquire();
    ticket.failure();
    ticket.failure();
    ticket.success();
    expect(breaker.snapshot().consecutiveFailures).toBe(1);
    const other = breaker.acquire();
    other.ignore();
    other.failure();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(1);
  });

  it('gives tickets whose methods work when detached', () => {
    const { breaker } = setup({ consecutiveFailures: 1 });
    const { failure } = breaker.acquire();
    failure();
    expect(breaker.state).toBe('open');
  });
});

describe('CircuitBreaker: failure ratio over a count window', () => {
  const ratio = (size: number, minimumCalls: number, threshold = 0.5): BreakerOptions => ({
    consecutiveFailures: Number.POSITIVE_INFINITY,
    failureRatio: { threshold, minimumCalls, window: { kind: 'count', size } },
  });

  it('stays silent below minimumCalls, then opens at the threshold', () => {
    const { breaker, fail, events } = setup(ratio(10, 4));
    fail(3);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 3, windowFailures: 3 });
    fail(1);
    expect(breaker.state).toBe('open');
    expect(events[0]?.reason).toBe('failure-ratio');
  });

  it('opens at exactly failures/calls == threshold, not below', () => {
    const { breaker, fail, succeed } = setup(ratio(10, 10, 0.3));
    succeed(7);
    fail(2);
    expect(breaker.state).toBe('closed'); // 9 calls < minimumCalls
    fail(1); // 3/10 = 0.3
    expect(breaker.state).toBe('open');
  });

  it('also evaluates on a success that brings the window to minimumCalls', () => {
    const { breaker, fail, succeed } = setup(ratio(10, 4));
    fail(3);
    succeed(); // 3/4 >= 0.5 once the minimum is met
    expect(breaker.state).toBe('open');
  });

  it('forgets the oldest outcome once the ring is full', () => {
    const { breaker, fail, succeed } = setup(ratio(4, 4));
    succeed(3);
    fail(1); // [S S S F] = 0.25
    expect(breaker.state).toBe('closed');
    fail(1); // [S S F F] = 0.5; without eviction it would be 2/5
    expect(breaker.state).toBe('open');
  });

  it('subtracts an evicted failure', () => {
    const { breaker, fail, succeed } = setup(ratio(4, 4));
    fail(1);
    succeed(4); // the failure leaves the ring
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 4, windowFailures: 0 });
    fail(1); // [S S S F] = 0.25
    expect(breaker.state).toBe('closed');
    fail(1); // [S S F F] = 0.5
    expect(breaker.state).toBe('open');
  });

  it('keeps at most size calls in the window', () => {
    const { breaker, succeed } = setup(ratio(4, 2));
    succeed(9);
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 4, windowFailures: 0 });
  });

  it('does not count ignored calls', () => {
    const { breaker, fail } = setup(ratio(10, 3));
    fail(2);
    for (let i = 0; i < 5; i++) breaker.acquire().ignore();
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 2, windowFailures: 2 });
    expect(breaker.state).toBe('closed');
  });

  it('clears the window when the breaker closes again', () => {
    const { breaker, fail, clock } = setup({ ...ratio(10, 4), openMs: 1000 });
    fail(4);
    clock.advanceSync(1000);
    breaker.acquire().success();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 0, windowFailures: 0 });
    fail(1);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreaker: failure ratio over a time window', () => {
  const timeRatio = (minimumCalls: number, threshold = 0.5): BreakerOptions => ({
    consecutiveFailures: Number.POSITIVE_INFINITY,
    failureRatio: { threshold, minimumCalls, window: { kind: 'time', durationMs: 10_000, buckets: 10 } },
  });

  it('evicts buckets as time advances', () => {
    const { breaker, fail, succeed, clock } = setup(timeRatio(4));
    fail(2); // bucket of t0
    clock.advanceSync(5_000);
    succeed(); // 3 calls, 2 failures
    clock.advanceSync(4_999);
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 3, windowFailures: 2 });
    clock.advanceSync(1); // t0 + 10 s: the first bucket leaves the window
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 1, windowFailures: 0 });
    fail(2);
    expect(breaker.state).toBe('closed'); // 3 calls < 4; without eviction 5 calls 4 failures would open
    fail(1); // 4 calls, 3 failures
    expect(breaker.state).toBe('open');
  });

  it('clears everything after a gap longer than the window', () => {
    const { breaker, fail, clock } = setup(timeRatio(4));
    fail(3);
    clock.advanceSync(60_000);
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 0, windowFailures: 0 });
    fail(3);
    expect(breaker.state).toBe('closed');
    fail(1);
    expect(breaker.state).toBe('open');
  });

  it('starts empty again after the breaker recovers', () => {
    const { breaker, fail, clock } = setup({ ...timeRatio(2), openMs: 100 });
    fail(2);
    expect(breaker.state).toBe('open');
    clock.advanceSync(100); // still inside the 10 s window
    breaker.acquire().success();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', windowCalls: 0, windowFailures: 0 });
    fail(1);
    expect(breaker.state).toBe('closed');
  });

  it('defaults to 10 buckets', () => {
    const { breaker, fail, clock } = setup({
      consecutiveFailures: Number.POSITIVE_INFINITY,
      failureRatio: { threshold: 1, minimumCalls: 5, window: { kind: 'time', durationMs: 1000 } },
    });
    fail(1);
    clock.advanceSync(100); // next 100 ms bucket
    fail(1);
    clock.advanceSync(900); // the first bucket is gone, the second is not
    expect(breaker.snapshot()).toMatchObject({ windowCalls: 1, windowFailures: 1 });
  });
});

describe('CircuitBreaker: open and half-open', () => {
  it('moves to half-open exactly at openMs, and reports the time left while open', () => {
    const { breaker, fail, clock, events } = setup({ openMs: 10_000, consecutiveFailures: 1 });
    fail();
    const openedAt = clock.now();
    clock.advanceSync(2_500);
    expect(breaker.canPass()).toBe(false);
    expect(breaker.retryAfterMs()).toBe(7_500);
    const error = openError(() => breaker.acquire());
    expect(error.retryAfterMs).toBe(7_500);
    expect(error.message).toBe('circuit open for lane lane-a; retry in 7500 ms');
    clock.advanceSync(7_499);
    expect(breaker.retryAfterMs()).toBe(1);
    expect(breaker.state).toBe('open');
    clock.advanceSync(1);
    expect(breaker.canPass()).toBe(true);
    expect(breaker.retryAfterMs()).toBe(0);
    expect(breaker.state).toBe('half-open');
    expect(events.map((e) => [e.from, e.to, e.reason, e.at])).toEqual([
      ['closed', 'open', 'consecutive-failures', openedAt],
      ['open', 'half-open', 'open-elapsed', openedAt + 10_000],
    ]);
    expect(breaker.snapshot()).toMatchObject({ openedAt, halfOpenAt: openedAt + 10_000 });
  });

  it('rounds a fractional wait up and never reports less than 1 ms', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000, consecutiveFailures: 1 });
    fail();
    clock.advanceSync(0.5);
    expect(breaker.retryAfterMs()).toBe(1000); // 999.5 left
    expect(openError(() => breaker.acquire()).retryAfterMs).toBe(1000);
    clock.advanceSync(999.25);
    expect(breaker.retryAfterMs()).toBe(1); // 0.25 left
  });

  it('leaves the lane out of the message when the breaker has no name', () => {
    const clock = new FakeClock();
    const unnamed = new CircuitBreaker({ clock, consecutiveFailures: 1 });
    unnamed.acquire().failure();
    expect(openError(() => unnamed.acquire()).message).toBe('circuit open; retry in 30000 ms');
  });

  it('dates a lazily observed transition when it became due', () => {
    const { breaker, fail, clock, events } = setup({ openMs: 1000, consecutiveFailures: 1 });
    fail();
    const openedAt = clock.now();
    clock.advanceSync(50_000);
    expect(events).toHaveLength(1); // nobody looked yet
    expect(breaker.snapshot().halfOpenAt).toBe(openedAt + 1000);
    expect(events[1]).toEqual({ from: 'open', to: 'half-open', reason: 'open-elapsed', at: openedAt + 1000 });
  });

  it('closes after one probe success by default; a probe failure re-opens', () => {
    const { breaker, fail, clock, events } = setup({ openMs: 1000, consecutiveFailures: 2 });
    fail(2);
    clock.advanceSync(1000);
    breaker.acquire().failure();
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot()).toMatchObject({ trips: 2, openedAt: clock.now(), openDurationMs: 1000 });
    clock.advanceSync(1000);
    breaker.acquire().success();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ consecutiveFailures: 0, trips: 2 });
    expect(events.map((e) => e.reason)).toEqual([
      'consecutive-failures',
      'open-elapsed',
      'probe-failed',
      'open-elapsed',
      'probes-succeeded',
    ]);
    // A closed breaker starts a fresh streak.
    fail(1);
    expect(breaker.state).toBe('closed');
  });

  it('admits at most halfOpenProbes probes; the rest fail fast with the oldest probe timeout', () => {
    const { breaker, fail, clock } = setup({
      openMs: 1000,
      consecutiveFailures: 1,
      halfOpenProbes: 2,
      probeTimeoutMs: 5000,
    });
    fail();
    clock.advanceSync(1000);
    const first = breaker.acquire();
    clock.advanceSync(300);
    const second = breaker.acquire();
    expect(breaker.snapshot().probesInFlight).toBe(2);
    clock.advanceSync(200);
    expect(breaker.canPass()).toBe(false);
    expect(breaker.retryAfterMs()).toBe(4500); // the first probe times out 5000 ms after it started
    const error = openError(() => breaker.acquire());
    expect(error.retryAfterMs).toBe(4500);
    expect(error.message).toBe(
      'circuit half-open with all 2 probe slots busy for lane lane-a; retry in 4500 ms',
    );
    // successesToClose defaults to halfOpenProbes: one success is not enough.
    first.success();
    expect(breaker.state).toBe('half-open');
    expect(breaker.canPass()).toBe(true);
    second.success();
    expect(breaker.state).toBe('closed');
  });

  it('reports the next probe timeout once the oldest probe has reported', () => {
    const { breaker, fail, clock } = setup({
      openMs: 1000,
      consecutiveFailures: 1,
      halfOpenProbes: 2,
      successesToClose: 3,
      probeTimeoutMs: 5000,
    });
    fail();
    clock.advanceSync(1000);
    const first = breaker.acquire();
    clock.advanceSync(300);
    breaker.acquire();
    first.success();
    breaker.acquire(); // the freed slot
    expect(breaker.retryAfterMs()).toBe(5000);
  });

  it('starts counting probe successes afresh in each half-open period', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000, consecutiveFailures: 1, successesToClose: 2 });
    fail();
    clock.advanceSync(1000);
    breaker.acquire().success();
    breaker.acquire().failure();
    clock.advanceSync(1000);
    breaker.acquire().success();
    expect(breaker.state).toBe('half-open');
    breaker.acquire().success();
    expect(breaker.state).toBe('closed');
  });

  it('honours successesToClose greater than the probe count, one probe at a time', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000, consecutiveFailures: 1, successesToClose: 3 });
    fail();
    clock.advanceSync(1000);
    breaker.acquire().success();
    breaker.acquire().success();
    expect(breaker.state).toBe('half-open');
    breaker.acquire().success();
    expect(breaker.state).toBe('closed');
  });

  it('counts a probe that has not reported within probeTimeoutMs as failed', () => {
    const { breaker, fail, clock, events } = setup({
      openMs: 1000,
      consecutiveFailures: 1,
      probeTimeoutMs: 5000,
    });
    fail();
    clock.advanceSync(1000);
    const hung = breaker.acquire();
    const probeStart = clock.now();
    clock.advanceSync(4999);
    expect(breaker.state).toBe('half-open');
    expect(breaker.retryAfterMs()).toBe(1);
    clock.advanceSync(1);
    expect(breaker.state).toBe('open');
    expect(events.at(-1)).toEqual({
      from: 'half-open',
      to: 'open',
      reason: 'probe-timeout',
      at: probeStart + 5000,
    });
    hung.success(); // too late: it already counted as a failure
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot()).toMatchObject({ trips: 2, openedAt: probeStart + 5000 });
  });

  it('reopens at the probe deadline even when nobody looked until much later', () => {
    const { breaker, fail, clock, events } = setup({
      openMs: 1000,
      consecutiveFailures: 1,
      probeTimeoutMs: 5000,
    });
    fail();
    clock.advanceSync(1000);
    const probeStart = clock.now();
    const hung = breaker.acquire();
    clock.advanceSync(6000); // the timeout (+5000) and the next open period (+1000) have both passed
    hung.success(); // a stale report must not close the breaker
    expect(breaker.state).toBe('half-open');
    expect(events.slice(-2).map((e) => [e.to, e.reason, e.at])).toEqual([
      ['open', 'probe-timeout', probeStart + 5000],
      ['half-open', 'open-elapsed', probeStart + 6000],
    ]);
    expect(breaker.canPass()).toBe(true);
  });

  it('times out a probe on acquire, freeing the lane for the next open period', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000, consecutiveFailures: 1, probeTimeoutMs: 2000 });
    fail();
    clock.advanceSync(1000);
    breaker.acquire();
    clock.advanceSync(2000);
    const error = openError(() => breaker.acquire());
    expect(error.retryAfterMs).toBe(1000);
  });
});

describe('CircuitBreaker: open growth', () => {
  it('multiplies the open duration on each failed recovery, caps it, and resets when closed', () => {
    const { breaker, fail, clock } = setup({
      openMs: 1000,
      consecutiveFailures: 1,
      openGrowth: { factor: 2, maxMs: 3000 },
    });
    const openFor = () => {
      const d = breaker.snapshot().openDurationMs;
      clock.advanceSync(d - 1);
      expect(breaker.state).toBe('open');
      clock.advanceSync(1);
      expect(breaker.state).toBe('half-open');
      return d;
    };
    fail();
    expect(openFor()).toBe(1000);
    breaker.acquire().failure();
    expect(openFor()).toBe(2000);
    breaker.acquire().failure();
    expect(openFor()).toBe(3000); // 4000 capped
    breaker.acquire().failure();
    expect(openFor()).toBe(3000);
    breaker.acquire().success();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().openDurationMs).toBe(1000);
    fail();
    expect(openFor()).toBe(1000);
  });

  it('also grows on a probe timeout, and reset() restores openMs', () => {
    const { breaker, fail, clock } = setup({
      openMs: 1000,
      consecutiveFailures: 1,
      probeTimeoutMs: 100,
      openGrowth: { factor: 3, maxMs: 60_000 },
    });
    fail();
    clock.advanceSync(1000);
    breaker.acquire();
    clock.advanceSync(100);
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openDurationMs: 3000 });
    breaker.reset();
    expect(breaker.snapshot().openDurationMs).toBe(1000);
  });

  it('keeps the duration fixed without openGrowth', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000, consecutiveFailures: 1 });
    fail();
    for (let i = 0; i < 3; i++) {
      clock.advanceSync(1000);
      breaker.acquire().failure();
      expect(breaker.snapshot().openDurationMs).toBe(1000);
    }
  });
});

describe('CircuitBreaker: ignore()', () => {
  it('closed: neither counts as a failure nor resets the streak', () => {
    const { breaker, fail } = setup();
    fail(4);
    for (let i = 0; i < 10; i++) breaker.acquire().ignore();
    expect(breaker.snapshot().consecutiveFailures).toBe(4);
    fail(1);
    expect(breaker.state).toBe('open');
  });

  it('half-open: frees the probe slot without closing or opening', () => {
    const { breaker, fail, clock, events } = setup({ openMs: 1000, consecutiveFailures: 1 });
    fail();
    clock.advanceSync(1000);
    const probe = breaker.acquire();
    expect(breaker.canPass()).toBe(false);
    probe.ignore();
    expect(breaker.state).toBe('half-open');
    expect(breaker.canPass()).toBe(true);
    expect(breaker.snapshot().probesInFlight).toBe(0);
    const count = events.length;
    breaker.acquire().success();
    expect(breaker.state).toBe('closed');
    expect(events).toHaveLength(count + 1);
  });

  it('half-open: keeps earlier probe successes', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000, consecutiveFailures: 1, successesToClose: 2 });
    fail();
    clock.advanceSync(1000);
    breaker.acquire().success();
    breaker.acquire().ignore();
    breaker.acquire().success();
    expect(breaker.state).toBe('closed');
  });

  it('open and isolated: a stale ignore changes nothing', () => {
    const { breaker } = setup({ consecutiveFailures: 1 });
    const early = breaker.acquire();
    const other = breaker.acquire();
    breaker.acquire().failure();
    const before = breaker.snapshot();
    early.ignore();
    expect(breaker.snapshot()).toEqual(before);
    breaker.isolate();
    other.ignore();
    expect(breaker.state).toBe('isolated');
  });
});

describe('CircuitBreaker: stale tickets', () => {
  it('ignores late failures from calls admitted before the breaker opened', () => {
    const { breaker, fail, clock, events } = setup({ openMs: 1000 });
    const late: BreakerTicket[] = [breaker.acquire(), breaker.acquire(), breaker.acquire()];
    fail(5);
    const before = breaker.snapshot();
    clock.advanceSync(500);
    for (const ticket of late) ticket.failure();
    expect(breaker.snapshot()).toEqual({ ...before, halfOpenAt: before.halfOpenAt });
    expect(breaker.retryAfterMs()).toBe(500); // not extended
    expect(events).toHaveLength(1);
  });

  it('does not count a pre-open success as a probe result', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000 });
    const late = breaker.acquire();
    fail(5);
    clock.advanceSync(1000);
    expect(breaker.state).toBe('half-open');
    late.success();
    expect(breaker.state).toBe('half-open');
    const probe = breaker.acquire();
    probe.failure();
    expect(breaker.state).toBe('open');
  });

  it('does not let a pre-open failure re-open a half-open breaker', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000 });
    const late = breaker.acquire();
    fail(5);
    clock.advanceSync(1000);
    const probe = breaker.acquire();
    late.failure();
    expect(breaker.state).toBe('half-open');
    probe.success();
    expect(breaker.state).toBe('closed');
  });

  it('ignores a probe that was still in flight when another probe closed the breaker', () => {
    const { breaker, fail, clock } = setup({
      openMs: 1000,
      consecutiveFailures: 1,
      halfOpenProbes: 2,
      successesToClose: 1,
    });
    fail();
    clock.advanceSync(1000);
    const a = breaker.acquire();
    const b = breaker.acquire();
    a.success();
    expect(breaker.state).toBe('closed');
    b.failure(); // belongs to the half-open period, not to the new closed one
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
  });
});

describe('CircuitBreaker: isolate and reset', () => {
  it('isolate() holds the breaker open until reset()', () => {
    const { breaker, clock, events } = setup({ openMs: 1000 });
    expect(breaker.isolate()).toBeUndefined();
    expect(breaker.state).toBe('isolated');
    expect(breaker.canPass()).toBe(false);
    expect(breaker.retryAfterMs()).toBe(Number.POSITIVE_INFINITY);
    const error = openError(() => breaker.acquire());
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toBe('circuit isolated for lane lane-a; it stays open until reset()');
    clock.advanceSync(1_000_000);
    expect(breaker.state).toBe('isolated');
    breaker.isolate(); // no second event
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(breaker.canPass()).toBe(true);
    expect(events.map((e) => [e.from, e.to, e.reason])).toEqual([
      ['closed', 'isolated', 'isolated'],
      ['isolated', 'closed', 'reset'],
    ]);
    expect(breaker.snapshot().trips).toBe(0);
  });

  it('isolate() overrides an open or half-open breaker and voids its probes', () => {
    const { breaker, fail, clock } = setup({ openMs: 1000, consecutiveFailures: 1 });
    fail();
    clock.advanceSync(1000);
    const probe = breaker.acquire();
    breaker.isolate();
    probe.success();
    expect(breaker.snapshot()).toMatchObject({ state: 'isolated', probesInFlight: 0, openedAt: clock.now() });
  });

  it('reset() closes and clears streak, window and in-flight tickets; keeps trips', () => {
    const { breaker, fail, events } = setup({
      consecutiveFailures: 3,
      failureRatio: { threshold: 0.9, minimumCalls: 5, window: { kind: 'count', size: 10 } },
    });
    const inFlight = breaker.acquire();
    fail(2);
    breaker.reset();
    expect(events).toHaveLength(0); // closed → closed is not a change
    expect(breaker.snapshot()).toEqual({
      state: 'closed',
      consecutiveFailures: 0,
      windowCalls: 0,
      windowFailures: 0,
      trips: 0,
      openDurationMs: 30_000,
      probesInFlight: 0,
    });
    inFlight.failure(); // admitted before the reset
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    fail(3);
    breaker.reset();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', trips: 1, consecutiveFailures: 0 });
    expect(events.map((e) => e.reason)).toEqual(['consecutive-failures', 'reset']);
  });
});

describe('CircuitBreaker: listeners', () => {
  it('sees the whole sequence, in order, with times', () => {
    const { breaker, fail, clock, events } = setup({ openMs: 1000, consecutiveFailures: 2 });
    const t0 = clock.now();
    fail(2);
    clock.advanceSync(1000);
    breaker.acquire().failure();
    clock.advanceSync(1000);
    breaker.acquire().success();
    breaker.isolate();
    breaker.reset();
    expect(events).toEqual([
      { from: 'closed', to: 'open', reason: 'consecutive-failures', at: t0 },
      { from: 'open', to: 'half-open', reason: 'open-elapsed', at: t0 + 1000 },
      { from: 'half-open', to: 'open', reason: 'probe-failed', at: t0 + 1000 },
      { from: 'open', to: 'half-open', reason: 'open-elapsed', at: t0 + 2000 },
      { from: 'half-open', to: 'closed', reason: 'probes-succeeded', at: t0 + 2000 },
      { from: 'closed', to: 'isolated', reason: 'isolated', at: t0 + 2000 },
      { from: 'isolated', to: 'closed', reason: 'reset', at: t0 + 2000 },
    ]);
  });

  it('stops calling a listener after unsubscribe', () => {
    const { breaker, clock } = setup({ consecutiveFailures: 1 });
    const seen: string[] = [];
    const off = breaker.onStateChange((e) => seen.push(e.to));
    breaker.acquire().failure();
    off();
    off(); // idempotent
    clock.advanceSync(30_000);
    expect(breaker.state).toBe('half-open');
    expect(seen).toEqual(['open']);
  });

  it('survives a throwing listener, and the other listeners still run', () => {
    const { breaker, fail, clock, events } = setup({ openMs: 1000, consecutiveFailures: 1 });
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    const after: string[] = [];
    breaker.onStateChange((e) => after.push(e.to));
    expect(() => fail()).not.toThrow();
    expect(breaker.state).toBe('open');
    clock.advanceSync(1000);
    expect(() => breaker.acquire().success()).not.toThrow();
    expect(breaker.state).toBe('closed');
    expect(events.map((e) => e.to)).toEqual(['open', 'half-open', 'closed']);
    expect(after).toEqual(['open', 'half-open', 'closed']);
  });

  it('delivers events in order even when a listener causes a transition', () => {
    const { breaker, clock } = setup({ openMs: 1000, consecutiveFailures: 1, probeTimeoutMs: 100 });
    const first: string[] = [];
    const second: string[] = [];
    breaker.onStateChange((e) => {
      first.push(`${e.from}>${e.to}`);
      // Reading the state while the lazy cascade is running must not reorder anything.
      void breaker.state;
    });
    breaker.onStateChange((e) => second.push(`${e.from}>${e.to}`));
    breaker.acquire().failure();
    clock.advanceSync(1000);
    breaker.acquire(); // probe that will hang
    clock.advanceSync(1100); // timeout at +100, next half-open at +1100
    expect(breaker.state).toBe('half-open');
    const expected = ['closed>open', 'open>half-open', 'half-open>open', 'open>half-open'];
    expect(first).toEqual(expected);
    expect(second).toEqual(expected);
  });

  it('sees a consistent breaker from inside a listener', () => {
    const { breaker, clock } = setup({ openMs: 1000, consecutiveFailures: 1 });
    const seen: unknown[] = [];
    breaker.onStateChange((e) => {
      const s = breaker.snapshot();
      seen.push([e.to, s.state, s.openedAt, s.halfOpenAt]);
    });
    breaker.acquire().failure();
    const t = clock.now();
    clock.advanceSync(1000);
    void breaker.state;
    expect(seen).toEqual([
      ['open', 'open', t, t + 1000],
      ['half-open', 'half-open', t, t + 1000],
    ]);
  });
});

describe('CircuitBreaker: options', () => {
  const bad: Array<[BreakerOptions, RegExp]> = [
    [{ consecutiveFailures: 0 }, /consecutiveFailures must be a positive integer or Infinity; got 0/],
    [{ consecutiveFailures: 2.5 }, /got 2\.5/],
    [{ openMs: -1 }, /openMs must be a positive finite number of ms; got -1/],
    [{ openMs: Number.POSITIVE_INFINITY }, /openMs .* got Infinity/],
    [{ halfOpenProbes: 0 }, /halfOpenProbes must be a positive integer; got 0/],
    [{ successesToClose: Number.NaN }, /successesToClose .* got NaN/],
    [{ probeTimeoutMs: Number.POSITIVE_INFINITY }, /probeTimeoutMs .* got Infinity/],
    [
      { openGrowth: { factor: 0.5, maxMs: 60_000 } },
      /openGrowth.factor must be a finite number >= 1; got 0.5/,
    ],
    [{ openMs: 1000, openGrowth: { factor: 2, maxMs: 500 } }, /openGrowth.maxMs \(500\) must be >= openMs/],
    [
      { failureRatio: { threshold: 0, minimumCalls: 1, window: { kind: 'count', size: 10 } } },
      /threshold must be in \(0, 1\]; got 0/,
    ],
    [{ failureRatio: { threshold: 1.5, minimumCalls: 1, window: { kind: 'count', size: 10 } } }, /got 1\.5/],
    [
      { failureRatio: { threshold: 0.5, minimumCalls: 0, window: { kind: 'count', size: 10 } } },
      /minimumCalls must be a positive integer; got 0/,
    ],
    [
      { failureRatio: { threshold: 0.5, minimumCalls: 11, window: { kind: 'count', size: 10 } } },
      /minimumCalls \(11\) cannot exceed failureRatio.window.size \(10\)/,
    ],
    [
      { failureRatio: { threshold: 0.5, minimumCalls: 1, window: { kind: 'count', size: 0 } } },
      /window.size must be a positive integer; got 0/,
    ],
    [
      { failureRatio: { threshold: 0.5, minimumCalls: 1, window: { kind: 'time', durationMs: 0 } } },
      /durationMs must be a positive finite number; got 0/,
    ],
    [
      {
        failureRatio: {
          threshold: 0.5,
          minimumCalls: 1,
          window: { kind: 'time', durationMs: 10, buckets: 0 },
        },
      },
      /buckets must be a positive integer; got 0/,
    ],
    [
      // @ts-expect-error: an unknown window kind, as plain JavaScript could pass
      { failureRatio: { threshold: 0.5, minimumCalls: 1, window: { kind: 'sliding' } } },
      /window must be .* got \{"kind":"sliding"\}/,
    ],
  ];

  it.each(bad.map(([options, message]) => [message.source, options, message] as const))(
    'rejects options matching %s',
    (_label, options, message) => {
      expect(() => new CircuitBreaker(options)).toThrow(InvalidRequestError);
      expect(() => new CircuitBreaker(options)).toThrow(message);
    },
  );

  it('rejects non-object options, failureRatio and name', () => {
    // @ts-expect-error: plain JavaScript could pass anything
    expect(() => new CircuitBreaker(null)).toThrow(/options must be an object; got null/);
    // @ts-expect-error: plain JavaScript could pass anything
    expect(() => new CircuitBreaker({ failureRatio: 0.5 })).toThrow(
      /failureRatio must be an object; got 0.5/,
    );
    // @ts-expect-error: plain JavaScript could pass anything
    expect(() => new CircuitBreaker({ name: 42 })).toThrow(/name must be a string; got 42/);
  });

  it('treats undefined fields as defaults (so option objects can be spread)', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, openMs: undefined, consecutiveFailures: undefined });
    for (let i = 0; i < 5; i++) breaker.acquire().failure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', openDurationMs: 30_000 });
  });

  it('exposes its name', () => {
    expect(new CircuitBreaker({ name: 'x' }).name).toBe('x');
    expect(new CircuitBreaker().name).toBeUndefined();
  });
});
