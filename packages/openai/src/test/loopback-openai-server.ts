/**
 * Test support: a real HTTP server on 127.0.0.1 (port 0) that records every request and answers from a
 * queue of scripted replies in the OpenAI wire format. Not exported from the package.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** A request as the server received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

/** One scripted reply. */
export interface Reply {
  /** @default 200 */
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body. */
  body?: string;
  /** SSE `data:` payloads (objects are JSON-encoded), sent as one `text/event-stream` body. */
  sse?: Array<string | object>;
}

/** A running server. */
export interface LoopbackOpenAIServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  readonly origin: string;
  readonly requests: ReceivedRequest[];
  /** Queues replies, used in order; with the queue empty the server answers 500. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** Encodes SSE `data:` events the way OpenAI sends them. */
export function sseBody(events: Array<string | object>): string {
  return events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
}

/** Starts a {@link LoopbackOpenAIServer}. */
export async function startLoopbackOpenAIServer(): Promise<LoopbackOpenAIServer> {
  const requests: ReceivedRequest[] = [];
  const queue: Reply[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, text, json });
      const reply = queue.shift() ?? { status: 500, json: { error: { message: 'no reply scripted' } } };
      const headers: Record<string, string> = { ...reply.headers };
      let body = reply.body ?? '';
      if (reply.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(reply.json);
      } else if (reply.sse !== undefined) {
        headers['content-type'] ??= 'text/event-stream';
        body = sseBody(reply.sse);
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseURL: `${origin}/v1`,
    requests,
    reply: (...replies) => {
      queue.push(...replies);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Waits in event-loop turns (never real time) until `condition` holds; for FakeClock tests over sockets. */
export async function waitFor(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let turn = 0; turn < 20_000; turn++) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error(`waitFor: ${what} did not happen`);
}

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
