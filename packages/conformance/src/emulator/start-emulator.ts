import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultScript } from './fault-script.js';
import { RouteTable } from './route-table.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Fault,
  FaultSource,
  Reply,
} from './types.js';
import {
  DEFAULT_MALFORMED_BODY,
  DEFAULT_MALFORMED_FRAME,
  resetSocket,
  type WriteContext,
  writeReply,
} from './write-reply.js';

/**
 * Starts an emulator for a protocol definition on 127.0.0.1 and an ephemeral port.
 *
 * Per request: read the body, log it, take the next scripted fault (own route first, then `'*'`); `hang` and
 * `reset-before-headers` act before anything else; then the definition's `authorize` hook (a rejection is
 * answered as is); then `status`/`error` faults replace the reply, `delay`/`hold` postpone it, and the rest
 * shape the route's normal reply as it is written.
 */
export async function startEmulator(
  definition: EmulatorDefinition,
  options: EmulatorOptions = {},
): Promise<Emulator> {
  const emulator = new EmulatorServer(definition, options.requestLogLimit ?? Number.POSITIVE_INFINITY);
  await emulator.listen();
  return emulator;
}

class EmulatorServer implements Emulator {
  readonly #definition: EmulatorDefinition;
  readonly #routes: RouteTable;
  readonly #script = new FaultScript();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Wake-up functions of held requests, in arrival order. */
  readonly #holds = new Set<() => void>();
  readonly #requests: EmulatorRequest[] = [];
  #requestLogLimit: number;
  #faultSource: FaultSource | undefined;
  #received = 0;
  #inFlight = 0;
  #maxInFlight = 0;
  #origin = '';
  #closing: Promise<void> | undefined;

  constructor(definition: EmulatorDefinition, requestLogLimit: number) {
    this.#definition = definition;
    this.#requestLogLimit = Math.max(0, requestLogLimit);
    this.#routes = new RouteTable(definition.routes);
    this.#server = createServer((req, res) => this.#onRequest(req, res));
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  get origin(): string {
    return this.#origin;
  }
  get baseURL(): string {
    return this.#origin + this.#definition.pathPrefix;
  }
  get requests(): readonly EmulatorRequest[] {
    return this.#requests;
  }
  get inFlight(): number {
    return this.#inFlight;
  }
  get maxInFlight(): number {
    return this.#maxInFlight;
  }
  get openConnections(): number {
    return this.#sockets.size;
  }
  get held(): number {
    return this.#holds.size;
  }

  resetGauges(): void {
    this.#maxInFlight = this.#inFlight;
  }

  script(route: string, faults: Fault[]): void {
    this.#script.add(route, faults);
  }

  clearScripts(): void {
    this.#script.clear();
  }

  setFaultSource(source: FaultSource | undefined): void {
    this.#faultSource = source;
  }

  setRequestLogLimit(limit: number): void {
    this.#requestLogLimit = Math.max(0, limit);
    if (this.#requests.length > this.#requestLogLimit) {
      this.#requests.splice(0, this.#requests.length - this.#requestLogLimit);
    }
  }

  release(count = Number.POSITIVE_INFINITY): void {
    let left = count;
    for (const wake of this.#holds) {
      if (left-- <= 0) break;
      this.#holds.delete(wake);
      wake();
    }
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        const { port } = this.#server.address() as AddressInfo;
        this.#origin = `http://127.0.0.1:${port}`;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#holds.clear();
    const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const disconnected = [...this.#sockets].map((socket) => {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      return closed;
    });
    this.#closing = Promise.all([stopped, ...disconnected]).then(() => undefined);
    return this.#closing;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#inFlight++;
    if (this.#inFlight > this.#maxInFlight) this.#maxInFlight = this.#inFlight;
    // A request stops counting when its reply is written, or as soon as its client is gone: the socket's end
    // of stream is seen before any request that follows on another connection (the response's own 'close'
    // comes a loop phase later), so a client that aborts and sends again is not counted twice.
    const socket = req.socket;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.#inFlight--;
      socket.off('end', settle);
      socket.off('error', settle);
    };
    res.once('finish', settle);
    res.once('close', settle);
    socket.once('end', settle);
    socket.once('error', settle);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      this.#handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => this.#crash(res, error));
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const request = this.#log(req, body);
    const fault = this.#script.take(`${request.method} ${request.path}`) ?? this.#faultSource?.(request);
    if (fault?.kind === 'reset-before-headers') {
      resetSocket(req.socket);
      return;
    }
    if (fault?.kind === 'hang') return;
    const denied = this.#definition.authorize?.(request);
    if (denied) {
      this.#write(res, request, denied, undefined);
      return;
    }
    if (fault?.kind === 'status') {
      const reply: Reply = { kind: 'json', status: fault.status, body: fault.body, headers: fault.headers };
      this.#write(res, request, reply, undefined);
      return;
    }
    if (fault?.kind === 'error') {
      const reply = this.#definition.errorReply(fault, request);
      this.#write(res, request, { ...reply, headers: { ...reply.headers, ...fault.headers } }, undefined);
      return;
    }
    if (fault?.kind === 'delay') await this.#wait(res, (wake) => this.#schedule(wake, fault.ms));
    if (fault?.kind === 'hold') await this.#wait(res, (wake) => this.#holds.add(wake));
    if (res.destroyed) return;
    this.#write(res, request, await this.#reply(request), fault);
  }

  #log(req: IncomingMessage, body: Buffer): EmulatorRequest {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json: parseJson(req.headers['content-type'], body),
      index: this.#received++,
      receivedAt: Date.now(),
    };
    if (this.#requestLogLimit > 0) {
      if (this.#requests.length >= this.#requestLogLimit) this.#requests.shift();
      this.#requests.push(request);
    }
    return request;
  }

  async #reply(request: EmulatorRequest): Promise<Reply> {
    const route = this.#routes.match(request.method, request.path);
    if (!route) {
      return this.#definition.notFound?.(request) ?? this.#definition.errorReply({ status: 404 }, request);
    }
    try {
      return await route.handler(request, route.params);
    } catch (error) {
      const message = `Emulator route failed: ${error instanceof Error ? error.message : String(error)}`;
      return this.#definition.errorReply({ status: 500, message }, request);
    }
  }

  #write(res: ServerResponse, request: EmulatorRequest, reply: Reply, fault: Fault | undefined): void {
    const context: WriteContext = {
      res,
      baseHeaders: this.#definition.responseHeaders?.(request) ?? {},
      errorFrame: (code, message) => this.#definition.errorFrame(code, message),
      malformedFrame: this.#definition.malformedFrame ?? DEFAULT_MALFORMED_FRAME,
      malformedBody: this.#definition.malformedBody ?? DEFAULT_MALFORMED_BODY,
      schedule: (task, ms) => this.#schedule(task, ms),
    };
    writeReply(context, reply, fault);
  }

  /** Resolves when `arm`'s wake-up runs; a request whose client went away stops waiting (and is not held). */
  #wait(res: ServerResponse, arm: (wake: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.#holds.delete(wake);
        resolve();
      };
      res.once('close', wake);
      arm(wake);
    });
  }

  #schedule(task: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, ms);
    this.#timers.add(timer);
  }

  #crash(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = `Emulator failed: ${error instanceof Error ? error.message : String(error)}`;
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(message);
  }
}

function parseJson(contentType: string | undefined, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const declared = contentType !== undefined && /(^|[/+])json\b/i.test(contentType);
  const sniffed = contentType === undefined && (body[0] === 0x7b || body[0] === 0x5b);
  if (!declared && !sniffed) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
