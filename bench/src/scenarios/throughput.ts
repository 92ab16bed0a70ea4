/**
 * Scenario 1, request throughput: non-streaming chat, `requests` per round, 64 in flight, against the loopback
 * server in its own process. Every candidate sends the same body, parses the JSON answer and keeps at most 64
 * requests in flight on at most 64 connections.
 */
import { createOpenAI, type OpenAIClient } from '@ipfs-accelerate/openai';
import OpenAI from 'openai';
import { Pool } from 'undici';
import { CHAT_REQUEST, chatWireBody, JSON_HEADERS, LOOPBACK_API_KEY } from '../chat-request.js';
import { atLeast, type Candidate, rowOf, runRounds, type ScenarioReport, toRows } from '../harness.js';
import type { LoopbackServer } from '../loopback/start-server.js';

/** Sizes of scenario 1. */
export interface ThroughputOptions {
  /** Requests per candidate per measured round. @default 20000 */
  requests?: number;
  /** Requests per candidate in the warm-up round. @default 4000 */
  warmupRequests?: number;
  /** In flight at once. @default 64 */
  concurrency?: number;
  /** Measured rounds. @default 5 */
  rounds?: number;
}

/** A client: sends the chat request once and resolves with something read from the parsed answer. */
export type SendChat = () => Promise<unknown>;

/** Runs `total` sends with `concurrency` loops in flight; returns requests per second. */
export async function drive(send: SendChat, total: number, concurrency: number): Promise<number> {
  let started = 0;
  const loop = async (): Promise<void> => {
    while (started < total) {
      started++;
      await send();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, loop));
  return total / ((performance.now() - t0) / 1000);
}

/** The candidates of scenario 1, each with its own connection pool; `close` frees them all. */
export function throughputClients(server: LoopbackServer, concurrency: number) {
  const url = `${server.baseURL}/chat/completions`;
  const pool = new Pool(server.origin, { connections: concurrency });
  const official = new OpenAI({ apiKey: LOOPBACK_API_KEY, baseURL: server.baseURL });
  const ours = (tracking: boolean): OpenAIClient =>
    createOpenAI({
      apiKey: LOOPBACK_API_KEY,
      baseURL: server.baseURL,
      queue: { concurrency, capacity: 1000 },
      tracking: { enabled: tracking },
    });
  const oursTracked = ours(true);
  const oursUntracked = ours(false);

  const clients: Record<string, SendChat> = {
    'undici.request (Pool)': async () => {
      const res = await pool.request({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify(chatWireBody()),
      });
      const json = (await res.body.json()) as { choices: { message: { content: string } }[] };
      return json.choices[0]?.message.content;
    },
    'global fetch': async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify(chatWireBody()),
      });
      const json = (await res.json()) as { choices: { message: { content: string } }[] };
      return json.choices[0]?.message.content;
    },
    'openai (official SDK)': async () => {
      const completion = await official.chat.completions.create(chatWireBody());
      return completion.choices[0]?.message.content;
    },
    'ours: createOpenAI, tracking on': async () => (await oursTracked.chat(CHAT_REQUEST)).text,
    'ours: createOpenAI, tracking off': async () => (await oursUntracked.chat(CHAT_REQUEST)).text,
  };
  return {
    clients,
    ours: oursTracked,
    async close(): Promise<void> {
      await Promise.all([pool.close(), oursTracked.close(), oursUntracked.close()]);
    },
  };
}

export const THROUGHPUT_BASELINE = 'undici.request (Pool)';

/** Runs scenario 1 and reports requests/s with ratios to raw undici. */
export async function runThroughput(
  server: LoopbackServer,
  options: ThroughputOptions = {},
): Promise<ScenarioReport> {
  const { requests = 20_000, warmupRequests = 4_000, concurrency = 64, rounds = 5 } = options;
  const { clients, ours, close } = throughputClients(server, concurrency);
  const candidates: Candidate[] = Object.entries(clients).map(([name, send]) => ({
    name,
    measure: (round) => drive(send, round.warmup ? warmupRequests : requests, concurrency),
  }));
  try {
    const rows = toRows(await runRounds(candidates, { rounds }), THROUGHPUT_BASELINE);
    const stats = ours.stats();
    const oursRow = rowOf(rows, 'ours: createOpenAI, tracking on');
    const official = rowOf(rows, 'openai (official SDK)');
    return {
      id: '1',
      title: 'Request throughput (non-streaming chat)',
      unit: 'requests/s',
      setup: `${requests.toLocaleString('en-US')} requests per candidate per round, ${concurrency} in flight, ${rounds} rounds after a warm-up of ${warmupRequests.toLocaleString('en-US')}; loopback server in a child process.`,
      baseline: THROUGHPUT_BASELINE,
      rows,
      targets: [
        atLeast('ours (tracking on) >= 0.9x raw undici.request', oursRow.ratio ?? 0, 0.9),
        atLeast('ours (tracking on) >= 5x the official openai client', oursRow.median / official.median, 5),
      ],
      notes: [
        `ours vs the official client: ${(oursRow.median / official.median).toFixed(2)}x; ledger after the run: ${stats.requests.toLocaleString('en-US')} requests, ${stats.failed} failed, p50 ${stats.latency.p50?.toFixed(2)} ms`,
      ],
    };
  } finally {
    await close();
  }
}
