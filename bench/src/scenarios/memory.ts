/**
 * Scenario 5, memory over time: `requests` chat requests through our backend with tracking on, 64 in flight,
 * against the loopback server; the heap after a full collection at checkpoints. The ledger is a ring and
 * fixed-size aggregates, so the heap must stay flat however many requests went through.
 */
import { createOpenAI } from '@ipfs-accelerate/openai';
import { CHAT_REQUEST, LOOPBACK_API_KEY } from '../chat-request.js';
import { atMost, canCollectGarbage, collectGarbage, formatNumber, type ScenarioReport } from '../harness.js';
import type { LoopbackServer } from '../loopback/start-server.js';
import { StubDispatcher } from '../stub-dispatcher.js';
import { drive } from './throughput.js';

/** Sizes of scenario 5. */
export interface MemoryOptions {
  /** Requests in all. @default 200000 */
  requests?: number;
  /** The first checkpoint (the growth is measured from here). @default 20000 */
  firstCheckpoint?: number;
  /** Checkpoints in all, evenly spaced after the first. @default 10 */
  checkpoints?: number;
  /** @default 64 */
  concurrency?: number;
  /** Send through an in-process stub dispatcher instead of HTTP. @default false */
  stub?: boolean;
}

function heapAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => `${formatNumber(bytes / 1024 / 1024, 2)} MB`;

/** Runs scenario 5 and reports the heap at each checkpoint. */
export async function runMemory(
  server: LoopbackServer,
  options: MemoryOptions = {},
): Promise<ScenarioReport> {
  const {
    requests = 200_000,
    firstCheckpoint = 20_000,
    checkpoints = 10,
    concurrency = 64,
    stub = false,
  } = options;
  const client = createOpenAI({
    apiKey: LOOPBACK_API_KEY,
    baseURL: server.baseURL,
    queue: { concurrency, capacity: 1000 },
    tracking: { enabled: true },
    ...(stub ? { dispatcher: new StubDispatcher() } : {}),
  });
  const marks: { at: number; heap: number; rps: number }[] = [];
  try {
    let done = 0;
    const step = (requests - firstCheckpoint) / Math.max(1, checkpoints - 1);
    const targets = [
      firstCheckpoint,
      ...Array.from({ length: checkpoints - 1 }, (_, i) => Math.round(firstCheckpoint + step * (i + 1))),
    ];
    for (const target of targets) {
      const rps = await drive(() => client.chat(CHAT_REQUEST), target - done, concurrency);
      done = target;
      marks.push({ at: done, heap: heapAfterGc(), rps });
    }
    const stats = client.stats();
    if (stats.requests !== requests || stats.failed !== 0) {
      throw new Error(
        `ledger counted ${stats.requests} requests, ${stats.failed} failed; expected ${requests}, 0`,
      );
    }
  } finally {
    await client.close();
  }
  const first = marks[0] as { heap: number };
  const last = marks[marks.length - 1] as { heap: number };
  const growth = last.heap - first.heap;
  const peak = Math.max(...marks.map((m) => m.heap));
  return {
    id: '5',
    title: 'Memory over time (tracking on)',
    unit: 'MB heap after GC',
    setup: `${requests.toLocaleString('en-US')} chat requests through createOpenAI with tracking on, ${concurrency} in flight, ${stub ? 'through an in-process stub dispatcher' : 'against the loopback server over HTTP'}; heap after a full collection at ${marks.length} checkpoints.`,
    rows: marks.map((m) => ({
      name: `after ${m.at.toLocaleString('en-US')} requests`,
      samples: [m.heap / 1024 / 1024],
      median: m.heap / 1024 / 1024,
      extra: {
        'growth since first checkpoint': mb(m.heap - first.heap),
        'requests/s in the stretch': formatNumber(m.rps),
      },
    })),
    targets: [
      atMost(
        `heap growth from ${firstCheckpoint.toLocaleString('en-US')} to ${requests.toLocaleString('en-US')} requests < 10 MB`,
        growth,
        10 * 1024 * 1024,
        mb,
      ),
    ],
    notes: [
      `peak of the checkpoints ${mb(peak)}; the ledger keeps the last 1,000 records plus fixed-size aggregates.`,
      ...(canCollectGarbage() ? [] : ['heap figures need `--expose-gc`; without it they include garbage.']),
    ],
  };
}
