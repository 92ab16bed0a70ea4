/**
 * A scripted `node:http` server on 127.0.0.1 (port 0) for this package's tests: each request takes the next
 * scripted reply, in order, and is recorded with its parsed JSON body. Replies are written in Ollama's
 * wire shapes by the tests themselves. Test support only: not exported from the package.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON (undefined when empty). */
  body: unknown;
}

/** Writes one response. */
export type Reply = (res: ServerResponse, req: ReceivedRequest) => void | Promise<void>;

/** A running test server. */
export interface OllamaTestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[];
  /** Queues replies for the next requests, in order. An unscripted request gets a 418 (not retried) so a test fails loudly. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** A complete JSON response. */
export function json(status: number, body: unknown): Reply {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
}

/** An NDJSON stream with status 200: one line per value, written one by one, then the end of the body. */
export function ndjson(lines: unknown[]): Reply {
  return async (res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.flushHeaders();
    for (const line of lines) {
      await new Promise<void>((resolve, reject) =>
        res.write(`${JSON.stringify(line)}\n`, (error) => (error ? reject(error) : resolve())),
      );
    }
    res.end();
  };
}

/** Starts a server. */
export async function startOllamaTestServer(): Promise<OllamaTestServer> {
  const queue: Reply[] = [];
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(received);
      const reply =
        queue.shift() ?? json(418, { error: `unscripted request ${received.method} ${received.url}` });
      Promise.resolve(reply(res, received)).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    reply: (...replies) => {
      queue.push(...replies);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
