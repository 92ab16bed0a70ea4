/**
 * A scriptable HTTP server on 127.0.0.1 (port 0) for tests of anything that talks HTTP. Each request
 * arrives as a {@link LoopbackExchange} with its body already read; the test (or a handler) then
 * responds, hangs, drips chunks or resets the socket, and can watch connections open and close.
 *
 * @example
 * ```ts
 * const server = await startLoopbackServer();
 * const pending = transport.request({ url: server.url('/x'), method: 'GET' });
 * const exchange = await server.nextExchange();
 * exchange.respond(200, 'hello');
 * await server.close();
 * ```
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request received by the server, with the means to answer it. */
export interface LoopbackExchange {
  /** 0 for the first request the server received, then 1, 2, … */
  readonly index: number;
  /** Which connection carried it: 0 for the first accepted socket, then 1, 2, … */
  readonly socketId: number;
  /** The request method, e.g. `POST`. */
  readonly method: string;
  /** The request target, e.g. `/v1/chat?x=1`. */
  readonly url: string;
  /** Request headers, names in lower case. */
  readonly headers: IncomingMessage['headers'];
  /** The request body, read completely before the exchange is handed over. */
  readonly body: Buffer;
  /** The underlying request (already read to its end). */
  readonly req: IncomingMessage;
  /** The underlying response, for anything the helpers below do not cover. */
  readonly res: ServerResponse;
  /** The connection that carried the request. */
  readonly socket: Socket;
  /** Resolves when this exchange's socket has closed (the client hung up, or a reset). */
  readonly socketClosed: Promise<void>;
  /** Sends a complete response. */
  respond(status: number, body?: string | Uint8Array, headers?: OutgoingHttpHeaders): void;
  /** Sends a JSON response. */
  json(status: number, data: unknown, headers?: OutgoingHttpHeaders): void;
  /** Sends the status line and headers now (flushed), leaving the body open. */
  writeHead(status: number, headers?: OutgoingHttpHeaders): void;
  /** Writes one body chunk and resolves once it is handed to the socket. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Ends the body. */
  end(chunk?: string | Uint8Array): void;
  /** Closes the connection abruptly with a TCP RST (the client sees ECONNRESET). */
  reset(): void;
  /** Closes the connection with a normal FIN, mid-response or before it (the client sees `other side closed`). */
  destroy(): void;
}

/** Answers exchanges automatically; return a promise to do it over time. */
export type LoopbackHandler = (exchange: LoopbackExchange) => void | Promise<void>;

/** A running loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The ephemeral port the server listens on. */
  readonly port: number;
  /** `origin + path` */
  url(path?: string): string;
  /** Connections accepted so far. */
  readonly connectionCount: number;
  /** Connections currently open. */
  readonly openConnections: number;
  /** Every exchange received so far, in order. */
  readonly exchanges: readonly LoopbackExchange[];
  /**
   * Handles every later request with `handler` (replacing the previous one); `undefined` goes back to
   * queueing requests for {@link LoopbackServer.nextExchange}.
   */
  handle(handler: LoopbackHandler | undefined): void;
  /** Handles only the next request with `handler`; queued one-shot handlers run before the permanent one. */
  handleOnce(handler: LoopbackHandler): void;
  /** The next request not taken by a handler (resolves at once if one is already waiting). */
  nextExchange(): Promise<LoopbackExchange>;
  /** Resolves when the number of open connections is `count` (e.g. 0 after the client let go). */
  waitForOpenConnections(count: number): Promise<void>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Options of {@link startLoopbackServer}. */
export interface LoopbackServerOptions {
  /** Handles every request from the start (see {@link LoopbackServer.handle}). */
  handler?: LoopbackHandler;
}

/** Starts a {@link LoopbackServer} on 127.0.0.1 with an ephemeral port. */
export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  let permanent: LoopbackHandler | undefined = options.handler;
  const onceHandlers: LoopbackHandler[] = [];
  const waiting: LoopbackExchange[] = [];
  const takers: ((exchange: LoopbackExchange) => void)[] = [];
  const exchanges: LoopbackExchange[] = [];
  const sockets = new Set<Socket>();
  const socketIds = new WeakMap<Socket, number>();
  const socketClosed = new WeakMap<Socket, Promise<void>>();
  const connectionWatchers: { count: number; resolve: () => void }[] = [];
  let connectionCount = 0;

  const checkWatchers = () => {
    for (let i = connectionWatchers.length - 1; i >= 0; i--) {
      const watcher = connectionWatchers[i];
      if (watcher && watcher.count === sockets.size) {
        connectionWatchers.splice(i, 1);
        watcher.resolve();
      }
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const socket = req.socket;
      const exchange = makeExchange({
        index: exchanges.length,
        socketId: socketIds.get(socket) ?? -1,
        body: Buffer.concat(chunks),
        req,
        res,
        socket,
        socketClosed: socketClosed.get(socket) ?? Promise.resolve(),
      });
      exchanges.push(exchange);
      const handler = onceHandlers.shift() ?? permanent;
      if (handler) {
        const failed = (error: unknown) => {
          if (!res.headersSent) exchange.respond(500, `loopback handler failed: ${String(error)}`);
          else socket.destroy();
        };
        try {
          Promise.resolve(handler(exchange)).catch(failed);
        } catch (error) {
          failed(error);
        }
        return;
      }
      const taker = takers.shift();
      if (taker) taker(exchange);
      else waiting.push(exchange);
    });
  });
  server.on('connection', (socket: Socket) => {
    socketIds.set(socket, connectionCount++);
    sockets.add(socket);
    socketClosed.set(socket, new Promise<void>((resolve) => socket.once('close', () => resolve())));
    socket.on('close', () => {
      sockets.delete(socket);
      checkWatchers();
    });
    checkWatchers();
  });
  // Resets provoked by the tests surface here; they are expected.
  server.on('clientError', (_error, socket) => socket.destroy());

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    url: (path = '/') => origin + path,
    get connectionCount() {
      return connectionCount;
    },
    get openConnections() {
      return sockets.size;
    },
    exchanges,
    handle(handler) {
      permanent = handler;
    },
    handleOnce(handler) {
      onceHandlers.push(handler);
    },
    nextExchange() {
      const ready = waiting.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => takers.push(resolve));
    },
    waitForOpenConnections(count) {
      if (sockets.size === count) return Promise.resolve();
      return new Promise((resolve) => connectionWatchers.push({ count, resolve }));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface ExchangeParts {
  index: number;
  socketId: number;
  body: Buffer;
  req: IncomingMessage;
  res: ServerResponse;
  socket: Socket;
  socketClosed: Promise<void>;
}

function makeExchange(parts: ExchangeParts): LoopbackExchange {
  const { req, res, socket } = parts;
  return {
    index: parts.index,
    socketId: parts.socketId,
    method: req.method ?? '',
    url: req.url ?? '',
    headers: req.headers,
    body: parts.body,
    req,
    res,
    socket,
    socketClosed: parts.socketClosed,
    respond(status, body, headers) {
      res.writeHead(status, headers);
      res.end(body);
    },
    json(status, data, headers) {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    },
    writeHead(status, headers) {
      res.writeHead(status, headers);
      res.flushHeaders();
    },
    write(chunk) {
      return new Promise<void>((resolve, reject) => {
        res.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
    },
    end(chunk) {
      res.end(chunk);
    },
    reset() {
      socket.resetAndDestroy();
    },
    destroy() {
      socket.destroy();
    },
  };
}
