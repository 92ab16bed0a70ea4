/**
 * Scenario 3, the scheduler alone: `tasks` no-op tasks handed over at once, three priorities mixed
 * (high, normal, low in turn), at most `concurrency` running; ops/s from the first hand-over to the last
 * completion. Then the heap each waiting task holds: `queued` tasks waiting behind `concurrency` blocked
 * ones, heap after a full collection minus heap before (the array holding the returned promises is allocated
 * before the first reading, so it is not counted).
 */
import { AdmissionQueue, type Priority } from '@ipfs-accelerate/core';
import { bulkhead } from 'cockatiel';
import PQueue from 'p-queue';
import {
  atLeast,
  atMost,
  type Candidate,
  canCollectGarbage,
  collectGarbage,
  formatNumber,
  rowOf,
  runRounds,
  type ScenarioReport,
  toRows,
} from '../harness.js';
import { MinimalLimiter } from '../minimal-limiter.js';

/** Sizes of scenario 3. */
export interface SchedulerOptions {
  /** Tasks per round. @default 200000 */
  tasks?: number;
  /** Tasks waiting when the heap is measured. @default 100000 */
  queued?: number;
  /** @default 64 */
  concurrency?: number;
  /** Measured rounds of the fast candidates. @default 5 */
  rounds?: number;
  /** Measured rounds of p-queue and cockatiel, whose rounds take seconds. @default 1 */
  slowRounds?: number;
}

/** Hands one task to a scheduler; resolves when it ran. `level` 0 is high. */
type Submit = (task: () => unknown, level: 0 | 1 | 2) => Promise<unknown>;

/** One scheduler, made fresh for each measurement. */
interface Scheduler {
  name: string;
  /** Slow candidates run fewer rounds. */
  slow?: boolean;
  create(concurrency: number, capacity: number): Submit;
}

const PRIORITY_OF: readonly Priority[] = ['high', 'normal', 'low'];
// p-queue runs the larger number first.
const PQUEUE_PRIORITY = [2, 1, 0] as const;

const noop = (): undefined => undefined;

// What the dispatch observer of our queue counted (it must be seen to run, or it was not on).
let observedDispatches = 0;

/** Dispatches our queue's `onDispatch` observer has seen in this process. */
export function dispatchesObserved(): number {
  return observedDispatches;
}

export const SCHEDULER_BASELINE = 'minimal three-deque limiter (floor)';
export const OUR_SCHEDULER = 'ours: AdmissionQueue, every feature on';

/** The schedulers compared, each configured for mixed priorities. */
export const SCHEDULERS: readonly Scheduler[] = [
  {
    name: SCHEDULER_BASELINE,
    create: (concurrency) => {
      const limiter = new MinimalLimiter(concurrency);
      return (task, level) => limiter.run(task, level);
    },
  },
  {
    name: OUR_SCHEDULER,
    create: (concurrency, capacity) => {
      // Every feature on: bounded capacity with shed-lowest overflow, priorities, aging, a dispatch observer.
      const queue = new AdmissionQueue({
        concurrency,
        capacity,
        agingMs: 5_000,
        overflow: 'shed-lowest',
        onDispatch: () => {
          observedDispatches++;
        },
      });
      const options = PRIORITY_OF.map((priority) => ({ priority }));
      return (task, level) => queue.run(task, options[level]);
    },
  },
  {
    name: 'p-queue (priorities)',
    slow: true,
    create: (concurrency) => {
      const queue = new PQueue({ concurrency });
      return (task, level) => queue.add(task, { priority: PQUEUE_PRIORITY[level] });
    },
  },
  {
    name: 'cockatiel bulkhead (no priorities)',
    slow: true,
    create: (concurrency, capacity) => {
      const policy = bulkhead(concurrency, capacity);
      return (task) => policy.execute(task);
    },
  },
];

/** Runs `tasks` no-op tasks through a fresh scheduler; returns ops/s. */
export async function throughputOf(
  scheduler: Scheduler,
  tasks: number,
  concurrency: number,
): Promise<number> {
  const submit = scheduler.create(concurrency, tasks);
  const pending = new Array<Promise<unknown>>(tasks);
  const t0 = performance.now();
  for (let i = 0; i < tasks; i++) pending[i] = submit(noop, (i % 3) as 0 | 1 | 2);
  await Promise.all(pending);
  return tasks / ((performance.now() - t0) / 1000);
}

/** Heap bytes per waiting task with `queued` waiting behind `concurrency` blocked ones. */
export async function heapPerQueued(
  scheduler: Scheduler,
  queued: number,
  concurrency: number,
): Promise<number> {
  const submit = scheduler.create(concurrency, queued + concurrency);
  const pending = new Array<Promise<unknown>>(queued + concurrency).fill(Promise.resolve());
  let unblock: () => void = noop;
  const gate = new Promise<void>((resolve) => {
    unblock = resolve;
  });
  for (let i = 0; i < concurrency; i++) pending[i] = submit(() => gate, 0);
  // Let the blocked tasks start, so every later one waits.
  for (let i = 0; i < 10; i++) await Promise.resolve();
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < queued; i++) pending[concurrency + i] = submit(noop, (i % 3) as 0 | 1 | 2);
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  unblock();
  await Promise.all(pending);
  return (after - before) / queued;
}

/** Runs scenario 3: ops/s with ratios to the floor, and heap bytes per queued task. */
export async function runScheduler(options: SchedulerOptions = {}): Promise<ScenarioReport> {
  const { tasks = 200_000, queued = 100_000, concurrency = 64, rounds = 5, slowRounds = 1 } = options;
  const warmupTasks = Math.min(tasks, 20_000);
  const fast = SCHEDULERS.filter((s) => !s.slow);
  const slow = SCHEDULERS.filter((s) => s.slow);
  const asCandidates = (list: readonly Scheduler[]): Candidate[] =>
    list.map((s) => ({
      name: s.name,
      measure: (round) => throughputOf(s, round.warmup ? warmupTasks : tasks, concurrency),
    }));
  const samples = await runRounds(asCandidates(fast), { rounds });
  for (const [name, values] of await runRounds(asCandidates(slow), { rounds: slowRounds }))
    samples.set(name, values);
  const rows = toRows(samples, SCHEDULER_BASELINE);
  const heap = new Map<string, number>();
  for (const s of SCHEDULERS) {
    const values: number[] = [];
    for (let i = 0; i < 3; i++) values.push(await heapPerQueued(s, queued, concurrency));
    values.sort((a, b) => a - b);
    heap.set(s.name, values[1] as number);
  }
  for (const row of rows)
    row.extra = { 'heap bytes per queued task': formatNumber(heap.get(row.name) ?? Number.NaN) };
  const ours = rowOf(rows, OUR_SCHEDULER);
  const pQueue = rowOf(rows, 'p-queue (priorities)');
  const ourHeap = heap.get(OUR_SCHEDULER) ?? Number.NaN;
  return {
    id: '3',
    title: 'Scheduler (enqueue to dispatch, no-op tasks)',
    unit: 'tasks/s',
    setup: `${tasks.toLocaleString('en-US')} no-op tasks handed over at once, priorities high/normal/low in turn, concurrency ${concurrency}; ${rounds} rounds after a warm-up (p-queue and cockatiel: ${slowRounds}, their rounds take seconds). Heap: ${queued.toLocaleString('en-US')} tasks waiting, median of 3.`,
    baseline: SCHEDULER_BASELINE,
    rows,
    targets: [
      atLeast('ours >= 10x p-queue', ours.median / pQueue.median, 10),
      atLeast('ours >= 0.5x the minimal limiter', ours.ratio ?? 0, 0.5),
      atMost('ours <= 300 heap bytes per queued task', ourHeap, 300, (v) => `${formatNumber(v)} B`),
    ],
    notes: [
      `ours vs p-queue: ${(ours.median / pQueue.median).toFixed(1)}x.`,
      'AdmissionQueue is driven through `run(task, { priority })`, the call comparable to `p-queue.add` and `bulkhead.execute`; it has capacity 200k with overflow `shed-lowest`, aging every 5 s and an `onDispatch` observer.',
      ...(canCollectGarbage() ? [] : ['heap figures need `--expose-gc`; without it they include garbage.']),
    ],
  };
}
