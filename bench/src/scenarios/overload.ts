/**
 * Scenario 4, overload: `requests` calls made at once (one synchronous loop) against a lane with room for
 * `capacity` waiting and `concurrency` running. Everything beyond must fail at once with QueueFullError.
 * Measured: the time from the first call until the last QueueFullError has reached its caller, and the
 * worst event-loop delay meanwhile (`perf_hooks.monitorEventLoopDelay`, 1 ms resolution), which includes the
 * synchronous loop itself: making 10k calls is part of the burst.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AdmissionQueue, QueueFullError } from '@ipfs-accelerate/core';
import { createOpenAI } from '@ipfs-accelerate/openai';
import { CHAT_REQUEST, LOOPBACK_API_KEY } from '../chat-request.js';
import { atMost, formatNumber, median, type Row, type ScenarioReport } from '../harness.js';
import type { LoopbackServer } from '../loopback/start-server.js';

/** Sizes of scenario 4. */
export interface OverloadOptions {
  /** Calls made at once. @default 10000 */
  requests?: number;
  /** Waiting room of the lane. @default 100 */
  capacity?: number;
  /** Running slots of the lane. @default 64 */
  concurrency?: number;
  /** Measured rounds. @default 5 */
  rounds?: number;
}

/** One burst: how long shedding took and the worst event-loop delay, in ms. */
export interface BurstFigures {
  shedMs: number;
  worstLoopDelayMs: number;
  shed: number;
  admitted: number;
}

function queueFullError(): QueueFullError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new QueueFullError('queue full');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fires `requests` calls of `call` in one loop. Resolves once every call settled. A call that fails with
 * anything but QueueFullError is a bug of the run and throws.
 */
export async function burst(call: () => Promise<unknown>, requests: number): Promise<BurstFigures> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // Let the histogram's timer start ticking before the burst.
  await sleep(5);
  histogram.enable();
  await sleep(2);
  let shed = 0;
  let admitted = 0;
  let lastShedAt = 0;
  const onShed = (error: unknown) => {
    if (!(error instanceof QueueFullError)) throw error;
    shed++;
    lastShedAt = performance.now();
  };
  const onDone = () => {
    admitted++;
  };
  const calls = new Array<Promise<void>>(requests);
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) calls[i] = call().then(onDone, onShed);
  await Promise.all(calls);
  // Give the histogram a few ticks to record the delay the burst caused.
  await sleep(5);
  histogram.disable();
  return { shedMs: lastShedAt - t0, worstLoopDelayMs: histogram.max / 1e6, shed, admitted };
}

/** Runs scenario 4 through our whole pipeline and through the bare AdmissionQueue. */
export async function runOverload(
  server: LoopbackServer,
  options: OverloadOptions = {},
): Promise<ScenarioReport> {
  const { requests = 10_000, capacity = 100, concurrency = 64, rounds = 5 } = options;
  const client = createOpenAI({
    apiKey: LOOPBACK_API_KEY,
    baseURL: server.baseURL,
    queue: { capacity, concurrency },
  });
  const subjects: Record<string, () => () => Promise<unknown>> = {
    'ours: createOpenAI (whole pipeline)': () => () => client.chat(CHAT_REQUEST),
    'ours: AdmissionQueue alone': () => {
      const queue = new AdmissionQueue({ capacity, concurrency });
      return () => queue.run(() => undefined);
    },
    // What any shedding costs in JavaScript: a fresh error (no stack) and a rejected promise per call.
    'floor: reject every call at once': () => () => Promise.reject(queueFullError()),
  };
  const rows: Row[] = [];
  const figures = new Map<string, BurstFigures[]>();
  try {
    for (const [name, make] of Object.entries(subjects)) {
      const results: BurstFigures[] = [];
      // Warm-up: three bursts, since the optimiser is still at work on the second one.
      for (let w = 0; w < 3; w++) await burst(make(), requests);
      for (let r = 0; r < rounds; r++) {
        (globalThis as { gc?: () => void }).gc?.();
        results.push(await burst(make(), requests));
      }
      figures.set(name, results);
      const shedMs = results.map((f) => f.shedMs);
      const delays = results.map((f) => f.worstLoopDelayMs);
      const last = results[results.length - 1] as BurstFigures;
      rows.push({
        name,
        samples: shedMs,
        median: median(shedMs),
        extra: {
          'worst event-loop delay, median (max) ms': `${formatNumber(median(delays), 1)} (${formatNumber(Math.max(...delays), 1)})`,
          'shed / admitted': `${last.shed.toLocaleString('en-US')} / ${last.admitted}`,
        },
      });
    }
  } finally {
    await client.close();
  }
  const ours = figures.get('ours: createOpenAI (whole pipeline)') ?? [];
  const shedMedian = median(ours.map((f) => f.shedMs));
  const delayMedian = median(ours.map((f) => f.worstLoopDelayMs));
  return {
    id: '4',
    title: 'Overload (shedding a burst)',
    unit: 'ms to shed',
    setup: `${requests.toLocaleString('en-US')} calls at once against capacity ${capacity} (concurrency ${concurrency}); ${rounds} rounds after a warm-up of 3 bursts. Lower is better.`,
    rows,
    targets: [
      atMost(
        `shed ${requests.toLocaleString('en-US')} in < 50 ms (median)`,
        shedMedian,
        50,
        (v) => `${formatNumber(v, 1)} ms`,
      ),
      atMost('worst event-loop delay < 20 ms (median)', delayMedian, 20, (v) => `${formatNumber(v, 1)} ms`),
    ],
    notes: [
      'The event-loop delay includes the synchronous loop that makes the calls, and every rejection handled in the same turn.',
    ],
  };
}
