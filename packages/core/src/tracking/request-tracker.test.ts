import diagnosticsChannel from 'node:diagnostics_channel';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { InvalidRequestError } from '../errors/index.js';
import { DIAGNOSTIC_CHANNELS } from './diagnostics.js';
import { REQUEST_ID_PATTERN } from './request-id.js';
import {
  DEFAULT_REQUEST_TRACKER_OPTIONS,
  MAX_TRACKED_ERROR_CODES,
  type RequestRecord,
  RequestTracker,
  type RequestTrackerOptions,
} from './request-tracker.js';

const unsubscribers: (() => void)[] = [];
afterEach(() => {
  for (const off of unsubscribers.splice(0)) off();
});

function listen(name: string): unknown[] {
  const messages: unknown[] = [];
  const handler = (message: unknown) => messages.push(message);
  diagnosticsChannel.subscribe(name, handler);
  unsubscribers.push(() => diagnosticsChannel.unsubscribe(name, handler));
  return messages;
}

function setup(options: Partial<RequestTrackerOptions> = {}) {
  const clock = new FakeClock(1_000);
  const tracker = new RequestTracker({ provider: 'openai', clock, ...options });
  return { clock, tracker };
}

/** One request with one successful attempt on `lane`, taking `ms`. */
function runOk(tracker: RequestTracker, clock: FakeClock, lane = 'a', ms = 10): RequestRecord {
  const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
  const attempt = tracker.beginAttempt(rec, { lane, delayBeforeMs: 0, delaySource: 'none' });
  clock.advanceSync(ms);
  tracker.endAttempt(rec, attempt, { status: 200 });
  tracker.finish(rec, { outcome: 'success' });
  return rec;
}

describe('RequestTracker options', () => {
  it('defaults to a ring of 1000 and enabled', () => {
    expect(DEFAULT_REQUEST_TRACKER_OPTIONS).toEqual({ recentCapacity: 1000, enabled: true });
    const tracker = new RequestTracker({ provider: 'claude' });
    expect(tracker.recentCapacity).toBe(1000);
    expect(tracker.enabled).toBe(true);
    expect(tracker.provider).toBe('claude');
  });

  it('rejects bad options with the bad value in the message', () => {
    expect(() => new RequestTracker({ provider: '' })).toThrow(InvalidRequestError);
    expect(() => new RequestTracker({ provider: 'x', recentCapacity: -1 })).toThrow(/-1/);
    expect(() => new RequestTracker({ provider: 'x', recentCapacity: 1.5 })).toThrow(/1\.5/);
    expect(() => new RequestTracker({ provider: 'x', enabled: 'yes' as unknown as boolean })).toThrow(/yes/);
  });

  it('rejects a bad priority, operation or id in begin', () => {
    const { tracker } = setup();
    expect(() => tracker.begin({ operation: 'chat', priority: 'urgent' as 'high' })).toThrow(/urgent/);
    expect(() => tracker.begin({ operation: '', priority: 'high' })).toThrow(InvalidRequestError);
    expect(() => tracker.begin({ id: '', operation: 'chat', priority: 'high' })).toThrow(InvalidRequestError);
  });
});

describe('RequestTracker lifecycle', () => {
  it('records the timeline of a request and aggregates it exactly', () => {
    const { clock, tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'high', streamed: true });
    expect(rec.id).toMatch(REQUEST_ID_PATTERN);
    expect(rec).toMatchObject({ provider: 'openai', operation: 'chat', priority: 'high', enqueuedAt: 1000 });
    expect(rec.streamed).toBe(true);
    expect(tracker.stats().inFlight).toBe(1);

    clock.advanceSync(50);
    const attempt = tracker.beginAttempt(rec, { lane: 'primary', delayBeforeMs: 0, delaySource: 'none' });
    expect(attempt).toMatchObject({ attempt: 1, lane: 'primary', startedAt: 1050 });
    expect(rec.startedAt).toBe(1050);
    expect(rec.lane).toBe('primary');

    clock.advanceSync(150);
    tracker.markFirstByte(rec);
    clock.advanceSync(100);
    tracker.markFirstByte(rec); // the first mark wins
    tracker.endAttempt(rec, attempt, { status: 200, providerRequestId: 'prov-1' });
    expect(tracker.finish(rec, { outcome: 'success', usage: { inputTokens: 10, outputTokens: 30 } })).toBe(
      true,
    );

    expect(rec).toMatchObject({
      firstByteAt: 1200,
      endedAt: 1300,
      outcome: 'success',
      providerRequestId: 'prov-1',
    });
    expect(rec.attempts[0]).toMatchObject({ endedAt: 1300, status: 200, providerRequestId: 'prov-1' });
    const stats = tracker.stats();
    expect(stats).toMatchObject({
      requests: 1,
      succeeded: 1,
      failed: 0,
      aborted: 0,
      inFlight: 0,
      attempts: 1,
      retries: 0,
      errorsByCode: {},
      tokens: { input: 10, output: 30, total: 40 },
      lastRequestAt: 1300,
    });
    expect(stats.latency).toEqual({ count: 1, min: 300, max: 300, mean: 300, p50: 300, p90: 300, p99: 300 });
    expect(stats.queueWait).toMatchObject({ count: 1, p50: 50 });
    expect(stats.timeToFirstByte).toMatchObject({ count: 1, p50: 200 });
    expect(tracker.stats('primary')).toEqual(stats);
  });

  it('uses the id it is given', () => {
    const { tracker } = setup();
    expect(tracker.begin({ id: 'my-id', operation: 'embed', priority: 'low' }).id).toBe('my-id');
  });

  it('numbers attempts, keeps their delays and counts retries', () => {
    const { clock, tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    const a1 = tracker.beginAttempt(rec, { lane: 'a', delayBeforeMs: 0, delaySource: 'none' });
    tracker.endAttempt(rec, a1, { status: 429, errorCode: 'rate_limited', providerRequestId: 'p1' });
    clock.advanceSync(2000);
    const a2 = tracker.beginAttempt(rec, { lane: 'a', delayBeforeMs: 2000, delaySource: 'retry-after' });
    tracker.endAttempt(rec, a2, { status: 503, errorCode: 'server_error', providerRequestId: 'p2' });
    clock.advanceSync(700);
    const a3 = tracker.beginAttempt(rec, { lane: 'a', delayBeforeMs: 700, delaySource: 'backoff' });
    tracker.endAttempt(rec, a3, { status: 200 });
    tracker.finish(rec, { outcome: 'success' });

    expect(rec.attempts.map((a) => [a.attempt, a.delayBeforeMs, a.delaySource, a.errorCode])).toEqual([
      [1, 0, 'none', 'rate_limited'],
      [2, 2000, 'retry-after', 'server_error'],
      [3, 700, 'backoff', undefined],
    ]);
    expect(rec.startedAt).toBe(1000);
    expect(rec.providerRequestId).toBe('p2');
    expect(tracker.stats()).toMatchObject({ requests: 1, succeeded: 1, attempts: 3, retries: 2 });
  });

  it('defaults an attempt to no delay', () => {
    const { tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    expect(tracker.beginAttempt(rec, { lane: 'a' })).toMatchObject({ delayBeforeMs: 0, delaySource: 'none' });
  });

  it('finishes exactly once: a second finish is ignored', () => {
    const { clock, tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    tracker.beginAttempt(rec, { lane: 'a' });
    expect(tracker.finish(rec, { outcome: 'aborted', errorCode: 'aborted' })).toBe(true);
    clock.advanceSync(10);
    expect(tracker.finish(rec, { outcome: 'success', usage: { inputTokens: 5 } })).toBe(false);
    expect(tracker.finish(rec, { outcome: 'error', errorCode: 'timeout' })).toBe(false);
    expect(rec).toMatchObject({ outcome: 'aborted', errorCode: 'aborted', endedAt: 1000 });
    expect(rec.usage).toBeUndefined();
    expect(tracker.stats()).toMatchObject({ requests: 1, aborted: 1, succeeded: 0, failed: 0, inFlight: 0 });
    expect(tracker.stats('a')).toMatchObject({ requests: 1, inFlight: 0 });
    expect(tracker.recent()).toHaveLength(1);
  });

  it('closes attempts still open at finish with the final error code', () => {
    const { clock, tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    const attempt = tracker.beginAttempt(rec, { lane: 'a' });
    clock.advanceSync(30);
    tracker.finish(rec, { outcome: 'aborted', errorCode: 'aborted' });
    expect(attempt).toMatchObject({ endedAt: 1030, errorCode: 'aborted' });
  });

  it('ignores attempt changes once the request finished, and a second endAttempt', () => {
    const { clock, tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    const attempt = tracker.beginAttempt(rec, { lane: 'a' });
    tracker.endAttempt(rec, attempt, { status: 500, errorCode: 'server_error' });
    clock.advanceSync(5);
    tracker.endAttempt(rec, attempt, { status: 200 });
    expect(attempt).toMatchObject({ status: 500, endedAt: 1000 });
    tracker.finish(rec, { outcome: 'error', errorCode: 'server_error' });
    const late = tracker.beginAttempt(rec, { lane: 'b' });
    tracker.endAttempt(rec, late, { status: 200 });
    tracker.markFirstByte(rec);
    expect(rec.attempts).toHaveLength(1);
    expect(rec.lane).toBe('a');
    expect(rec.firstByteAt).toBeUndefined();
    expect(tracker.lanes()).toEqual(['a']);
  });

  it('rejects an unknown outcome', () => {
    const { tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    expect(() => tracker.finish(rec, { outcome: 'done' as 'success' })).toThrow(/done/);
    expect(tracker.stats().inFlight).toBe(1);
  });
});

describe('RequestTracker aggregates', () => {
  it('counts errors by final code; code-less ones as unknown or aborted', () => {
    const { tracker } = setup();
    const finish = (outcome: 'error' | 'aborted', errorCode?: string) => {
      const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
      tracker.finish(rec, errorCode === undefined ? { outcome } : { outcome, errorCode });
    };
    finish('error', 'rate_limited');
    finish('error', 'rate_limited');
    finish('error', 'timeout');
    finish('error');
    finish('aborted');
    finish('aborted', 'deadline_exceeded');
    const stats = tracker.stats();
    expect(stats.errorsByCode).toEqual({
      rate_limited: 2,
      timeout: 1,
      unknown: 1,
      aborted: 1,
      deadline_exceeded: 1,
    });
    expect(stats).toMatchObject({ requests: 6, failed: 4, aborted: 2, attempts: 0, retries: 0 });
    expect(stats.queueWait.count).toBe(0);
    expect(stats.latency.count).toBe(6);
  });

  it('bounds the number of distinct error codes', () => {
    const { tracker } = setup();
    for (let i = 0; i < MAX_TRACKED_ERROR_CODES + 10; i++) {
      tracker.finish(tracker.begin({ operation: 'chat', priority: 'normal' }), {
        outcome: 'error',
        errorCode: `code_${i}`,
      });
    }
    tracker.finish(tracker.begin({ operation: 'chat', priority: 'normal' }), {
      outcome: 'error',
      errorCode: 'code_0',
    });
    const byCode = tracker.stats().errorsByCode;
    expect(Object.keys(byCode)).toHaveLength(MAX_TRACKED_ERROR_CODES + 1);
    expect(byCode.other).toBe(10);
    expect(byCode.code_0).toBe(2);
  });

  it('sums tokens, using totalTokens when given and input + output otherwise', () => {
    const { tracker } = setup();
    const finish = (usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number }) =>
      tracker.finish(tracker.begin({ operation: 'chat', priority: 'normal' }), { outcome: 'success', usage });
    finish({ inputTokens: 10, outputTokens: 5 });
    finish({ inputTokens: 1, outputTokens: 2, totalTokens: 100 });
    finish({ outputTokens: 7 });
    finish({ inputTokens: Number.NaN, outputTokens: -3 });
    expect(tracker.stats().tokens).toEqual({ input: 11, output: 14, total: 122 });
  });

  it('attributes a request to the lane of its last attempt, and moves its in-flight count', () => {
    const { clock, tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    const a1 = tracker.beginAttempt(rec, { lane: 'east' });
    expect(tracker.stats('east').inFlight).toBe(1);
    tracker.endAttempt(rec, a1, { errorCode: 'connection_failed' });
    clock.advanceSync(100);
    const a2 = tracker.beginAttempt(rec, { lane: 'west', delayBeforeMs: 100, delaySource: 'backoff' });
    expect(tracker.stats('east').inFlight).toBe(0);
    expect(tracker.stats('west').inFlight).toBe(1);
    tracker.endAttempt(rec, a2, { status: 200 });
    tracker.finish(rec, { outcome: 'success' });

    expect(rec.lane).toBe('west');
    expect(tracker.lanes()).toEqual(['east', 'west']);
    expect(tracker.stats('west')).toMatchObject({
      requests: 1,
      succeeded: 1,
      attempts: 2,
      retries: 1,
      inFlight: 0,
    });
    expect(tracker.stats('east')).toMatchObject({ requests: 0, attempts: 0, inFlight: 0 });
  });

  it('counts a lane given at begin as in flight there', () => {
    const { tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal', lane: 'x' });
    expect(rec.lane).toBe('x');
    expect(tracker.stats('x').inFlight).toBe(1);
    tracker.beginAttempt(rec, { lane: 'x' });
    expect(tracker.stats('x').inFlight).toBe(1);
    tracker.finish(rec, { outcome: 'success' });
    expect(tracker.stats('x')).toMatchObject({ inFlight: 0, requests: 1 });
  });

  it('reports zeros for an unknown lane without creating it', () => {
    const { tracker } = setup();
    const stats = tracker.stats('nowhere');
    expect(stats).toMatchObject({ requests: 0, inFlight: 0, errorsByCode: {} });
    expect(stats.lastRequestAt).toBeUndefined();
    expect(tracker.lanes()).toEqual([]);
  });

  it('resetStats(lane) resets that lane only; the total, other lanes and the ring stay', () => {
    const { clock, tracker } = setup();
    runOk(tracker, clock, 'a');
    runOk(tracker, clock, 'b');
    tracker.resetStats('a');
    expect(tracker.stats('a')).toMatchObject({ requests: 0, attempts: 0 });
    expect(tracker.stats('a').latency.count).toBe(0);
    expect(tracker.stats('a').lastRequestAt).toBeUndefined();
    expect(tracker.stats('b').requests).toBe(1);
    expect(tracker.stats().requests).toBe(2);
    expect(tracker.recent()).toHaveLength(2);
    tracker.resetStats('unknown'); // harmless
  });

  it('resetStats() resets every aggregate but keeps in-flight counts, lanes and the ring', () => {
    const { clock, tracker } = setup();
    runOk(tracker, clock, 'a');
    runOk(tracker, clock, 'b');
    const open = tracker.begin({ operation: 'chat', priority: 'normal' });
    tracker.beginAttempt(open, { lane: 'a' });
    tracker.resetStats();
    expect(tracker.stats()).toMatchObject({ requests: 0, succeeded: 0, attempts: 0, inFlight: 1 });
    expect(tracker.stats().latency.count).toBe(0);
    expect(tracker.stats('a')).toMatchObject({ requests: 0, inFlight: 1 });
    expect(tracker.stats('b').requests).toBe(0);
    expect(tracker.lanes()).toEqual(['a', 'b']);
    expect(tracker.recent()).toHaveLength(2);
    tracker.finish(open, { outcome: 'success' });
    expect(tracker.stats()).toMatchObject({ requests: 1, inFlight: 0 });
    expect(tracker.stats('a')).toMatchObject({ requests: 1, inFlight: 0 });
  });

  it('keeps totals equal to the sum of lanes plus lane-less requests (property)', () => {
    type Step = { lanes: string[]; outcome: 'success' | 'error' | 'aborted'; finishTwice: boolean };
    const step = fc.record({
      lanes: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 4 }),
      outcome: fc.constantFrom('success' as const, 'error' as const, 'aborted' as const),
      finishTwice: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 40 }),
        fc.integer({ min: 0, max: 5 }),
        (steps: Step[], open) => {
          const { clock, tracker } = setup({ recentCapacity: 7 });
          let attempts = 0;
          let laneLess = 0;
          for (const s of steps) {
            const rec = tracker.begin({ operation: 'op', priority: 'normal' });
            for (const lane of s.lanes) {
              const attempt = tracker.beginAttempt(rec, { lane });
              clock.advanceSync(3);
              tracker.endAttempt(rec, attempt, {});
            }
            attempts += s.lanes.length;
            if (s.lanes.length === 0) laneLess++;
            tracker.finish(rec, { outcome: s.outcome });
            if (s.finishTwice) tracker.finish(rec, { outcome: 'success' });
          }
          for (let i = 0; i < open; i++) tracker.begin({ operation: 'op', priority: 'low' });
          const total = tracker.stats();
          const lanes = tracker.lanes().map((lane) => tracker.stats(lane));
          const sum = (pick: (s: typeof total) => number) => lanes.reduce((acc, s) => acc + pick(s), 0);
          return (
            total.requests === steps.length &&
            total.requests === total.succeeded + total.failed + total.aborted &&
            Object.values(total.errorsByCode).reduce((a, b) => a + b, 0) === total.failed + total.aborted &&
            total.attempts === attempts &&
            total.inFlight === open &&
            sum((s) => s.inFlight) === 0 &&
            sum((s) => s.requests) + laneLess === total.requests &&
            sum((s) => s.attempts) === total.attempts &&
            sum((s) => s.latency.count) + laneLess === total.latency.count &&
            tracker.recent().length === Math.min(7, steps.length)
          );
        },
      ),
    );
  });
});

describe('RequestTracker ledger', () => {
  it('keeps the newest finished records in a bounded ring, newest first', () => {
    const { clock, tracker } = setup({ recentCapacity: 3 });
    const ids = Array.from({ length: 5 }, () => runOk(tracker, clock).id);
    expect(tracker.recent().map((r) => r.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(tracker.recent(2).map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(tracker.recent(0)).toEqual([]);
    expect(tracker.recent(10)).toHaveLength(3);
    expect(tracker.find(ids[0] as string)).toBeUndefined();
    expect(tracker.find(ids[2] as string)?.id).toBe(ids[2]);
    expect(tracker.stats().requests).toBe(5);
  });

  it('stays bounded over many requests', () => {
    const { clock, tracker } = setup({ recentCapacity: 50 });
    for (let i = 0; i < 10_000; i++) runOk(tracker, clock, `lane-${i % 3}`, 1);
    expect(tracker.recent()).toHaveLength(50);
    expect(tracker.lanes()).toHaveLength(3);
    expect(tracker.inFlight()).toHaveLength(0);
    expect(tracker.stats().requests).toBe(10_000);
  });

  it('keeps no records with recentCapacity 0 but still aggregates', () => {
    const { clock, tracker } = setup({ recentCapacity: 0 });
    const rec = runOk(tracker, clock);
    expect(tracker.recent()).toEqual([]);
    expect(tracker.find(rec.id)).toBeUndefined();
    expect(tracker.stats().requests).toBe(1);
  });

  it('rejects a bad limit', () => {
    const { tracker } = setup();
    expect(() => tracker.recent(-1)).toThrow(/-1/);
    expect(() => tracker.recent(1.5)).toThrow(InvalidRequestError);
  });

  it('finds in-flight requests (the newest for a reused id), then finished ones', () => {
    const { tracker } = setup();
    const done = tracker.begin({ id: 'dup', operation: 'old', priority: 'normal' });
    tracker.finish(done, { outcome: 'success' });
    tracker.begin({ id: 'dup', operation: 'first', priority: 'normal' });
    tracker.begin({ id: 'dup', operation: 'second', priority: 'normal' });
    expect(tracker.find('dup')?.operation).toBe('second');
    expect(tracker.inFlight().map((r) => r.operation)).toEqual(['first', 'second']);
    expect(tracker.find('missing')).toBeUndefined();
  });

  it('hands out deep copies that cannot change the ledger', () => {
    const { clock, tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    const usage = { inputTokens: 1, outputTokens: 2 };
    const attempt = tracker.beginAttempt(rec, { lane: 'a' });
    clock.advanceSync(5);
    tracker.endAttempt(rec, attempt, { status: 200 });
    const live = tracker.inFlight()[0] as RequestRecord;
    live.attempts.push({ ...(live.attempts[0] as RequestRecord['attempts'][0]) });
    live.operation = 'hacked';
    tracker.finish(rec, { outcome: 'success', usage });
    usage.inputTokens = 999; // the caller's object is copied, not kept

    for (const copy of [tracker.recent()[0], tracker.find(rec.id)]) {
      expect(copy).not.toBe(rec);
      expect(copy).toEqual(rec);
      (copy as RequestRecord).attempts[0]!.status = 500;
      (copy as RequestRecord).usage!.inputTokens = 42;
      (copy as RequestRecord).attempts.length = 0;
    }
    const again = tracker.recent()[0] as RequestRecord;
    expect(again.operation).toBe('chat');
    expect(again.attempts).toHaveLength(1);
    expect(again.attempts[0]?.status).toBe(200);
    expect(again.usage).toEqual({ inputTokens: 1, outputTokens: 2 });
    expect(tracker.stats().tokens.input).toBe(1);
  });
});

describe('RequestTracker events', () => {
  it('publishes start, each attempt end and end, with the live record', () => {
    const starts = listen(DIAGNOSTIC_CHANNELS.requestStart);
    const attempts = listen(DIAGNOSTIC_CHANNELS.requestAttempt);
    const ends = listen(DIAGNOSTIC_CHANNELS.requestEnd);
    const { tracker } = setup();
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    expect(starts).toEqual([{ record: rec }]);
    const a1 = tracker.beginAttempt(rec, { lane: 'a' });
    expect(attempts).toHaveLength(0);
    tracker.endAttempt(rec, a1, { status: 503 });
    expect(attempts).toHaveLength(1);
    expect((attempts[0] as { attempt: unknown }).attempt).toBe(a1);
    const a2 = tracker.beginAttempt(rec, { lane: 'a' });
    tracker.finish(rec, { outcome: 'error', errorCode: 'timeout' }); // closes a2, publishes it
    tracker.finish(rec, { outcome: 'success' });
    expect(attempts.map((m) => (m as { attempt: unknown }).attempt)).toEqual([a1, a2]);
    expect(ends).toHaveLength(1);
    expect((ends[0] as { record: RequestRecord }).record).toBe(rec);
    expect(rec.outcome).toBe('error');
  });
});

describe('RequestTracker disabled', () => {
  it('fills in the record but retains nothing and publishes nothing', () => {
    const events = [
      listen(DIAGNOSTIC_CHANNELS.requestStart),
      listen(DIAGNOSTIC_CHANNELS.requestAttempt),
      listen(DIAGNOSTIC_CHANNELS.requestEnd),
    ];
    const { clock, tracker } = setup({ enabled: false });
    const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
    expect(rec.id).toMatch(REQUEST_ID_PATTERN);
    expect(tracker.inFlight()).toEqual([]);
    expect(tracker.stats().inFlight).toBe(0);
    const attempt = tracker.beginAttempt(rec, { lane: 'a' });
    clock.advanceSync(20);
    tracker.endAttempt(rec, attempt, { status: 200 });
    expect(tracker.finish(rec, { outcome: 'success' })).toBe(true);
    expect(tracker.finish(rec, { outcome: 'error' })).toBe(false);

    expect(rec).toMatchObject({ outcome: 'success', endedAt: 1020, lane: 'a' });
    expect(rec.attempts).toHaveLength(1);
    expect(tracker.recent()).toEqual([]);
    expect(tracker.find(rec.id)).toBeUndefined();
    expect(tracker.stats()).toMatchObject({ requests: 0, attempts: 0, inFlight: 0 });
    expect(tracker.lanes()).toEqual([]);
    for (const messages of events) expect(messages).toEqual([]);
  });
});
