/**
 * The one function a provider package calls: {@link createBackend} composes lane selection, the admission
 * queue, the circuit breaker, retry with backoff and budget, the transport and tracking into one pipeline.
 *
 * Order of one request: select a lane -> wait for admission -> pass the breaker -> attempt (with its own
 * timeout) -> on a retryable failure: release the slot, sleep (abortable, within the deadline), select again.
 * Tracking wraps all of it.
 */
import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { linkAbort } from './abort.js';
import type { QueueOptions } from './admission-queue.js';
import type { EventStream, TokenUsage } from './capabilities.js';
import type { BreakerOptions, BreakerTicket } from './circuit-breaker.js';
import { type Clock, systemClock } from './clock.js';
import {
  type EndpointConfig,
  type EndpointDescription,
  type EndpointPatch,
  EndpointPool,
  type Lane,
  type LaneInfo,
  type LaneStrategy,
} from './endpoints.js';
import {
  AbortError,
  AccelerateError,
  CircuitOpenError,
  DeadlineExceededError,
  InvalidRequestError,
  QueueFullError,
  RateLimitError,
  ResponseFormatError,
  StreamError,
  TimeoutError,
} from './errors/index.js';
import {
  errorFromResponse,
  firstHeader,
  type HttpSpec,
  type ProtocolAdapter,
  prepareRequest,
} from './http-exchange.js';
import { createRedactor, redactError } from './redact.js';
import { type Priority, type RequestOptions, validateRequestOptions } from './request-options.js';
import { parseRateLimitHeaders } from './retry-hints.js';
import { type DelaySource, type RetryOptions, RetryPolicy } from './retry-policy.js';
import { DIAGNOSTIC_CHANNELS, publish } from './tracking/diagnostics.js';
import { generateRequestId } from './tracking/request-id.js';
import type { RequestRecord, TrackerStats } from './tracking/request-tracker.js';
import { RequestTracker } from './tracking/request-tracker.js';
import { type HttpResponse, UndiciTransport } from './transport/undici-transport.js';

/** Time limits of the pipeline. */
export interface TimeoutOptions {
  /** Limit of one attempt (for streams: until the first content event). @default 600000 */
  attemptMs?: number;
  /** Limit from sending a request until its response headers arrive. @default the attempt limit */
  firstByteMs?: number;
  /** Longest gap between two chunks of a response body. @default 120000 */
  idleMs?: number;
  /** Limit of establishing a connection. @default 10000 */
  connectMs?: number;
}

/** Everything that configures a backend. */
export interface BackendOptions {
  /** The backend's name in errors, records and stats, e.g. `openai`. */
  provider: string;
  /** One or more endpoints; each is a lane with its own queue and breaker. */
  endpoints: EndpointConfig[];
  /** How a lane is picked for each attempt. @default 'least-loaded' */
  strategy?: LaneStrategy;
  /** Queue defaults of every lane. */
  queue?: QueueOptions;
  /** Breaker defaults of every lane. */
  breaker?: BreakerOptions;
  retry?: RetryOptions;
  timeouts?: TimeoutOptions;
  /** Largest response body accepted, in bytes. @default 33554432 (32 MiB) */
  maxResponseBytes?: number;
  tracking?: { enabled?: boolean; recentCapacity?: number };
  /** The wire protocol's authentication, error mapping and request-id headers. */
  protocol?: ProtocolAdapter;
  /** Time source; tests pass a FakeClock. @default systemClock */
  clock?: Clock;
  /** An undici dispatcher to send through (a MockAgent, a proxy agent); the backend does not close it. */
  dispatcher?: Dispatcher;
}

/** The context of one attempt, given to a provider's parse and send functions. */
export interface AttemptContext {
  readonly requestId: string;
  readonly operation: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly lane: LaneInfo;
  /** Aborts when the caller aborts, the deadline passes or the attempt times out. */
  readonly signal: AbortSignal;
  /** The service's request id of this attempt's response, once known. */
  providerRequestId: string | undefined;
  /** The HTTP status of this attempt's response, once known. */
  status: number | undefined;
}

/** A request/response operation. */
export interface CallSpec<T> extends HttpSpec {
  /** The operation name in records and stats, e.g. `chat`. */
  operation: string;
  /** Whether failures may be retried. @default true */
  retry?: boolean;
  /** Turns a successful response into the result. Throw a taxonomy error for a bad body. */
  parse(response: HttpResponse, context: AttemptContext): Promise<T> | T;
  /** Token usage of a result, for the ledger. */
  usage?(result: T): TokenUsage | undefined;
}

/** Maps the decoded frames of one stream attempt to events. A fresh one is made for every attempt. */
export interface FrameMapper<F, E> {
  /** Events for one frame. Throw a taxonomy error for an in-band error frame. */
  map(frame: F): E | readonly E[] | undefined;
  /** Whether this frame ends the stream (e.g. `[DONE]`, `done: true`, `message_stop`). */
  isTerminal?(frame: F): boolean;
  /** Events to emit when the stream ended normally (after the terminal frame or at the end of the body). */
  flush?(): readonly E[] | undefined;
}

/** A streaming operation. */
export interface StreamSpec<F, E> extends HttpSpec {
  operation: string;
  retry?: boolean;
  /** Turns the body into frames (e.g. `decodeSse`, `decodeNdjson`). */
  decode(body: AsyncIterable<Uint8Array>): AsyncIterable<F>;
  /** Makes the mapper for one attempt. */
  mapper(context: AttemptContext): FrameMapper<F, E>;
  /**
   * Whether an event is content: once one has been produced, the stream is committed and is never retried
   * (output reached the caller). Events before it are held back so an early in-band error is still retried.
   * @default every event is content
   */
  isContent?(event: E): boolean;
  /**
   * When true, a body that ends without a terminal frame is a truncated stream (StreamError).
   * @default true when the mapper has `isTerminal`
   */
  requireTerminal?: boolean;
  /** Token usage carried by an event (usually the last), for the ledger. */
  usage?(event: E): TokenUsage | undefined;
}

/** Stats of a backend: totals, per lane, with queue and breaker state. */
export interface BackendStats extends TrackerStats {
  endpoints: Record<string, TrackerStats & { endpoint: EndpointDescription; trips: number }>;
  retryBudget: number;
}

const DEFAULT_ATTEMPT_MS = 600_000;
const DEFAULT_IDLE_MS = 120_000;

interface RequestState {
  record: RequestRecord;
  controller: AbortController | undefined;
  signal: AbortSignal | undefined;
  deadline: number | undefined;
  cleanup: () => void;
  callerSignal: AbortSignal | undefined;
}

interface Lease {
  lane: Lane;
  release(): void;
}

/**
 * A backend: the pipeline plus its lanes. Provider packages wrap one in their named client.
 */
export class Backend {
  readonly provider: string;
  readonly clock: Clock;
  readonly #pool: EndpointPool;
  readonly #retry: RetryPolicy;
  readonly #tracker: RequestTracker;
  readonly #transport: UndiciTransport;
  readonly #adapter: ProtocolAdapter;
  readonly #attemptMs: number;
  readonly #firstByteMs: number | undefined;
  readonly #idleMs: number;
  #closed = false;

  constructor(options: BackendOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidRequestError('backend options are required');
    if (typeof options.provider !== 'string' || options.provider === '') {
      throw new InvalidRequestError('provider must be a non-empty string');
    }
    if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
      throw new InvalidRequestError(`${options.provider}: at least one endpoint (baseURL) is required`);
    }
    this.provider = options.provider;
    this.clock = options.clock ?? systemClock;
    const timeouts = options.timeouts ?? {};
    this.#attemptMs = positive('timeouts.attemptMs', timeouts.attemptMs) ?? DEFAULT_ATTEMPT_MS;
    this.#firstByteMs = positive('timeouts.firstByteMs', timeouts.firstByteMs);
    this.#idleMs = positive('timeouts.idleMs', timeouts.idleMs) ?? DEFAULT_IDLE_MS;
    this.#adapter = options.protocol ?? {};
    this.#retry = new RetryPolicy(options.retry);
    this.#pool = new EndpointPool(options.endpoints, options.strategy ?? 'least-loaded', {
      queue: options.queue,
      breaker: options.breaker,
      clock: this.clock,
      provider: options.provider,
    });
    this.#tracker = new RequestTracker({
      provider: this.provider,
      clock: this.clock,
      enabled: options.tracking?.enabled,
      recentCapacity: options.tracking?.recentCapacity,
    });
    const connectTimeoutMs = positive('timeouts.connectMs', timeouts.connectMs);
    if (options.dispatcher !== undefined && connectTimeoutMs !== undefined) {
      throw new InvalidRequestError(
        'timeouts.connectMs cannot be combined with a dispatcher: set it on the dispatcher',
      );
    }
    // The admission queues bound concurrency; the pool only needs enough sockets never to queue behind them.
    const concurrency = this.#pool.lanes().reduce((sum, lane) => sum + lane.queue.concurrency, 0);
    this.#transport = new UndiciTransport({
      dispatcher: options.dispatcher,
      connectTimeoutMs,
      connections: options.dispatcher ? undefined : Math.max(64, concurrency),
      maxResponseBytes: options.maxResponseBytes,
      clock: this.clock,
    });
  }

  /** Runs a request/response operation through the whole pipeline. */
  call<T>(spec: CallSpec<T>, options?: RequestOptions): Promise<T> {
    try {
      validateRequestOptions(options);
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#runCall(spec, options);
  }

  async #runCall<T>(spec: CallSpec<T>, options: RequestOptions | undefined): Promise<T> {
    const state = this.#beginRequest(spec.operation, options, false);
    try {
      const { value, lease, cost } = await this.#attemptLoop(state, spec, options, async (ctx) => {
        const response = await this.#exchange(spec, ctx, options, state);
        try {
          return await spec.parse(response, ctx);
        } finally {
          if (!response.body.consumed) response.body.cancel();
        }
      });
      lease.release();
      this.#retry.recordSuccess(cost);
      this.#tracker.finish(state.record, {
        outcome: 'success',
        usage: spec.usage?.(value),
        providerRequestId: state.record.providerRequestId,
      });
      return value;
    } catch (error) {
      throw this.#fail(state, error);
    } finally {
      state.cleanup();
    }
  }

  /**
   * Runs a streaming operation. The returned iterable starts the request on first iteration; leaving the
   * loop early (`break`) or aborting closes the socket and frees the slot.
   */
  stream<F, E>(spec: StreamSpec<F, E>, options?: RequestOptions): EventStream<E> {
    validateRequestOptions(options);
    this.#assertOpen();
    const requestId = options?.requestId ?? generateRequestId();
    const run = (): AsyncGenerator<E> => this.#runStream(spec, { ...options, requestId });
    let started = false;
    return {
      requestId,
      [Symbol.asyncIterator]() {
        if (started) throw new InvalidRequestError('a stream can be iterated only once');
        started = true;
        return run();
      },
    };
  }

  async *#runStream<F, E>(spec: StreamSpec<F, E>, options: RequestOptions): AsyncGenerator<E> {
    const state = this.#beginRequest(spec.operation, options, true);
    const isContent = spec.isContent ?? (() => true);
    let usage: TokenUsage | undefined;
    let lease: Lease | undefined;
    let open: OpenStream<F, E> | undefined;
    let finished = false;
    try {
      const result = await this.#attemptLoop(state, spec, options, async (ctx) => {
        const response = await this.#exchange(spec, ctx, options, state);
        return openStream(spec, response, ctx, isContent);
      });
      lease = result.lease;
      open = result.value;
      this.#retry.recordSuccess(result.cost);
      const requireTerminal = spec.requireTerminal ?? open.mapper.isTerminal !== undefined;
      for (const event of open.buffered) {
        usage = spec.usage?.(event) ?? usage;
        yield event;
      }
      open.buffered.length = 0;
      let terminal = open.terminal;
      if (!open.ended) {
        for (;;) {
          const next = await open.frames.next();
          if (next.done) break;
          const frame = next.value;
          const out = open.mapper.map(frame);
          if (out !== undefined) {
            for (const event of asArray(out)) {
              usage = spec.usage?.(event) ?? usage;
              yield event;
            }
          }
          if (open.mapper.isTerminal?.(frame)) {
            terminal = true;
            break;
          }
        }
      }
      if (requireTerminal && !terminal) {
        throw new StreamError('stream ended before its terminator (truncated)');
      }
      for (const event of open.mapper.flush?.() ?? []) {
        usage = spec.usage?.(event) ?? usage;
        yield event;
      }
      finished = true;
      this.#tracker.finish(state.record, {
        outcome: 'success',
        usage,
        providerRequestId: state.record.providerRequestId,
      });
    } catch (error) {
      // After the commit point nothing is retried: output already reached the caller.
      const committed = lease !== undefined;
      finished = true;
      throw this.#fail(state, committed ? toStreamError(error, state) : error, usage);
    } finally {
      if (!finished) {
        // The consumer left the loop early: not an error, but the request did not run to its end.
        this.#tracker.finish(state.record, { outcome: 'aborted', usage, errorCode: 'consumer_return' });
      }
      if (open) {
        void open.frames.return?.(undefined)?.catch(() => {});
        open.response.body.cancel();
      }
      lease?.release();
      state.cleanup();
    }
  }

  /**
   * Runs any operation through the pipeline with full control of the attempt: `send` gets the lane and an
   * abort signal and must return the result (or throw a taxonomy error). For protocols that do not fit
   * {@link Backend.call}, and for users building their own backends on the core.
   */
  async execute<T>(
    operation: string,
    send: (context: AttemptContext) => Promise<T>,
    options?: RequestOptions & { retry?: boolean },
  ): Promise<T> {
    validateRequestOptions(options);
    this.#assertOpen();
    const state = this.#beginRequest(operation, options, false);
    try {
      const { value, lease, cost } = await this.#attemptLoop(state, { retry: options?.retry }, options, send);
      lease.release();
      this.#retry.recordSuccess(cost);
      this.#tracker.finish(state.record, { outcome: 'success' });
      return value;
    } catch (error) {
      throw this.#fail(state, error);
    } finally {
      state.cleanup();
    }
  }

  #beginRequest(operation: string, options: RequestOptions | undefined, streamed: boolean): RequestState {
    const priority: Priority = options?.priority ?? 'normal';
    const record = this.#tracker.begin({ id: options?.requestId, operation, priority, streamed });
    const callerSignal = options?.signal;
    const deadline = options?.deadlineMs === undefined ? undefined : this.clock.now() + options.deadlineMs;
    if (callerSignal === undefined && deadline === undefined) {
      return { record, controller: undefined, signal: undefined, deadline, cleanup: noop, callerSignal };
    }
    const controller = new AbortController();
    const unlink = linkAbort(callerSignal, controller);
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    if (deadline !== undefined) {
      timer = this.clock.setTimeout(
        () =>
          controller.abort(
            new DeadlineExceededError(`deadline of ${options?.deadlineMs} ms exceeded`, {
              provider: this.provider,
            }),
          ),
        options?.deadlineMs ?? 0,
      );
    }
    return {
      record,
      controller,
      signal: controller.signal,
      deadline,
      callerSignal,
      cleanup: () => {
        unlink();
        if (timer !== undefined) this.clock.clearTimeout(timer);
      },
    };
  }

  /**
   * The retry loop. Returns the first successful attempt's value with the lease (slot) still held, so a
   * stream keeps its slot until it ends.
   */
  async #attemptLoop<T>(
    state: RequestState,
    spec: { retry?: boolean; operation?: string },
    options: RequestOptions | undefined,
    send: (context: AttemptContext) => Promise<T>,
  ): Promise<{ value: T; lease: Lease; cost: number }> {
    const { record } = state;
    const priority: Priority = options?.priority ?? 'normal';
    const enqueuedAt = record.enqueuedAt;
    let attempt = 0;
    let avoid: Lane | undefined;
    let delayBeforeMs = 0;
    let delaySource: DelaySource | 'none' = 'none';
    let lastCost = 0;
    let previousDelay: number | undefined;
    let laneSkips = 0;
    for (;;) {
      throwIfAborted(state);
      const lane = this.#pool.select(avoid);
      this.#failFastIfCoolingDown(lane);
      const permit = await lane.queue
        .acquire({ priority, signal: state.signal, deadline: state.deadline, enqueuedAt })
        .catch((error: unknown) => {
          if (error instanceof QueueFullError) {
            publish(DIAGNOSTIC_CHANNELS.queueReject, () => ({
              provider: this.provider,
              lane: lane.id,
              requestId: record.id,
              size: lane.queue.size,
              pending: lane.queue.pending,
            }));
          }
          throw error;
        });
      let ticket: BreakerTicket;
      try {
        ticket = lane.breaker.acquire();
      } catch (error) {
        permit.release();
        // The breaker opened while we waited: try another lane if one can take us, without using an attempt.
        if (error instanceof CircuitOpenError && laneSkips < this.#pool.lanes().length) {
          laneSkips++;
          avoid = lane;
          if (this.#pool.lanes().some((l) => l !== lane && l.breaker.canPass())) continue;
        }
        throw error;
      }
      attempt++;
      const attemptRecord = this.#tracker.beginAttempt(record, { lane: lane.id, delayBeforeMs, delaySource });
      const attemptController = new AbortController();
      const unlink = linkAbort(state.signal, attemptController);
      const timeoutMs = options?.timeoutMs ?? this.#attemptMs;
      let attemptTimer: ReturnType<Clock['setTimeout']> | undefined = this.clock.setTimeout(
        () =>
          attemptController.abort(
            new TimeoutError(`attempt timed out after ${timeoutMs} ms`, { kind: 'attempt' }),
          ),
        timeoutMs,
      );
      const context: AttemptContext = {
        requestId: record.id,
        operation: record.operation,
        attempt,
        lane,
        signal: attemptController.signal,
        providerRequestId: undefined,
        status: undefined,
      };
      let released = false;
      const lease: Lease = {
        lane,
        release: () => {
          if (released) return;
          released = true;
          if (attemptTimer !== undefined) this.clock.clearTimeout(attemptTimer);
          attemptTimer = undefined;
          unlink();
          permit.release();
        },
      };
      try {
        const value = await send(context);
        // Past the commit point: the attempt timeout no longer applies (a stream may run long).
        if (attemptTimer !== undefined) this.clock.clearTimeout(attemptTimer);
        attemptTimer = undefined;
        ticket.success();
        this.#tracker.endAttempt(record, attemptRecord, {
          status: context.status,
          providerRequestId: context.providerRequestId,
        });
        return { value, lease, cost: lastCost };
      } catch (thrown) {
        lease.release();
        const error = this.#normalize(thrown, state, context);
        settleTicket(ticket, error);
        this.#tracker.endAttempt(record, attemptRecord, {
          status: error.status,
          errorCode: error.code,
          providerRequestId: error.providerRequestId ?? context.providerRequestId,
        });
        error.attempts = attempt;
        if (error instanceof RateLimitError && error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
          // Lane-wide cooldown: the server told every request on this endpoint to wait, not just this one.
          lane.queue.pauseUntil(this.clock.now() + error.retryAfterMs);
        }
        if (error instanceof AbortError || error instanceof DeadlineExceededError || spec.retry === false)
          throw error;
        const decision = this.#retry.decide(error, attempt, previousDelay);
        if (!decision.retry) {
          if (decision.reason === 'budget-exhausted') error.message += ' (retry budget exhausted)';
          throw error;
        }
        if (state.deadline !== undefined && this.clock.now() + decision.delayMs >= state.deadline) {
          this.#retry.refund(decision.cost);
          throw new DeadlineExceededError(
            `deadline would pass during the ${decision.delayMs} ms wait before retry ${attempt}; last error: ${error.message}`,
            { cause: error, attempts: attempt, status: error.status, retryAfterMs: error.retryAfterMs },
          );
        }
        try {
          // A zero wait is no wait: retry at once (a fake clock would never fire a 0 ms timer by itself).
          if (decision.delayMs > 0) await this.clock.sleep(decision.delayMs, state.signal);
          else throwIfAborted(state);
        } catch (reason) {
          this.#retry.refund(decision.cost);
          throw this.#normalize(reason, state, context);
        }
        delayBeforeMs = decision.delayMs;
        delaySource = decision.source;
        previousDelay = decision.delayMs;
        lastCost = decision.cost;
        // Prefer another lane for the retry when the failure says this endpoint is unhealthy.
        avoid = error.breakerFailure ? lane : undefined;
        laneSkips = 0;
      }
    }
  }

  #failFastIfCoolingDown(lane: Lane): void {
    const until = lane.queue.pausedUntil;
    if (until === undefined) return;
    const remaining = until - this.clock.now();
    if (remaining > this.#retry.maxRetryAfterMs) {
      throw new RateLimitError(`endpoint ${lane.id} is rate limited for another ${Math.ceil(remaining)} ms`, {
        retryAfterMs: Math.ceil(remaining),
        retryable: false,
        status: undefined,
      });
    }
  }

  async #exchange(
    spec: HttpSpec & { operation: string },
    context: AttemptContext,
    options: RequestOptions | undefined,
    state: RequestState,
  ): Promise<HttpResponse> {
    const { send } = await prepareRequest(
      spec,
      context.lane,
      this.#adapter,
      options?.headers,
      context.requestId,
    );
    const response = await this.#transport.request({
      ...send,
      signal: context.signal,
      firstByteTimeoutMs: this.#firstByteMs,
      idleTimeoutMs: this.#idleMs,
    });
    this.#tracker.markFirstByte(state.record);
    context.status = response.status;
    context.providerRequestId = firstHeader(response.headers, this.#adapter.requestIdHeaders);
    this.#observeRateLimits(context.lane as Lane, response.headers);
    if (context.providerRequestId !== undefined) state.record.providerRequestId = context.providerRequestId;
    if (response.status >= 400) {
      throw await errorFromResponse(response, this.#adapter, this.provider, this.clock.now());
    }
    return response;
  }

  /** Keeps the service's own view of the endpoint's limits, when it sends one. Cheap when it does not. */
  #observeRateLimits(lane: Lane, headers: HttpResponse['headers']): void {
    if (
      headers['x-ratelimit-remaining-requests'] === undefined &&
      headers['x-ratelimit-remaining-tokens'] === undefined &&
      headers['anthropic-ratelimit-requests-remaining'] === undefined &&
      headers['anthropic-ratelimit-tokens-remaining'] === undefined
    ) {
      return;
    }
    const now = this.clock.now();
    lane.rateLimit = { ...parseRateLimitHeaders(headers, now), observedAt: now };
  }

  /** Any thrown value as a taxonomy error, with the caller's abort told apart from our own timeouts. */
  #normalize(thrown: unknown, state: RequestState, context?: AttemptContext): AccelerateError {
    if (AccelerateError.isInstance(thrown)) return thrown;
    if (state.callerSignal?.aborted)
      return new AbortError('request aborted by the caller', { cause: thrown });
    if (state.signal?.aborted && AccelerateError.isInstance(state.signal.reason)) return state.signal.reason;
    if (context?.signal.aborted && AccelerateError.isInstance(context.signal.reason))
      return context.signal.reason;
    return new ResponseFormatError(`failed to process the ${this.provider} response: ${describe(thrown)}`, {
      cause: thrown,
    });
  }

  #fail(state: RequestState, thrown: unknown, usage?: TokenUsage): AccelerateError {
    const error = this.#normalize(thrown, state);
    error.provider ??= this.provider;
    error.requestId = state.record.id;
    error.attempts = Math.max(error.attempts, state.record.attempts.length);
    error.providerRequestId ??= state.record.providerRequestId;
    redactError(error, createRedactor(this.#pool.secretValues()));
    this.#tracker.finish(state.record, {
      outcome: error instanceof AbortError ? 'aborted' : 'error',
      errorCode: error.code,
      usage,
      providerRequestId: error.providerRequestId,
    });
    return error;
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidRequestError(`${this.provider} client is closed`);
  }

  /** Totals and per-endpoint figures: requests, outcomes, retries, latency percentiles, queue and breaker state. */
  stats(): BackendStats {
    const endpoints: BackendStats['endpoints'] = {};
    for (const lane of this.#pool.lanes()) {
      endpoints[lane.id] = {
        ...this.#tracker.stats(lane.id),
        endpoint: lane.describe(),
        trips: lane.breaker.snapshot().trips,
      };
    }
    return { ...this.#tracker.stats(), endpoints, retryBudget: this.#retry.budgetAvailable };
  }

  /** Zeroes the counters of one endpoint, or of all. Unknown ids are an error. */
  resetStats(endpointId?: string): void {
    if (endpointId !== undefined && !this.#pool.get(endpointId)) {
      throw new InvalidRequestError(`unknown endpoint id ${JSON.stringify(endpointId)}`);
    }
    this.#tracker.resetStats(endpointId);
  }

  /** The most recent finished requests, newest first (copies). */
  recentRequests(limit?: number): RequestRecord[] {
    return this.#tracker.recent(limit);
  }

  /** A request's record, in flight or recent. */
  findRequest(id: string): RequestRecord | undefined {
    return this.#tracker.find(id);
  }

  /** Adds an endpoint at run time; returns its id. */
  addEndpoint(config: EndpointConfig): string {
    return this.#pool.add(config).id;
  }

  /** Removes an endpoint: its waiting requests are rejected, running ones finish. */
  removeEndpoint(id: string): void {
    this.#pool.remove(id);
  }

  /** Changes an endpoint's URL, key, weight, headers or queue limits at run time. */
  updateEndpoint(id: string, patch: EndpointPatch): void {
    this.#pool.update(id, patch);
  }

  /** Secret-free descriptions of the endpoints. */
  endpoints(): EndpointDescription[] {
    return this.#pool.lanes().map((l) => l.describe());
  }

  /** The lane objects, for advanced control (breaker isolate/reset, queue limits). */
  lanes(): readonly Lane[] {
    return this.#pool.lanes();
  }

  /**
   * Rejects waiting requests and refuses new ones, lets in-flight requests finish, then closes the
   * connection pool.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.close(new AbortError(`${this.provider} client closed`));
    await this.#transport.close();
  }

  /** Like {@link Backend.close}, but fails in-flight requests at once by closing their connections. */
  async destroy(): Promise<void> {
    this.#closed = true;
    this.#pool.close(new AbortError(`${this.provider} client destroyed`));
    await this.#transport.destroy();
  }

  [inspect.custom](): string {
    return `Backend(${this.provider}) ${inspect({ strategy: this.#pool.strategy, endpoints: this.endpoints() })}`;
  }

  toJSON(): Record<string, unknown> {
    return { provider: this.provider, strategy: this.#pool.strategy, endpoints: this.endpoints() };
  }
}

/** Builds a {@link Backend}: the one function a provider package calls. */
export function createBackend(options: BackendOptions): Backend {
  return new Backend(options);
}

interface OpenStream<F, E> {
  response: HttpResponse;
  frames: AsyncIterator<F>;
  mapper: FrameMapper<F, E>;
  buffered: E[];
  ended: boolean;
  terminal: boolean;
}

/** Reads frames until the first content event (the commit point), holding back what came before it. */
async function openStream<F, E>(
  spec: StreamSpec<F, E>,
  response: HttpResponse,
  context: AttemptContext,
  isContent: (event: E) => boolean,
): Promise<OpenStream<F, E>> {
  const frames = spec.decode(response.body)[Symbol.asyncIterator]();
  const mapper = spec.mapper(context);
  const open: OpenStream<F, E> = { response, frames, mapper, buffered: [], ended: false, terminal: false };
  try {
    let content = false;
    while (!content) {
      const next = await frames.next();
      if (next.done) {
        open.ended = true;
        break;
      }
      const out = mapper.map(next.value);
      if (out !== undefined) {
        for (const event of asArray(out)) {
          open.buffered.push(event);
          if (isContent(event)) content = true;
        }
      }
      if (mapper.isTerminal?.(next.value)) {
        open.terminal = true;
        open.ended = true;
        break;
      }
    }
    const requireTerminal = spec.requireTerminal ?? mapper.isTerminal !== undefined;
    if (open.ended && !open.terminal && requireTerminal) {
      // Nothing reached the caller yet, so a stream cut before any content is retried like a reset.
      throw new StreamError('stream ended before any content (truncated)', { retryable: true });
    }
    return open;
  } catch (error) {
    void frames.return?.(undefined)?.catch(() => {});
    response.body.cancel();
    throw error;
  }
}

function toStreamError(thrown: unknown, state: RequestState): unknown {
  if (
    thrown instanceof AbortError ||
    thrown instanceof DeadlineExceededError ||
    thrown instanceof StreamError
  ) {
    return thrown;
  }
  if (state.callerSignal?.aborted) return thrown;
  if (state.signal?.aborted && state.signal.reason instanceof DeadlineExceededError)
    return state.signal.reason;
  const cause = AccelerateError.isInstance(thrown) ? thrown : undefined;
  return new StreamError(`stream failed after output began: ${describe(thrown)}`, {
    cause: thrown,
    status: cause?.status,
    providerCode: cause?.providerCode ?? cause?.code,
  });
}

/** Which health signal an outcome gives the breaker: 429/quota/aborts say nothing; caller errors are healthy. */
function settleTicket(ticket: BreakerTicket, error: AccelerateError): void {
  if (error.breakerFailure) ticket.failure();
  else if (
    error instanceof RateLimitError ||
    error instanceof AbortError ||
    error instanceof DeadlineExceededError ||
    error.code === 'quota_exceeded'
  ) {
    ticket.ignore();
  } else ticket.success();
}

function throwIfAborted(state: RequestState): void {
  if (state.callerSignal?.aborted)
    throw new AbortError('request aborted by the caller', { cause: state.callerSignal.reason });
  if (state.signal?.aborted) throw state.signal.reason;
}

function asArray<E>(out: E | readonly E[]): readonly E[] {
  return Array.isArray(out) ? (out as readonly E[]) : [out as E];
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0)) {
    throw new InvalidRequestError(`${name} must be a positive number of milliseconds; got ${String(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}

function noop(): void {}
