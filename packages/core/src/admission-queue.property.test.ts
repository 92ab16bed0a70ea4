/**
 * Property tests of the admission queue: random operation sequences run against the real queue (on a
 * FakeClock) and against a deliberately naive reference model (arrays, full scans), compared after every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdmissionQueue, type OverflowPolicy, type Permit } from './admission-queue.js';
import { FakeClock, flushMicrotasks } from './clock.js';
import type { Priority } from './request-options.js';

const LEVELS: Record<Priority, number> = { high: 0, normal: 1, low: 2 };
const START = 1_000_000;

type Op =
  | { kind: 'acquire'; priority: Priority; abortable: boolean; deadlineIn: number | undefined }
  | { kind: 'release'; pick: number; twice: boolean }
  | { kind: 'abort'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'setLimits'; concurrency: number; capacity: number }
  | { kind: 'pause'; ms: number }
  | { kind: 'resume' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      priority: fc.constantFrom<Priority>('high', 'normal', 'low'),
      abortable: fc.boolean(),
      // One acquire in three has a deadline (0 = already past).
      deadlineIn: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 400 }) },
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(), twice: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      // Round steps too, so waits land exactly on multiples of agingMs (the tie boundaries).
      ms: fc.oneof(fc.integer({ min: 0, max: 250 }), fc.constantFrom(20, 40, 50, 100)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('setLimits' as const),
      concurrency: fc.integer({ min: 1, max: 4 }),
      capacity: fc.integer({ min: 0, max: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 300 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
);

interface ModelEntry {
  id: number;
  level: number;
  enqueuedAt: number;
  deadline: number | undefined;
  abortable: boolean;
  aborted: boolean;
}

type Outcome = 'granted' | 'QueueFullError' | 'AbortError' | 'DeadlineExceededError';

/** The specification, written the obvious way: arrays and a full scan for the best entry. */
class ReferenceQueue {
  now = START;
  waiting: ModelEntry[] = [];
  /** Running ids in grant order. */
  running: number[] = [];
  grants: number[] = [];
  outcomes = new Map<number, Outcome>();
  pausedUntil: number | undefined;

  constructor(
    public capacity: number,
    public concurrency: number,
    readonly agingMs: number,
    readonly overflow: OverflowPolicy,
  ) {}

  /** Effective level scaled by agingMs (exact in integers): level - waited / agingMs, times agingMs. */
  #better(a: ModelEntry, b: ModelEntry): boolean {
    if (this.agingMs !== Number.POSITIVE_INFINITY) {
      const ea = a.level * this.agingMs - (this.now - a.enqueuedAt);
      const eb = b.level * this.agingMs - (this.now - b.enqueuedAt);
      if (ea !== eb) return ea < eb;
    }
    if (a.level !== b.level) return a.level < b.level;
    return a.id < b.id;
  }

  dispatch(): void {
    while (
      this.waiting.length > 0 &&
      this.running.length < this.concurrency &&
      this.pausedUntil === undefined
    ) {
      let best = this.waiting[0] as ModelEntry;
      for (const entry of this.waiting) if (this.#better(entry, best)) best = entry;
      this.waiting.splice(this.waiting.indexOf(best), 1);
      this.running.push(best.id);
      this.grants.push(best.id);
      this.outcomes.set(best.id, 'granted');
    }
  }

  acquire(entry: ModelEntry): void {
    if (entry.deadline !== undefined && entry.deadline <= this.now) {
      this.outcomes.set(entry.id, 'DeadlineExceededError');
      return;
    }
    if (
      this.waiting.length === 0 &&
      this.running.length < this.concurrency &&
      this.pausedUntil === undefined
    ) {
      this.running.push(entry.id);
      this.grants.push(entry.id);
      this.outcomes.set(entry.id, 'granted');
      return;
    }
    if (this.waiting.length >= this.capacity) {
      const lowest = Math.max(-1, ...this.waiting.map((e) => e.level));
      if (this.overflow !== 'shed-lowest' || this.waiting.length !== this.capacity || lowest <= entry.level) {
        this.outcomes.set(entry.id, 'QueueFullError');
        return;
      }
      const newest = this.waiting.filter((e) => e.level === lowest).reduce((a, b) => (a.id > b.id ? a : b));
      this.#drop(newest, 'QueueFullError');
    }
    this.waiting.push(entry);
  }

  #drop(entry: ModelEntry, outcome: Outcome): void {
    this.waiting.splice(this.waiting.indexOf(entry), 1);
    this.outcomes.set(entry.id, outcome);
  }

  release(id: number): void {
    const index = this.running.indexOf(id);
    if (index === -1) return;
    this.running.splice(index, 1);
    this.dispatch();
  }

  abort(id: number): void {
    const entry = this.waiting.find((e) => e.id === id);
    if (entry) this.#drop(entry, 'AbortError');
  }

  /** Moves time, handling deadline expiries and the end of a pause in time order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const times = this.waiting.flatMap((e) => (e.deadline !== undefined ? [e.deadline] : []));
      if (this.pausedUntil !== undefined) times.push(this.pausedUntil);
      const next = Math.min(...times);
      if (!(next <= target)) break;
      this.now = Math.max(this.now, next);
      for (const entry of [...this.waiting]) {
        if (entry.deadline !== undefined && entry.deadline <= this.now)
          this.#drop(entry, 'DeadlineExceededError');
      }
      if (this.pausedUntil !== undefined && this.pausedUntil <= this.now) {
        this.pausedUntil = undefined;
        this.dispatch();
      }
    }
    this.now = target;
  }

  pause(ms: number): void {
    const until = this.now + ms;
    if (until <= this.now || (this.pausedUntil !== undefined && until <= this.pausedUntil)) return;
    this.pausedUntil = until;
  }

  resume(): void {
    this.pausedUntil = undefined;
    this.dispatch();
  }

  sizeBy(level: number): number {
    return this.waiting.filter((e) => e.level === level).length;
  }
}

interface Config {
  capacity: number;
  concurrency: number;
  agingMs: number;
  overflow: OverflowPolicy;
}

/** The real queue plus everything observed of it. */
class Harness {
  readonly clock = new FakeClock(START);
  readonly queue: AdmissionQueue;
  readonly grants: number[] = [];
  readonly outcomes = new Map<number, Outcome>();
  readonly settles = new Map<number, number>();
  readonly permits = new Map<number, Permit>();
  readonly controllers = new Map<number, AbortController>();
  readonly violations: string[] = [];
  readonly enqueuedAt = new Map<number, number>();
  dispatches = 0;

  constructor(config: Config) {
    this.queue = new AdmissionQueue({
      ...config,
      clock: this.clock,
      onDispatch: () => {
        this.dispatches++;
        if (this.queue.pending > this.queue.concurrency) {
          this.violations.push(`dispatched with ${this.queue.pending} running > ${this.queue.concurrency}`);
        }
      },
    });
  }

  acquire(id: number, priority: Priority, abortable: boolean, deadline: number | undefined): void {
    const controller = abortable ? new AbortController() : undefined;
    if (controller) this.controllers.set(id, controller);
    this.enqueuedAt.set(id, this.clock.now());
    const sizeBefore = this.queue.size;
    const count = () => this.settles.set(id, (this.settles.get(id) ?? 0) + 1);
    this.queue.acquire({ priority, signal: controller?.signal, deadline }).then(
      (permit) => {
        count();
        this.grants.push(id);
        this.outcomes.set(id, 'granted');
        this.permits.set(id, permit);
      },
      (error: Error) => {
        count();
        this.outcomes.set(id, error.name as Outcome);
      },
    );
    if (this.queue.size > Math.max(this.queue.capacity, sizeBefore)) {
      this.violations.push(`size ${this.queue.size} above capacity ${this.queue.capacity}`);
    }
  }
}

async function runOps(config: Config, ops: Op[], check: (step: number) => void = () => {}) {
  const model = new ReferenceQueue(config.capacity, config.concurrency, config.agingMs, config.overflow);
  const real = new Harness(config);
  const abortable: number[] = [];
  let nextId = 0;
  for (const [step, op] of ops.entries()) {
    switch (op.kind) {
      case 'acquire': {
        const id = nextId++;
        const deadline = op.deadlineIn === undefined ? undefined : model.now + op.deadlineIn;
        if (op.abortable) abortable.push(id);
        model.acquire({
          id,
          level: LEVELS[op.priority],
          enqueuedAt: model.now,
          deadline,
          abortable: op.abortable,
          aborted: false,
        });
        real.acquire(id, op.priority, op.abortable, deadline);
        break;
      }
      case 'release': {
        if (model.running.length === 0) break;
        const id = model.running[op.pick % model.running.length] as number;
        model.release(id);
        const permit = real.permits.get(id);
        expect(permit, `permit ${id} granted by the model but not by the queue`).toBeDefined();
        permit?.release();
        if (op.twice) permit?.release();
        break;
      }
      case 'abort': {
        if (abortable.length === 0) break;
        const [id] = abortable.splice(op.pick % abortable.length, 1) as [number];
        model.abort(id);
        real.controllers.get(id)?.abort(new Error(`abort ${id}`));
        break;
      }
      case 'advance':
        model.advance(op.ms);
        await real.clock.advance(op.ms);
        break;
      case 'setLimits':
        model.capacity = op.capacity;
        model.concurrency = op.concurrency;
        model.dispatch();
        real.queue.setLimits({ capacity: op.capacity, concurrency: op.concurrency });
        break;
      case 'pause':
        model.pause(op.ms);
        real.queue.pauseUntil(real.clock.now() + op.ms);
        break;
      case 'resume':
        model.resume();
        real.queue.resume();
        break;
    }
    await flushMicrotasks();
    const queue = real.queue;
    expect(real.violations).toEqual([]);
    expect(real.grants, `grant order after step ${step} (${op.kind})`).toEqual(model.grants);
    expect(real.outcomes).toEqual(model.outcomes);
    expect([queue.size, queue.sizeBy('high'), queue.sizeBy('normal'), queue.sizeBy('low')]).toEqual([
      model.waiting.length,
      model.sizeBy(0),
      model.sizeBy(1),
      model.sizeBy(2),
    ]);
    expect(queue.pending).toBe(model.running.length);
    expect(queue.pausedUntil).toBe(model.pausedUntil);
    check(step);
  }
  return { model, real, ids: nextId };
}

const configArb: fc.Arbitrary<Config> = fc.record({
  capacity: fc.integer({ min: 0, max: 8 }),
  concurrency: fc.integer({ min: 1, max: 3 }),
  agingMs: fc.constantFrom(Number.POSITIVE_INFINITY, 40, 100, 250),
  overflow: fc.constantFrom<OverflowPolicy>('reject', 'shed-lowest'),
});

// size 'max': lengths spread over the whole range, not fast-check's default bias towards short arrays.
const opsArb = fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' });

describe('AdmissionQueue properties', () => {
  it('without aging, dispatch order is priority then FIFO, matching the reference model step by step', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb.map((c) => ({ ...c, agingMs: Number.POSITIVE_INFINITY })),
        opsArb,
        async (config, ops) => {
          await runOps(config, ops);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with aging, the queue matches the reference model (limits, aborts, deadlines, pauses, shedding)', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, opsArb, async (config, ops) => {
        await runOps(config, ops);
      }),
      { numRuns: 200 },
    );
  });

  it('a waiting entry is dispatched before any entry enqueued more than (levels apart) * agingMs after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          capacity: fc.constant(Number.POSITIVE_INFINITY),
          concurrency: fc.integer({ min: 1, max: 2 }),
          agingMs: fc.constantFrom(20, 50, 100),
          overflow: fc.constant<OverflowPolicy>('reject'),
        }),
        fc.array(opArb, { minLength: 20, maxLength: 100, size: 'max' }),
        async (config, ops) => {
          const { real } = await runOps(config, ops);
          const position = new Map(real.grants.map((id, index) => [id, index]));
          const level = new Map<number, number>();
          let id = 0;
          for (const op of ops) if (op.kind === 'acquire') level.set(id++, LEVELS[op.priority]);
          for (const x of real.grants) {
            for (const y of real.grants) {
              const lx = level.get(x) as number;
              const ly = level.get(y) as number;
              const ex = real.enqueuedAt.get(x) as number;
              const ey = real.enqueuedAt.get(y) as number;
              if (ly < lx && ey > ex + (lx - ly) * config.agingMs) {
                expect(position.get(x) as number).toBeLessThan(position.get(y) as number);
              }
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('running never exceeds concurrency, waiting never exceeds capacity, every acquire settles exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, opsArb, async (config, ops) => {
        const { real, ids } = await runOps(config, ops);
        // Wind down: close, then release everything still running.
        real.queue.close(new Error('end'));
        for (const id of real.grants) real.permits.get(id)?.release();
        await real.clock.runAll();
        expect(real.queue.size).toBe(0);
        expect(real.queue.pending).toBe(0);
        expect(real.clock.pendingTimers).toBe(0);
        for (let id = 0; id < ids; id++) expect(real.settles.get(id), `acquire ${id}`).toBe(1);
        expect(real.dispatches).toBe(real.grants.length);
        await expect(real.queue.onIdle()).resolves.toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('a cancelled entry leaves no trace: the rest runs as if it had never been queued', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          capacity: fc.constant(Number.POSITIVE_INFINITY),
          concurrency: fc.integer({ min: 1, max: 3 }),
          agingMs: fc.constantFrom(Number.POSITIVE_INFINITY, 50, 100),
          overflow: fc.constant<OverflowPolicy>('reject'),
        }),
        // Unbounded capacity: a waiting ghost must not be able to crowd anyone out.
        opsArb.map((ops) =>
          ops.map((op) => (op.kind === 'setLimits' ? { ...op, capacity: Number.POSITIVE_INFINITY } : op)),
        ),
        async (config, ops) => {
          const withGhosts = await runOps(config, ops);
          // Entries that were cancelled while waiting are the ghosts; replay without them.
          const ghosts = new Set(
            [...withGhosts.real.outcomes].filter(([, outcome]) => outcome === 'AbortError').map(([id]) => id),
          );
          fc.pre(ghosts.size > 0);
          const idMap = new Map<number, number>();
          const replay: Op[] = [];
          const abortable: number[] = [];
          let id = 0;
          let replayId = 0;
          for (const op of ops) {
            if (op.kind === 'acquire') {
              const current = id++;
              if (op.abortable) abortable.push(current);
              if (ghosts.has(current)) continue;
              idMap.set(current, replayId++);
              replay.push(op);
            } else if (op.kind === 'abort') {
              if (abortable.length === 0) continue;
              const [target] = abortable.splice(op.pick % abortable.length, 1) as [number];
              if (!ghosts.has(target))
                replay.push({ kind: 'abort', pick: -1 - (idMap.get(target) as number) });
            } else replay.push(op);
          }
          const clean = await runReplay(config, replay);
          const expected = withGhosts.real.grants.map((g) => idMap.get(g));
          expect(clean.grants).toEqual(expected);
          expect(clean.queue.size).toBe(withGhosts.real.queue.size);
          for (const level of ['high', 'normal', 'low'] as const) {
            expect(clean.queue.sizeBy(level)).toBe(withGhosts.real.queue.sizeBy(level));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Replays ops on a real queue only; an abort with a negative pick names entry `-1 - pick` directly. */
async function runReplay(config: Config, ops: Op[]) {
  const real = new Harness(config);
  let nextId = 0;
  const running: number[] = [];
  const order: number[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'acquire': {
        const id = nextId++;
        const deadline = op.deadlineIn === undefined ? undefined : real.clock.now() + op.deadlineIn;
        real.acquire(id, op.priority, op.abortable, deadline);
        break;
      }
      case 'release': {
        if (running.length === 0) break;
        const [id] = running.splice(op.pick % running.length, 1) as [number];
        real.permits.get(id)?.release();
        break;
      }
      case 'abort':
        real.controllers.get(-1 - op.pick)?.abort();
        break;
      case 'advance':
        await real.clock.advance(op.ms);
        break;
      case 'setLimits':
        real.queue.setLimits({ capacity: op.capacity, concurrency: op.concurrency });
        break;
      case 'pause':
        real.queue.pauseUntil(real.clock.now() + op.ms);
        break;
      case 'resume':
        real.queue.resume();
        break;
    }
    await flushMicrotasks();
    for (const id of real.grants.slice(order.length)) {
      order.push(id);
      running.push(id);
    }
  }
  return { grants: real.grants, queue: real.queue };
}
