/**
 * Scenario 2, stream decoding: the loopback server's SSE chat stream (2,000 text deltas by default), read to
 * the end over and over, one stream at a time. Every candidate decodes the events, parses each chunk's JSON
 * and counts the text deltas; the figure is text deltas per second.
 */
import { decodeSse } from '@ipfs-accelerate/core';
import { createOpenAI, type OpenAIClient } from '@ipfs-accelerate/openai';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { Pool } from 'undici';
import { CHAT_REQUEST, JSON_HEADERS, LOOPBACK_API_KEY, streamWireBody } from '../chat-request.js';
import { atLeast, type Candidate, rowOf, runRounds, type ScenarioReport, toRows } from '../harness.js';
import type { LoopbackServer } from '../loopback/start-server.js';

/** Sizes of scenario 2. */
export interface StreamOptions {
  /** Text deltas per stream; must match the server's. @default 2000 */
  events?: number;
  /** Streams read per candidate per round. @default 40 */
  streams?: number;
  /** Measured rounds. @default 7 */
  rounds?: number;
}

interface Chunk {
  choices: { delta?: { content?: string | null } }[];
}

function countDelta(data: string): number {
  if (data === '[DONE]') return 0;
  const content = (JSON.parse(data) as Chunk).choices[0]?.delta?.content;
  return content ? 1 : 0;
}

/** Reads one stream and returns the number of text deltas it carried. */
export type ReadStream = () => Promise<number>;

export const STREAM_BASELINE = 'undici.request + eventsource-parser';

/** The candidates of scenario 2; `close` frees their connections. */
export function streamClients(server: LoopbackServer): {
  readers: Record<string, ReadStream>;
  close(): Promise<void>;
} {
  const url = `${server.baseURL}/chat/completions`;
  const pool = new Pool(server.origin, { connections: 4 });
  const official = new OpenAI({ apiKey: LOOPBACK_API_KEY, baseURL: server.baseURL });
  const ours: OpenAIClient = createOpenAI({ apiKey: LOOPBACK_API_KEY, baseURL: server.baseURL });
  const rawRequest = () =>
    pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { ...JSON_HEADERS, accept: 'text/event-stream' },
      body: JSON.stringify(streamWireBody()),
    });
  const readers: Record<string, ReadStream> = {
    [STREAM_BASELINE]: async () => {
      const res = await rawRequest();
      let count = 0;
      const parser = createParser({ onEvent: (event) => (count += countDelta(event.data)) });
      const decoder = new TextDecoder();
      for await (const bytes of res.body) parser.feed(decoder.decode(bytes as Buffer, { stream: true }));
      return count;
    },
    'undici.request + our decodeSse': async () => {
      const res = await rawRequest();
      let count = 0;
      for await (const event of decodeSse(res.body)) count += countDelta(event.data);
      return count;
    },
    'fetch + eventsource-parser': async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...JSON_HEADERS, accept: 'text/event-stream' },
        body: JSON.stringify(streamWireBody()),
      });
      let count = 0;
      const parser = createParser({ onEvent: (event) => (count += countDelta(event.data)) });
      const decoder = new TextDecoder();
      for await (const bytes of res.body as ReadableStream<Uint8Array>)
        parser.feed(decoder.decode(bytes, { stream: true }));
      return count;
    },
    'openai (official SDK) stream': async () => {
      const stream = await official.chat.completions.create(streamWireBody());
      let count = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) count++;
      return count;
    },
    'ours: streamChat': async () => {
      let count = 0;
      for await (const event of ours.streamChat(CHAT_REQUEST)) if (event.type === 'text-delta') count++;
      return count;
    },
  };
  return {
    readers,
    async close() {
      await Promise.all([pool.close(), ours.close()]);
    },
  };
}

/** Runs scenario 2 and reports text deltas per second with ratios to the limit. */
export async function runStream(
  server: LoopbackServer,
  options: StreamOptions = {},
): Promise<ScenarioReport> {
  const { events = 2000, streams = 40, rounds = 7 } = options;
  const { readers, close } = streamClients(server);
  const candidates: Candidate[] = Object.entries(readers).map(([name, read]) => ({
    name,
    async measure(round) {
      const n = round.warmup ? Math.max(2, streams >> 1) : streams;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const got = await read();
        if (got !== events) throw new Error(`${name} read ${got} text deltas, expected ${events}`);
      }
      return (n * events) / ((performance.now() - t0) / 1000);
    },
  }));
  try {
    const rows = toRows(await runRounds(candidates, { rounds }), STREAM_BASELINE);
    const ours = rowOf(rows, 'ours: streamChat');
    const official = rowOf(rows, 'openai (official SDK) stream');
    return {
      id: '2',
      title: 'Stream decoding (SSE chat stream)',
      unit: 'text deltas/s',
      setup: `${events.toLocaleString('en-US')}-event SSE chat stream, ${streams} streams per candidate per round read one after another, ${rounds} rounds after a warm-up; the server writes each stream in one piece, so the client reads it in socket-sized chunks.`,
      baseline: STREAM_BASELINE,
      rows,
      targets: [
        atLeast('ours (streamChat) >= 0.8x the limit', ours.ratio ?? 0, 0.8),
        atLeast('ours (streamChat) >= 2.5x the official client', ours.median / official.median, 2.5),
      ],
      notes: [`ours vs the official client's stream: ${(ours.median / official.median).toFixed(2)}x`],
    };
  } finally {
    await close();
  }
}
