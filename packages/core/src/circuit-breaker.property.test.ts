import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BreakerOptions,
  type BreakerState,
  type BreakerStateChange,
  type BreakerTicket,
  CircuitBreaker,
} from './circuit-breaker.js';
import { FakeClock } from './clock.js';
import { CircuitOpenError } from './errors/index.js';

type Outcome = 'success' | 'failure' | 'ignore';
type Op =
  | { kind: 'acquire' }
  | { kind: 'call'; outcome: Outcome }
  | { kind: 'settle'; pick: number; outcome: Outcome }
  | { kind: 'settle-again'; pick: number; outcome: Outcome }
  | { kind: 'advance'; ms: number }
  | { kind: 'reset' }
  | { kind: 'isolate' };

interface Config {
  consecutiveFailures: number;
  openMs: number;
  halfOpenProbes: number;
  successesToClose: number;
  probeTimeoutMs: number;
  openGrowth?: { factor: number; maxMs: number };
}

/**
 * The reference: the consecutive-failure breaker written the obvious, eager way. Time moves only in
 * `advance`, which fires every due event (end of open period, probe timeout) in time order, the way a
 * timer-driven breaker would. Tickets are tracked by id in a set that every transition empties, instead
 * of the real breaker's generation counter.
 */
class ReferenceBreaker {
  state: BreakerState = 'closed';
  streak = 0;
  trips = 0;
  duration: number;
  openedAt = 0;
  successes = 0;
  probes: Array<{ id: number; start: number }> = [];
  readonly live = new Map<number, 'closed' | 'probe'>();
  readonly transitions: Array<[BreakerState, BreakerState, number]> = [];

  constructor(
    readonly config: Config,
    public now: number,
  ) {
    this.duration = config.openMs;
  }

  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = this.#nextDue();
      if (due === undefined || due > target) break;
      if (this.state === 'open') this.#go('half-open', due);
      else this.#reopen(due);
    }
    this.now = target;
  }

  acquire(id: number): boolean {
    if (this.state === 'closed') {
      this.live.set(id, 'closed');
      return true;
    }
    if (this.state === 'half-open' && this.probes.length < this.config.halfOpenProbes) {
      this.probes.push({ id, start: this.now });
      this.live.set(id, 'probe');
      return true;
    }
    return false;
  }

  settle(id: number, outcome: Outcome): void {
    const kind = this.live.get(id);
    if (kind === undefined) return;
    this.live.delete(id);
    if (kind === 'closed') {
      if (outcome === 'success') this.streak = 0;
      if (outcome === 'failure' && ++this.streak >= this.config.consecutiveFailures) {
        this.trips++;
        this.#go('open', this.now);
      }
      return;
    }
    this.probes = this.probes.filter((p) => p.id !== id);
    if (outcome === 'failure') this.#reopen(this.now);
    if (outcome === 'success' && ++this.successes >= this.config.successesToClose) this.#close();
  }

  reset(): void {
    if (this.state !== 'closed') this.#close();
    this.streak = 0;
    this.duration = this.config.openMs;
    this.live.clear();
  }

  isolate(): void {
    if (this.state !== 'isolated') this.#go('isolated', this.now);
  }

  canPass(): boolean {
    return (
      this.state === 'closed' ||
      (this.state === 'half-open' && this.probes.length < this.config.halfOpenProbes)
    );
  }

  retryAfterMs(): number {
    if (this.canPass()) return 0;
    if (this.state === 'isolated') return Number.POSITIVE_INFINITY;
    const until =
      this.state === 'open'
        ? this.openedAt + this.duration
        : (this.probes[0] as { start: number }).start + this.config.probeTimeoutMs;
    return Math.max(1, Math.ceil(until - this.now));
  }

  #nextDue(): number | undefined {
    if (this.state === 'open') return this.openedAt + this.duration;
    const oldest = this.probes[0];
    if (this.state === 'half-open' && oldest) return oldest.start + this.config.probeTimeoutMs;
    return undefined;
  }

  #reopen(at: number): void {
    const growth = this.config.openGrowth;
    if (growth) this.duration = Math.min(this.duration * growth.factor, growth.maxMs);
    this.trips++;
    this.#go('open', at);
  }

  #close(): void {
    this.streak = 0;
    this.duration = this.config.openMs;
    this.#go('closed', this.now);
  }

  #go(to: BreakerState, at: number): void {
    this.transitions.push([this.state, to, at]);
    this.state = to;
    this.live.clear();
    this.probes = [];
    this.successes = 0;
    if (to === 'open' || to === 'isolated') this.openedAt = at;
  }
}

const configArb: fc.Arbitrary<Config> = fc
  .record({
    consecutiveFailures: fc.integer({ min: 1, max: 4 }),
    openMs: fc.integer({ min: 1, max: 400 }),
    halfOpenProbes: fc.integer({ min: 1, max: 3 }),
    successesToClose: fc.integer({ min: 1, max: 3 }),
    probeTimeoutMs: fc.integer({ min: 1, max: 400 }),
    growth: fc.option(fc.record({ factor: fc.double({ min: 1, max: 3, noNaN: true }), extra: fc.nat(3000) })),
  })
  .map(({ growth, ...rest }) =>
    growth ? { ...rest, openGrowth: { factor: growth.factor, maxMs: rest.openMs + growth.extra } } : rest,
  );

// Failures are the common outcome so that the breaker actually trips, probes and recovers in most runs.
const outcomeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Outcome>('failure') },
  { weight: 2, arbitrary: fc.constant<Outcome>('success') },
  { weight: 1, arbitrary: fc.constant<Outcome>('ignore') },
);
// Small picks dominate: `pick` counts back from the newest ticket, and probes are usually the newest.
const pickArb = fc.oneof(fc.nat(2), fc.nat());
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 16, arbitrary: fc.constant<Op>({ kind: 'acquire' }) },
  { weight: 24, arbitrary: fc.record({ kind: fc.constant('call' as const), outcome: outcomeArb }) },
  {
    weight: 24,
    arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: pickArb, outcome: outcomeArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('settle-again' as const), pick: pickArb, outcome: outcomeArb }),
  },
  {
    weight: 16,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.nat(60), fc.nat(1000)) }),
  },
  { weight: 3, arbitrary: fc.constant<Op>({ kind: 'reset' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: 'isolate' }) },
);
const opsArb = fc.array(opArb, { minLength: 10, maxLength: 150, size: 'max' });

interface Run {
  events: BreakerStateChange[];
  final: ReturnType<CircuitBreaker['snapshot']>;
}

/**
 * How the driver looks at the breaker. `check`: compares it with the reference after every step and
 * asserts the invariants. `watch`: reads its state after every step and every `chunkMs` of each time
 * advance. `blind`: never looks except through the ops themselves, so lazy transitions are noticed late.
 */
type Mode = { kind: 'check' } | { kind: 'watch'; chunkMs: number } | { kind: 'blind' };

function fail(message: string, actual: unknown, expected: unknown): never {
  expect(actual, message).toEqual(expected);
  throw new Error(message);
}

function drive(config: Config, ops: readonly Op[], mode: Mode): Run {
  const check = mode.kind === 'check';
  const clock = new FakeClock(5_000);
  const breaker = new CircuitBreaker({ ...config, clock } satisfies BreakerOptions);
  const model = new ReferenceBreaker(config, clock.now());
  const events: BreakerStateChange[] = [];

  // Independent bookkeeping for the invariants, built only from the events the breaker emits.
  let blockedUntil: number | undefined;
  const probeTickets = new Set<number>(); // probes admitted in the current half-open period, unreported
  breaker.onStateChange((e) => {
    events.push(e);
    if (!check) return;
    if (e.to === 'half-open' && e.at !== blockedUntil) {
      fail('half-open exactly when the open period ends', e.at, blockedUntil);
    }
    if (e.to === 'open') blockedUntil = e.at + breaker.snapshot().openDurationMs;
    if (e.to === 'isolated') blockedUntil = Number.POSITIVE_INFINITY;
    if (e.to === 'closed') blockedUntil = undefined;
    if (e.from === 'half-open') probeTickets.clear();
  });

  const outstanding: Array<{ id: number; ticket: BreakerTicket }> = [];
  const settled: Array<{ id: number; ticket: BreakerTicket }> = [];
  let nextId = 0;
  const report = (id: number, ticket: BreakerTicket, outcome: Outcome, first: boolean) => {
    if (check && first) model.settle(id, outcome);
    probeTickets.delete(id);
    ticket[outcome]();
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'acquire':
      case 'call': {
        const id = nextId++;
        const admitted = check ? model.acquire(id) : undefined;
        const wait = check ? model.retryAfterMs() : undefined;
        let ticket: BreakerTicket | undefined;
        try {
          ticket = breaker.acquire();
        } catch (error) {
          if (!(error instanceof CircuitOpenError)) throw error;
          if (check && admitted !== false) fail('acquire admitted by the model', false, admitted);
          const expectedWait = model.state === 'isolated' ? undefined : wait;
          if (check && error.retryAfterMs !== expectedWait)
            fail('retryAfterMs', error.retryAfterMs, expectedWait);
        }
        if (!ticket) break;
        if (check) {
          if (admitted !== true) fail('acquire refused by the model', true, admitted);
          // Never admitted while open (or isolated) before the open period has run out.
          if (blockedUntil !== undefined && clock.now() < blockedUntil) {
            fail('admitted before the open period ended', clock.now(), blockedUntil);
          }
          if (breaker.state === 'half-open') probeTickets.add(id);
          if (probeTickets.size > config.halfOpenProbes) {
            fail('concurrent probes', probeTickets.size, config.halfOpenProbes);
          }
        }
        if (op.kind === 'call') {
          // Reported at once, as a sequential caller would.
          settled.push({ id, ticket });
          report(id, ticket, op.outcome, true);
        } else {
          outstanding.push({ id, ticket });
        }
        break;
      }
      case 'settle':
      case 'settle-again': {
        const pool = op.kind === 'settle' ? outstanding : settled;
        if (pool.length === 0) break;
        const index = pool.length - 1 - (op.pick % pool.length);
        const entry = pool[index] as { id: number; ticket: BreakerTicket };
        if (op.kind === 'settle') {
          pool.splice(index, 1);
          settled.push(entry);
        }
        report(entry.id, entry.ticket, op.outcome, op.kind === 'settle');
        break;
      }
      case 'advance':
        if (mode.kind === 'watch') {
          for (let left = op.ms; left > 0; left -= mode.chunkMs) {
            clock.advanceSync(Math.min(left, mode.chunkMs));
            void breaker.state;
          }
        } else {
          clock.advanceSync(op.ms);
        }
        if (check) model.advance(op.ms);
        break;
      case 'reset':
        breaker.reset();
        if (check) model.reset();
        break;
      case 'isolate':
        breaker.isolate();
        if (check) model.isolate();
        break;
    }
    if (mode.kind === 'watch') void breaker.state;
    if (check) compare(breaker, model, events, config);
  }
  return { events, final: breaker.snapshot() };
}

// One cheap comparison per step; a readable diff only when something differs.
function compare(
  breaker: CircuitBreaker,
  model: ReferenceBreaker,
  events: readonly BreakerStateChange[],
  config: Config,
): void {
  const s = breaker.snapshot();
  const actual = [
    breaker.state,
    s.consecutiveFailures,
    s.trips,
    s.openDurationMs,
    s.probesInFlight,
    model.state === 'closed' ? undefined : s.openedAt,
    breaker.canPass(),
    breaker.retryAfterMs(),
  ];
  const expected = [
    model.state,
    model.streak,
    model.trips,
    model.duration,
    model.probes.length,
    model.state === 'closed' ? undefined : model.openedAt,
    model.canPass(),
    model.retryAfterMs(),
  ];
  if (actual.some((value, i) => !Object.is(value, expected[i]))) {
    fail('[state, streak, trips, duration, probes, openedAt, canPass, retryAfterMs]', actual, expected);
  }
  if (s.probesInFlight > config.halfOpenProbes)
    fail('probes in flight', s.probesInFlight, config.halfOpenProbes);
  const seen = events.map((e) => [e.from, e.to, e.at]);
  if (
    seen.length !== model.transitions.length ||
    seen.some((e, i) => String(e) !== String(model.transitions[i]))
  ) {
    fail('transitions', seen, model.transitions);
  }
}

describe('CircuitBreaker (property)', () => {
  it('matches the eager reference model after every step', () => {
    fc.assert(
      fc.property(configArb, opsArb, (config, ops) => {
        drive(config, ops, { kind: 'check' });
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on how often the breaker is looked at', () => {
    fc.assert(
      fc.property(configArb, opsArb, fc.integer({ min: 1, max: 50 }), (config, ops, chunkMs) => {
        const watched = drive(config, ops, { kind: 'watch', chunkMs });
        const unwatched = drive(config, ops, { kind: 'blind' });
        expect(unwatched.events).toEqual(watched.events);
        expect(unwatched.final).toEqual(watched.final);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the documented events and invariants on a hand-picked scenario', () => {
    // A regression anchor for the generator: trips, probes and growth all exercised.
    const config: Config = {
      consecutiveFailures: 2,
      openMs: 100,
      halfOpenProbes: 2,
      successesToClose: 2,
      probeTimeoutMs: 50,
      openGrowth: { factor: 2, maxMs: 300 },
    };
    const ops: Op[] = [
      { kind: 'acquire' },
      { kind: 'settle', pick: 0, outcome: 'failure' },
      { kind: 'acquire' },
      { kind: 'settle', pick: 0, outcome: 'failure' },
      { kind: 'advance', ms: 100 },
      { kind: 'acquire' },
      { kind: 'acquire' },
      { kind: 'acquire' },
      { kind: 'advance', ms: 50 },
      { kind: 'advance', ms: 200 },
      { kind: 'acquire' },
      { kind: 'settle', pick: 0, outcome: 'success' },
      { kind: 'acquire' },
      { kind: 'settle', pick: 0, outcome: 'success' },
    ];
    const run = drive(config, ops, { kind: 'check' });
    expect(run.events.map((e) => `${e.to}@${e.at - 5000}`)).toEqual([
      'open@0',
      'half-open@100',
      'open@150',
      'half-open@350',
      'closed@350',
    ]);
  });
});

describe('CircuitBreaker failure ratio (property)', () => {
  type Step = { outcome: Outcome; advanceMs: number };
  const windowArb = fc.oneof(
    fc.record({ kind: fc.constant('count' as const), size: fc.integer({ min: 1, max: 12 }) }),
    fc.record({
      kind: fc.constant('time' as const),
      durationMs: fc.integer({ min: 1, max: 2000 }),
      buckets: fc.integer({ min: 1, max: 12 }),
    }),
  );
  const ratioArb = windowArb.chain((window) =>
    fc.record({
      threshold: fc.integer({ min: 1, max: 20 }).map((n) => n / 20),
      minimumCalls: fc.integer({ min: 1, max: window.kind === 'count' ? window.size : 12 }),
      window: fc.constant(window),
    }),
  );
  const stepsArb = fc.array(
    fc.record({ outcome: outcomeArb, advanceMs: fc.oneof(fc.constant(0), fc.nat(100), fc.nat(3000)) }),
    { maxLength: 80, size: 'max' },
  );

  it('opens at the first recorded call where the naive window meets the rule', () => {
    fc.assert(
      fc.property(ratioArb, stepsArb, (failureRatio, steps: Step[]) => {
        const clock = new FakeClock(0);
        const breaker = new CircuitBreaker({
          clock,
          consecutiveFailures: Number.POSITIVE_INFINITY,
          failureRatio,
        });
        // The naive window: every non-ignored outcome with its time, filtered on each look.
        const history: Array<{ failed: boolean; at: number }> = [];
        const inWindow = () => {
          const w = failureRatio.window;
          if (w.kind === 'count') return history.slice(-w.size);
          const width = w.durationMs / (w.buckets ?? 10);
          const newest = Math.floor(clock.now() / width);
          return history.filter((h) => Math.floor(h.at / width) > newest - (w.buckets ?? 10));
        };
        for (const step of steps) {
          clock.advanceSync(step.advanceMs);
          breaker.acquire()[step.outcome]();
          if (step.outcome !== 'ignore')
            history.push({ failed: step.outcome === 'failure', at: clock.now() });
          const window = inWindow();
          const failures = window.filter((h) => h.failed).length;
          // The rule is checked when an outcome is recorded, not when old successes merely age out.
          const shouldOpen =
            step.outcome !== 'ignore' &&
            window.length >= failureRatio.minimumCalls &&
            failures / window.length >= failureRatio.threshold;
          const snapshot = breaker.snapshot();
          expect(snapshot.state).toBe(shouldOpen ? 'open' : 'closed');
          expect([snapshot.windowCalls, snapshot.windowFailures]).toEqual([window.length, failures]);
          if (shouldOpen) return;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
