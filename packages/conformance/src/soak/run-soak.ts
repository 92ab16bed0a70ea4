/**
 * The chaos soak: drives many requests through one backend against its emulators while they inject a seeded
 * random mix of faults, then checks the invariants the library promises (see {@link runSoak}).
 */
import type { BackendControl, Priority, RequestOptions } from '@ipfs-accelerate/core';
import type { Emulator } from '../emulator/types.js';
import { CONFORMANCE_API_KEY } from '../suite/runner.js';
import type { ConformanceSubject, SubjectClientOptions } from '../suite/types.js';
import { FaultMix, SOAK_FAULT_KINDS, type SoakFaultKind } from './fault-mix.js';
import { createRandom, type Random } from './random.js';
import { activeResources, settledResources } from './resources.js';
import { SoakLedger } from './soak-ledger.js';
import type { CallerOutcome, SoakOptions, SoakReport } from './soak-types.js';

const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];
const PRIORITY_WEIGHTS = [1, 3, 1];

/** The soak's pipeline settings: small limits and short times, so faults cost milliseconds, not seconds. */
export const SOAK_CLIENT_DEFAULTS = Object.freeze({
  queue: { concurrency: 4, capacity: 16 },
  breaker: { consecutiveFailures: 5, openMs: 50, probeTimeoutMs: 1_000 },
  retry: { maxRetries: 3, initialDelayMs: 2, maxDelayMs: 20, maxRetryAfterMs: 100 },
  timeouts: { attemptMs: 2_000, firstByteMs: 150, idleMs: 100, connectMs: 1_000 },
  tracking: { recentCapacity: 0 },
} satisfies Partial<SubjectClientOptions>);

/**
 * Soaks one backend. Each lane gets its own emulator with a fault source drawing from the seeded mix (429 with
 * and without `retry-after-ms`, bursts of 5xx, 529, resets before and after headers, hangs, truncated and
 * malformed bodies and streams, in-band stream errors, drips, delays); the caller aborts some requests, sets short
 * deadlines on others, stops reading some streams early, and now and then offers more than the queues hold.
 * After the chaos phase the faults stop and `recoveryRequests` clean calls must all succeed.
 *
 * Invariants checked (each broken one is a line in `violations`): every request settles exactly once, with a
 * result or an {@link AccelerateError}, and the tracker ends its record exactly once with the same outcome; no
 * unhandled rejection; no emulator sees more concurrent requests than its lane's concurrency, and no queue holds
 * more than its capacity; no request makes more attempts than `maxRetries + 1`, and retries stay within what the
 * retry budget can pay for; a breaker opened (unless `expectBreakerTrips` is false) and every breaker is closed
 * at the end; after everything is closed, the process holds no more sockets, timers or handles than before.
 */
export async function runSoak<C extends BackendControl>(
  subject: ConformanceSubject<C>,
  options: SoakOptions,
): Promise<SoakReport> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const laneCount = options.lanes ?? 2;
  const settings = mergeClientOptions(options.client);
  const baseline = activeResources();
  const ledger = new SoakLedger(subject.name);
  const unhandled = trapUnhandled();
  const emulators: Emulator[] = [];
  const mixes: FaultMix[] = [];
  let client: C | undefined;
  const report = emptyReport(subject, seed, settings);
  try {
    for (let i = 0; i < laneCount; i++) {
      const emulator = await subject.startEmulator({ apiKeys: [CONFORMANCE_API_KEY] });
      emulator.setRequestLogLimit(0);
      const mix = new FaultMix(createRandom(seed * 31 + i + 1), {
        rate: options.faultRate ?? 0.2,
        weights: options.faultWeights,
        isStream: (request) => subject.tagOf(request)?.endsWith('-s') ?? false,
      });
      emulator.setFaultSource(mix.source);
      emulators.push(emulator);
      mixes.push(mix);
    }
    client = subject.createClient({
      ...settings,
      endpoints: emulators.map((emulator, i) => ({
        id: `lane-${i}`,
        baseURL: emulator.baseURL,
        apiKey: CONFORMANCE_API_KEY,
      })),
    });
    const driver = new Driver(subject, client, random, ledger, options);
    const sampler = sampleQueues(client, report);
    try {
      await driver.chaos(options.requests);
      for (const emulator of emulators) emulator.setFaultSource(undefined);
      const width = client.lanes().reduce((sum, lane) => sum + lane.queue.concurrency, 0);
      await driver.recover(options.recoveryRequests ?? 20, width, () => (client as C).lanes());
    } finally {
      clearInterval(sampler);
    }
    report.requests = driver.issued;
    report.streams = driver.streams;
    report.callerCancels = driver.cancels;
    report.maxInFlight = Math.max(...emulators.map((e) => e.maxInFlight));
    for (const lane of client.lanes()) {
      if (lane.breaker.state !== 'closed')
        report.violations.push(`breaker of ${lane.id} ends ${lane.breaker.state}`);
    }
    const budget = client.stats().retryBudget;
    ledger.check(report, settings, driver.outcomes, budget);
  } catch (error) {
    report.violations.push(
      `the soak itself failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    if (client) {
      const closed = await closeWithin(client, report.violations.length > 0 ? 0 : 5_000);
      if (!closed)
        report.violations.push('the client did not close cleanly within 5 s of the last request settling');
    }
    await Promise.allSettled(emulators.map((e) => e.close()));
    ledger.dispose();
    unhandled.dispose();
  }
  for (const mix of mixes) {
    for (const kind of SOAK_FAULT_KINDS) report.faults[kind] += mix.counts[kind];
  }
  report.faultsInjected = mixes.reduce((sum, mix) => sum + mix.injected, 0);
  report.unhandledRejections = unhandled.count;
  if (unhandled.count > 0) {
    report.violations.push(`${unhandled.count} unhandled rejections or exceptions: ${unhandled.first}`);
  }
  if (report.maxInFlight > report.concurrencyLimit) {
    report.violations.push(
      `an emulator saw ${report.maxInFlight} concurrent requests; the lane allows ${report.concurrencyLimit}`,
    );
  }
  if (report.maxQueued > report.capacity) {
    report.violations.push(`a queue held ${report.maxQueued} requests; its capacity is ${report.capacity}`);
  }
  if ((options.expectBreakerTrips ?? options.requests >= 400) && report.breakerTrips === 0) {
    report.violations.push('no breaker opened: the mix never tripped one');
  }
  report.leaks = await settledResources(baseline);
  if (report.leaks.length > 0) report.violations.push(`leaked after close: ${report.leaks.join(', ')}`);
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/**
 * Closes the client gracefully, or destroys it when that takes longer than `ms` (at once for 0: after a broken
 * run something may still hang, and the soak must end either way). Whether the graceful close finished.
 */
async function closeWithin(client: BackendControl, ms: number): Promise<boolean> {
  if (ms === 0) {
    await client.destroy().catch(() => undefined);
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const closed = await Promise.race([
    client.close().then(
      () => true,
      () => false,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (!closed) await client.destroy().catch(() => undefined);
  return closed;
}

/** The soak's defaults under the caller's settings, section by section. */
function mergeClientOptions(given: Partial<SubjectClientOptions> = {}): SubjectClientOptions {
  const d = SOAK_CLIENT_DEFAULTS;
  return {
    ...given,
    endpoints: [],
    queue: { ...d.queue, ...given.queue },
    breaker: { ...d.breaker, ...given.breaker },
    retry: { ...d.retry, ...given.retry },
    timeouts: { ...d.timeouts, ...given.timeouts },
    tracking: { ...d.tracking, ...given.tracking },
  };
}

function emptyReport(
  subject: ConformanceSubject<BackendControl> | ConformanceSubject<never>,
  seed: number,
  settings: SubjectClientOptions,
): SoakReport {
  return {
    name: subject.name,
    title: subject.title,
    seed,
    requests: 0,
    streams: 0,
    settled: { success: 0, error: 0, broken: 0 },
    errorsByCode: {},
    faults: Object.fromEntries(SOAK_FAULT_KINDS.map((kind) => [kind, 0])) as Record<SoakFaultKind, number>,
    faultsInjected: 0,
    callerCancels: 0,
    retries: 0,
    maxAttempts: 0,
    breakerTrips: 0,
    breakerRecoveries: 0,
    shed: 0,
    maxInFlight: 0,
    concurrencyLimit: settings.queue?.concurrency ?? 5,
    maxQueued: 0,
    capacity: settings.queue?.capacity ?? 100,
    unhandledRejections: 0,
    leaks: [],
    durationMs: 0,
    violations: [],
  };
}

/** Samples every lane's queue each few ms: the largest queue and running count seen go into the report. */
function sampleQueues(client: BackendControl, report: SoakReport): NodeJS.Timeout {
  const timer = setInterval(() => {
    for (const lane of client.lanes()) {
      if (lane.queue.size > report.maxQueued) report.maxQueued = lane.queue.size;
      if (lane.queue.pending > lane.queue.concurrency) {
        report.violations.push(
          `${lane.id} ran ${lane.queue.pending} at once; its concurrency is ${lane.queue.concurrency}`,
        );
      }
    }
  }, 2);
  timer.unref();
  return timer;
}

/** Counts unhandled rejections and uncaught exceptions while a soak runs. */
function trapUnhandled(): { count: number; first: string; dispose(): void } {
  const trap = {
    count: 0,
    first: '',
    dispose(): void {
      process.off('unhandledRejection', onProblem);
      process.off('uncaughtException', onProblem);
    },
  };
  function onProblem(reason: unknown): void {
    if (trap.count++ === 0)
      trap.first = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  }
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  return trap;
}

/**
 * How long a caller turned away at once (full queue, open breakers) waits before its next request: the hint when
 * the error has one (capped at 100 ms), else 5-25 ms. Other outcomes go on at once.
 */
function turnedAwayPause(error: unknown, random: Random): number {
  const { code, retryAfterMs } = (error ?? {}) as { code?: unknown; retryAfterMs?: unknown };
  if (code !== 'queue_full' && code !== 'circuit_open') return 0;
  return typeof retryAfterMs === 'number' && retryAfterMs > 0
    ? Math.min(retryAfterMs, 100)
    : random.int(5, 25);
}

/** Issues the soak's requests and records how each settled. */
class Driver<C extends BackendControl> {
  issued = 0;
  streams = 0;
  cancels = 0;
  /** Caller-side outcome by request id; a second settle of one id is a violation. */
  readonly outcomes = new Map<string, CallerOutcome>();
  readonly #subject: ConformanceSubject<C>;
  readonly #client: C;
  readonly #random: Random;
  readonly #ledger: SoakLedger;
  readonly #options: SoakOptions;

  constructor(
    subject: ConformanceSubject<C>,
    client: C,
    random: Random,
    ledger: SoakLedger,
    options: SoakOptions,
  ) {
    this.#subject = subject;
    this.#client = client;
    this.#random = random;
    this.#ledger = ledger;
    this.#options = options;
  }

  /**
   * Issues `total` requests from `outstanding` callers, each sending its next request when the last one
   * settled (after a pause when it was turned away), plus a burst of `burstSize` at once every `burstEvery`
   * requests; resolves when all settled, rejects when they do not within `settleTimeoutMs` of the last one.
   */
  async chaos(total: number): Promise<void> {
    const outstanding = this.#options.outstanding ?? 24;
    const burstEvery = this.#options.burstEvery ?? 1_000;
    const burstSize = this.#options.burstSize ?? 60;
    let next = 0;
    let settled = 0;
    const all: Promise<unknown>[] = [];
    const send = async (): Promise<void> => {
      const { pauseMs } = await this.one(next++, true);
      if (++settled % 500 === 0) this.#options.onProgress?.(settled, total);
      // Like a real caller, breathe before the next request, longer after being turned away at once: a
      // caller that re-offered at once would spin through every request while a queue is full.
      await new Promise<void>((resolve) =>
        pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve),
      );
    };
    const limit = this.#options.settleTimeoutMs ?? 60_000;
    let watchdog: NodeJS.Timeout | undefined;
    let armWatchdog = (): void => undefined;
    const overdue = new Promise<never>((_, reject) => {
      armWatchdog = () => {
        watchdog ??= setTimeout(() => {
          reject(
            new Error(`${total - settled} requests did not settle within ${limit} ms of the last one issued`),
          );
        }, limit);
      };
    });
    const caller = async (): Promise<void> => {
      while (next < total) {
        if (next > 0 && next % burstEvery === 0) {
          for (let i = 0; i < burstSize && next < total - 1; i++) all.push(send());
        }
        await send();
      }
      armWatchdog();
    };
    for (let i = 0; i < Math.min(outstanding, total); i++) all.push(caller());
    try {
      // Callers push their bursts before they finish, so the second look sees every request.
      await Promise.race([Promise.all(all).then(() => Promise.all(all)), overdue]);
    } finally {
      clearTimeout(watchdog);
    }
  }

  /**
   * Once the faults stop: rounds of as many concurrent clean calls as the lanes run at once (so least-loaded
   * spreads them over every lane and each breaker gets its probe), until `count` calls in whole rounds succeeded
   * and every breaker is closed again; 5 s of real time at most.
   */
  async recover(
    count: number,
    width: number,
    lanes: () => readonly { breaker: { state: string } }[],
  ): Promise<void> {
    const deadline = Date.now() + 5_000;
    let clean = 0;
    while (clean < count) {
      const round = await Promise.all(Array.from({ length: width }, () => this.one(this.issued, false)));
      const ok = round.every((r) => r.outcome === 'success');
      clean = ok && lanes().every((lane) => lane.breaker.state === 'closed') ? clean + width : 0;
      if (clean >= count) return;
      if (Date.now() > deadline) {
        throw new Error('the backend did not recover within 5 s of the faults stopping');
      }
      if (!ok) await new Promise<void>((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Issues request `index` and settles it; `chaos` adds caller aborts, deadlines and early stops. */
  async one(index: number, chaos: boolean): Promise<{ outcome: CallerOutcome; pauseMs: number }> {
    this.issued++;
    const random = this.#random;
    const subject = this.#subject;
    const stream = subject.stream !== undefined && random.chance(this.#options.streamShare ?? 0.3);
    if (stream) this.streams++;
    const requestId = `soak_${subject.name}_${index}`;
    const tag = `soak-${index}-${stream ? 's' : 'c'}`;
    const request: RequestOptions = { requestId, priority: random.pick(PRIORITIES, PRIORITY_WEIGHTS) };
    let timer: NodeJS.Timeout | undefined;
    if (chaos && random.chance(this.#options.abortRate ?? 0.03)) {
      const controller = new AbortController();
      request.signal = controller.signal;
      timer = setTimeout(() => controller.abort(), random.int(0, 30));
      this.cancels++;
    } else if (chaos && random.chance(this.#options.deadlineRate ?? 0.02)) {
      request.deadlineMs = random.int(5, 80);
      this.cancels++;
    }
    const breakEarly = chaos && stream && random.chance(this.#options.earlyBreakRate ?? 0.05);
    let outcome: CallerOutcome;
    let pauseMs = 0;
    try {
      if (stream && subject.stream) {
        let events = 0;
        for await (const _ of subject.stream(this.#client, tag, request)) {
          events++;
          if (breakEarly) break;
        }
        outcome = breakEarly && events > 0 ? 'broken' : 'success';
      } else {
        await subject.call(this.#client, tag, request);
        outcome = 'success';
      }
    } catch (error) {
      outcome = 'error';
      this.#ledger.callerError(requestId, error);
      pauseMs = turnedAwayPause(error, random);
    } finally {
      clearTimeout(timer);
    }
    if (this.outcomes.has(requestId)) this.#ledger.violation(`${requestId} settled twice`);
    this.outcomes.set(requestId, outcome);
    return { outcome, pauseMs };
  }
}
