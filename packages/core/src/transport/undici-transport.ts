/**
 * The HTTP transport of the pipeline: one undici `Agent` (keep-alive, a connection pool per origin) and
 * per-request timeouts driven by the injected clock. Redirects are never followed (a 3xx is returned as
 * is): a redirect to another origin would carry the credentials along, and providers do not redirect.
 */
import { Agent, type Dispatcher } from 'undici';
import type { AttemptAbort } from '../attempt-abort.js';
import { type Clock, systemClock } from '../clock.js';
import { ConnectionError, InvalidRequestError } from '../errors/index.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-types.js';
import { dispatchExchange } from './undici-exchange.js';
import { validateHttpRequest } from './validate-http-request.js';

export type {
  HttpRequest,
  HttpRequestBody,
  HttpResponse,
  HttpResponseHeaders,
  HttpTransport,
  ResponseBody,
} from './http-types.js';

/** Options of {@link UndiciTransport}. */
export interface UndiciTransportOptions {
  /**
   * Send through this dispatcher instead of an owned `Agent` (a proxy agent, a mock, a shared pool). The
   * transport neither owns nor closes it, and `connections`, `connectTimeoutMs` and `keepAliveTimeoutMs`
   * cannot be combined with it.
   */
  dispatcher?: Dispatcher;
  /** Most connections per origin. @default 64 */
  connections?: number;
  /** Longest wait for a TCP (and TLS) connection, in ms -> `TimeoutError` of kind `connect`. @default 10000 */
  connectTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection is kept, in ms, when the server sends no `keep-alive: timeout=`
   * hint (undici follows a hint, less a safety margin, so as not to reuse a socket the server is closing).
   * @default 4000
   */
  keepAliveTimeoutMs?: number;
  /** Largest response body read, in bytes -> `ResponseTooLargeError`; `Infinity` disables. @default 33554432 (32 MiB) */
  maxResponseBytes?: number;
  /** Time source of the first-byte and idle timeouts. @default systemClock */
  clock?: Clock;
}

/**
 * Sends a request on behalf of the pipeline, aborted through the attempt's {@link AttemptAbort} rather than
 * an AbortSignal (see attempt-abort.ts for why). Bound to the class's private send in its static block.
 * @internal
 */
export let sendAttempt: (
  transport: UndiciTransport,
  req: HttpRequest,
  abort: AttemptAbort,
) => Promise<HttpResponse>;

/** The defaults of {@link UndiciTransportOptions}. */
export const DEFAULT_TRANSPORT_OPTIONS = Object.freeze({
  connections: 64,
  connectTimeoutMs: 10_000,
  keepAliveTimeoutMs: 4_000,
  maxResponseBytes: 32 * 1024 * 1024,
});

function assertPositive(name: string, value: unknown, integer = false): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' && value > 0 && Number.isFinite(value) && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new InvalidRequestError(
      `${name} must be a positive ${integer ? 'integer' : 'number'}; got ${String(value)}`,
    );
  }
}

function validateOptions(options: UndiciTransportOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError(`UndiciTransport options must be an object; got ${String(options)}`);
  }
  const { dispatcher, connections, connectTimeoutMs, keepAliveTimeoutMs, maxResponseBytes, clock } = options;
  assertPositive('connections', connections, true);
  assertPositive('connectTimeoutMs', connectTimeoutMs);
  assertPositive('keepAliveTimeoutMs', keepAliveTimeoutMs);
  if (maxResponseBytes !== undefined && (typeof maxResponseBytes !== 'number' || !(maxResponseBytes >= 0))) {
    throw new InvalidRequestError(
      `maxResponseBytes must be a number of bytes >= 0; got ${String(maxResponseBytes)}`,
    );
  }
  if (dispatcher !== undefined) {
    if (typeof dispatcher !== 'object' || dispatcher === null || typeof dispatcher.dispatch !== 'function') {
      throw new InvalidRequestError('dispatcher must be an undici Dispatcher');
    }
    if (connections !== undefined || connectTimeoutMs !== undefined || keepAliveTimeoutMs !== undefined) {
      throw new InvalidRequestError(
        'connections, connectTimeoutMs and keepAliveTimeoutMs configure the owned Agent; they cannot be combined with dispatcher',
      );
    }
  }
  if (clock !== undefined && (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function')) {
    throw new InvalidRequestError('clock must implement Clock');
  }
}

/**
 * Sends HTTP/1.1 requests through undici with keep-alive pooling, explicit timeouts, a body size limit and
 * abort support, and reports every failure as an `AccelerateError`.
 *
 * undici's own 300 s header and body timeouts are never left in force: the owned `Agent` disables them,
 * and every request passes `headersTimeout`/`bodyTimeout` equal to its `firstByteTimeoutMs`/`idleTimeoutMs`
 * (0, i.e. off, when absent, because the clock-driven timers here and the caller's attempt timeout govern).
 *
 * @example
 * ```ts
 * const transport = new UndiciTransport();
 * const res = await transport.request({ url: 'http://127.0.0.1:11434/api/tags', method: 'GET', firstByteTimeoutMs: 5000 });
 * const data = await res.body.json();
 * await transport.close();
 * ```
 */
export class UndiciTransport implements HttpTransport {
  readonly #dispatcher: Dispatcher;
  // Set only when we created the Agent, and so are the ones to close it.
  readonly #ownedAgent: Agent | undefined;
  readonly #maxResponseBytes: number;
  readonly #clock: Clock;
  #closed = false;

  constructor(options: UndiciTransportOptions = {}) {
    validateOptions(options);
    this.#clock = options.clock ?? systemClock;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_TRANSPORT_OPTIONS.maxResponseBytes;
    if (options.dispatcher !== undefined) {
      this.#dispatcher = options.dispatcher;
      this.#ownedAgent = undefined;
    } else {
      this.#ownedAgent = new Agent({
        connections: options.connections ?? DEFAULT_TRANSPORT_OPTIONS.connections,
        connectTimeout: options.connectTimeoutMs ?? DEFAULT_TRANSPORT_OPTIONS.connectTimeoutMs,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_TRANSPORT_OPTIONS.keepAliveTimeoutMs,
        // Off at the agent; each request sets its own (see the class comment).
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#dispatcher = this.#ownedAgent;
    }
  }

  /**
   * Sends `req` and resolves when the response headers arrive, whatever the status. Rejects with
   * `InvalidRequestError` (bad URL, header with CR/LF, …) before any I/O, `TimeoutError` (`connect`,
   * `first-byte`), `ConnectionError`, `AbortError` or the signal's own `AccelerateError` reason.
   */
  request(req: HttpRequest): Promise<HttpResponse> {
    return this.#send(req, undefined);
  }

  static {
    sendAttempt = (transport, req, abort) => transport.#send(req, abort);
  }

  #send(req: HttpRequest, abort: AttemptAbort | undefined): Promise<HttpResponse> {
    let target: ReturnType<typeof validateHttpRequest>;
    try {
      target = validateHttpRequest(req);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closed) {
      return Promise.reject(new ConnectionError('Transport is closed', { retryable: false }));
    }
    const { firstByteTimeoutMs, idleTimeoutMs } = req;
    return dispatchExchange(
      this.#dispatcher,
      {
        origin: target.origin,
        path: target.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        // undici also sends async iterables; its types list only the common cases.
        body: (req.body ?? null) as Dispatcher.DispatchOptions['body'],
        headersTimeout: undiciTimeout(firstByteTimeoutMs),
        bodyTimeout: undiciTimeout(idleTimeoutMs),
      },
      {
        clock: this.#clock,
        signal: req.signal,
        abort,
        firstByteTimeoutMs,
        idleTimeoutMs,
        maxResponseBytes: req.maxResponseBytes ?? this.#maxResponseBytes,
        expectsBody: req.method.toUpperCase() !== 'HEAD',
      },
    );
  }

  /** Stops accepting requests, lets in-flight ones finish, then closes the owned Agent's connections. */
  async close(): Promise<void> {
    this.#closed = true;
    const agent = this.#ownedAgent;
    if (agent !== undefined && !agent.closed && !agent.destroyed) await agent.close();
  }

  /** Stops accepting requests and closes the owned Agent's connections at once, failing in-flight requests. */
  async destroy(): Promise<void> {
    this.#closed = true;
    const agent = this.#ownedAgent;
    if (agent !== undefined && !agent.destroyed) await agent.destroy();
  }
}

/** Our timeout as undici's per-request value: 0 (off) when absent or infinite. */
function undiciTimeout(ms: number | undefined): number {
  return ms === undefined || ms === Number.POSITIVE_INFINITY ? 0 : ms;
}
