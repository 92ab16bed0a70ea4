/**
 * Smoke tests: every scenario runs end to end with tiny sizes against the real loopback server process, so
 * the benchmarks keep working as the code under them changes. No figure is asserted (these are not
 * measurements); shapes, counts and the fairness rules are.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWireBody, LOOPBACK_API_KEY, streamWireBody } from './chat-request.js';
import { median, type ScenarioReport } from './harness.js';
import { chatCompletionJson, chatStreamText } from './loopback/responses.js';
import { type LoopbackServer, startLoopbackServer } from './loopback/start-server.js';
import { parseArgs, QUICK_STREAM_EVENTS, SCENARIOS } from './main.js';
import { MinimalLimiter } from './minimal-limiter.js';
import { runMemory } from './scenarios/memory.js';
import { runOverload } from './scenarios/overload.js';
import { dispatchesObserved, runScheduler } from './scenarios/scheduler.js';
import { runStream, streamClients } from './scenarios/stream.js';
import { runThroughput, throughputClients } from './scenarios/throughput.js';

function expectWellFormed(report: ScenarioReport, rows: number): void {
  expect(report.rows).toHaveLength(rows);
  for (const row of report.rows) {
    expect(row.samples.length).toBeGreaterThan(0);
    expect(Number.isFinite(row.median)).toBe(true);
    expect(row.median).toBeGreaterThan(0);
  }
  expect(report.targets.length).toBeGreaterThan(0);
  for (const target of report.targets) expect(typeof target.met).toBe('boolean');
}

describe('the scenarios, with tiny sizes against the loopback server process', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer({ streamEvents: QUICK_STREAM_EVENTS });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('1. throughput: every candidate completes its requests', async () => {
    const report = await runThroughput(server, {
      requests: 200,
      warmupRequests: 50,
      rounds: 1,
      concurrency: 8,
    });
    expectWellFormed(report, 5);
    expect(report.rows.find((r) => r.ratio === 1)?.name).toBe('undici.request (Pool)');
  });

  it('2. stream: every candidate reads every text delta', async () => {
    // runStream throws when a candidate reads a different number of deltas than the server sent.
    const report = await runStream(server, { events: QUICK_STREAM_EVENTS, streams: 2, rounds: 1 });
    expectWellFormed(report, 5);
  });

  it('3. scheduler: every scheduler runs every task and reports its heap per waiting task', async () => {
    const report = await runScheduler({ tasks: 3000, queued: 500, rounds: 1, slowRounds: 1, concurrency: 8 });
    expectWellFormed(report, 4);
    for (const row of report.rows) expect(row.extra?.['heap bytes per queued task']).toBeDefined();
    expect(dispatchesObserved()).toBeGreaterThan(3000); // the observer was on for every task
  });

  it('4. overload: everything beyond capacity and concurrency is shed with QueueFullError', async () => {
    const report = await runOverload(server, { requests: 300, capacity: 10, concurrency: 4, rounds: 1 });
    expectWellFormed(report, 3);
    expect(report.rows.map((row) => row.extra?.['shed / admitted'])).toEqual([
      '286 / 14',
      '286 / 14',
      '300 / 0',
    ]);
  });

  it('5. memory: the ledger counts every request and the heap is read at each checkpoint', async () => {
    const report = await runMemory(server, { requests: 900, firstCheckpoint: 300, checkpoints: 3 });
    expect(report.rows.map((r) => r.name)).toEqual([
      'after 300 requests',
      'after 600 requests',
      'after 900 requests',
    ]);
    const stub = await runMemory(server, { requests: 300, firstCheckpoint: 100, checkpoints: 2, stub: true });
    expect(stub.setup).toContain('stub dispatcher');
  });
});

describe('fairness: every candidate puts the same request on the wire', () => {
  let capture: Server;
  let origin: string;
  const seen: { url: string; headers: IncomingMessage['headers']; body: unknown }[] = [];
  beforeAll(async () => {
    capture = createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        text += chunk;
      });
      req.on('end', () => {
        const body = JSON.parse(text) as { stream?: boolean };
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(chatStreamText(3));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(chatCompletionJson());
        }
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    capture.closeAllConnections();
    await new Promise((resolve) => capture.close(resolve));
  });
  const target = (): LoopbackServer => ({
    origin,
    baseURL: `${origin}/v1`,
    close: async () => {},
    cpuMicros: async () => 0,
  });

  it('scenario 1: the same chat body, with a key, from all five candidates', async () => {
    seen.length = 0;
    const { clients, close } = throughputClients(target(), 4);
    for (const send of Object.values(clients)) await send();
    await close();
    expect(seen).toHaveLength(5);
    for (const request of seen) {
      expect(request.url).toBe('/v1/chat/completions');
      expect(request.body).toEqual(chatWireBody());
      expect(request.headers.authorization).toBe(`Bearer ${LOOPBACK_API_KEY}`);
    }
  });

  it('scenario 2: the same streaming body from all five candidates, each reading all deltas', async () => {
    seen.length = 0;
    const { readers, close } = streamClients(target());
    for (const read of Object.values(readers)) expect(await read()).toBe(3);
    await close();
    expect(seen).toHaveLength(5);
    for (const request of seen) expect(request.body).toEqual(streamWireBody());
  });
});

describe('the minimal limiter (the floor of scenario 3)', () => {
  it('never runs more than its concurrency and starts waiting tasks by level, FIFO within one', async () => {
    const limiter = new MinimalLimiter(2);
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const task = (name: string, wait?: Promise<void>) => async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(name);
      await wait;
      running--;
      return name;
    };
    const all = [
      limiter.run(task('a', gate), 1),
      limiter.run(task('b', gate), 1),
      limiter.run(task('low', undefined), 2),
      limiter.run(task('normal', undefined), 1),
      limiter.run(task('high-1', undefined), 0),
      limiter.run(task('high-2', undefined), 0),
    ];
    open();
    expect(await Promise.all(all)).toEqual(['a', 'b', 'low', 'normal', 'high-1', 'high-2']);
    expect(order).toEqual(['a', 'b', 'high-1', 'high-2', 'normal', 'low']);
    expect(peak).toBe(2);
  });
});

describe('the command line', () => {
  it('takes --only by name or number, --quick and --out, and skips the -- pnpm passes', () => {
    expect(parseArgs(['--', '--only', 'throughput,3', '--quick', '--out', 'x.md'])).toEqual({
      only: ['throughput', '3'],
      quick: true,
      out: 'x.md',
    });
    expect(parseArgs([])).toEqual({ only: undefined, quick: false, out: undefined });
    expect(() => parseArgs(['--only', 'nope'])).toThrow(/unknown scenario nope/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument/);
    expect(SCENARIOS.map((s) => s.name)).toEqual(['throughput', 'stream', 'scheduler', 'overload', 'memory']);
  });

  it('median takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
