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
import {
  type AcquireOptions,
  admitNow,
  isOwnRejection,
  type Permit,
  type QueueOptions,
} from './admission-queue.js';
import { AttemptContextImpl, AttemptLease } from './attempt.js';
import { AttemptAbort } from './attempt-abort.js';
import type { EventStream, TokenUsage } from './capabilities.js';
import { type BreakerOptions, type BreakerTicket, reportTicket } from './circuit-breaker.js';
import { type Clock, systemClock } from './clock.js';
import {
  type EndpointConfig,
  type EndpointDescription,
  type EndpointPatch,
  EndpointPool,
  type Lane,
  type LaneInfo,
  type LaneStrategy,
  secretsEpoch,
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
} from './errors/index.js';
import {
  errorFromResponse,
  firstHeader,
  type HttpSpec,
  type ProtocolAdapter,
  prepareRequest,
} from './http-exchange.js';
import { createRedactor, type Redactor, redactError } from './redact.js';
import { type Priority, type RequestOptions, validateRequestOptions } from './request-options.js';
import { parseRateLimitHeaders } from './retry-hints.js';
import { type DelaySource, type RetryOptions, RetryPolicy } from './retry-policy.js';
import { StreamIterator, type StreamSession } from './stream-iterator.js';
import { DIAGNOSTIC_CHANNELS, hasSubscribers, publish } from './tracking/diagnostics.js';
import { generateRequestId } from './tracking/request-id.js';
import type { RequestRecord, TrackerStats } from './tracking/request-tracker.js';
import { RequestTracker } from './tracking/request-tracker.js';
import type { ResponseBody } from './transport/http-types.js';
import {
  type HttpRequest,
  type HttpResponse,
  sendAttempt,
  UndiciTransport,
} from './transport/undici-transport.js';

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
  /**
   * The result hands the response body to the caller (a download read as it arrives): the body is not
   * cancelled after `parse`, and the request keeps its concurrency slot until the body has arrived in full,
   * failed or been cancelled, so such downloads stay within the lane's limit. @default false
   */
  keepsBody?: boolean;
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
  /** What every admission of this request asks the queue for. */
  acquire: AcquireOptions;
  /** The endpoint every attempt must use (`RequestOptions.endpointId`), if the caller chose one. */
  endpointId: string | undefined;
  /** Whether attempts go through that endpoint's breaker regardless (`RequestOptions.bypassBreaker`). */
  bypassBreaker: boolean;
}

/** A lane picked for an attempt, with its slot when one was free at once. */
interface Admission {
  lane: Lane;
  permit: Permit | undefined;
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
  #cachedRedactor: Redactor | undefined = undefined;
  #redactorEpoch = -1;

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
    let state: RequestState;
    try {
      validateRequestOptions(options);
      this.#assertOpen();
      state = this.#beginRequest(spec.operation, options, false);
    } catch (error) {
      return Promise.reject(error);
    }
    // The first admission is synchronous: a request the lane refuses at once (a full queue shedding a
    // burst, an open breaker) fails here without an async frame, a promise chain or a microtask turn.
    let first: Admission;
    try {
      first = this.#admit(state, undefined);
    } catch (error) {
      const failure = this.#fail(state, error);
      state.cleanup();
      return Promise.reject(failure);
    }
    return this.#runCall(spec, options, state, first);
  }

  async #runCall<T>(
    spec: CallSpec<T>,
    options: RequestOptions | undefined,
    state: RequestState,
    first: Admission,
  ): Promise<T> {
    try {
      const { value, lease, cost, keptBody } = await this.#attemptLoop(state, spec, options, spec, first);
      // A body handed to the caller keeps the slot until it has arrived (or failed, or was cancelled).
      if (keptBody?.whenSettled !== undefined) keptBody.whenSettled(() => lease.release());
      else lease.release();
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
    const run = (): AsyncGenerator<E> =>
      new StreamIterator(this.#streamSession(spec, { ...options, requestId }));
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

  /** The backend's side of one stream: opening it, and every way it can end (see stream-iterator.ts). */
  #streamSession<F, E>(spec: StreamSpec<F, E>, options: RequestOptions): StreamSession<F, E> {
    let state: RequestState | undefined;
    let lease: Lease | undefined;
    let open: OpenStream<F, E> | undefined;
    let closed = false;
    const session: StreamSession<F, E> = {
      open: async () => {
        const begun = this.#beginRequest(spec.operation, options, true);
        state = begun;
        const isContent = spec.isContent ?? always;
        const result = await this.#attemptLoop(begun, spec, options, async (ctx, abort) => {
          const response = await this.#send(spec, ctx, abort, options);
          if (this.#observe(response, ctx, begun)) throw await this.#errorOf(response);
          return openStream(spec, response, ctx, isContent);
        });
        lease = result.lease;
        open = result.value;
        this.#retry.recordSuccess(result.cost);
        return {
          frames: open.frames,
          mapper: open.mapper,
          buffered: open.buffered,
          ended: open.ended,
          terminal: open.terminal,
          requireTerminal: spec.requireTerminal ?? open.mapper.isTerminal !== undefined,
        };
      },
      // After the commit point nothing is retried: output already reached the caller.
      fail: (error, usage) => {
        if (state === undefined) return error;
        return this.#fail(state, lease !== undefined ? toStreamError(error, state) : error, usage);
      },
      succeed: (usage) => {
        const record = (state as RequestState).record;
        this.#tracker.finish(record, {
          outcome: 'success',
          usage,
          providerRequestId: record.providerRequestId,
        });
      },
      // The consumer left the loop early: not an error, but the request did not run to its end.
      abandon: (usage) => {
        if (state === undefined) return;
        this.#tracker.finish(state.record, { outcome: 'aborted', usage, errorCode: 'consumer_return' });
      },
      close: () => {
        if (closed) return;
        closed = true;
        if (open) {
          void open.frames.return?.(undefined)?.catch(() => {});
          open.response.body.cancel();
        }
        lease?.release();
        state?.cleanup();
      },
    };
    if (spec.usage !== undefined) session.usage = spec.usage;
    return session;
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
      // The wrapper keeps the core's internal abort handle (second argument) away from user code.
      const { value, lease, cost } = await this.#attemptLoop(
        state,
        { retry: options?.retry },
        options,
        (ctx) => send(ctx),
      );
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
    const enqueuedAt = record.enqueuedAt;
    if (callerSignal === undefined && deadline === undefined) {
      return {
        record,
        controller: undefined,
        signal: undefined,
        deadline,
        cleanup: noop,
        callerSignal,
        acquire: { priority, signal: undefined, deadline, enqueuedAt },
        endpointId: options?.endpointId,
        bypassBreaker: options?.bypassBreaker === true,
      };
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
      acquire: { priority, signal: controller.signal, deadline, enqueuedAt },
      endpointId: options?.endpointId,
      bypassBreaker: options?.bypassBreaker === true,
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
    /** The attempt: a function, or for a call its spec, run inline (one async frame less per request). */
    send: ((context: AttemptContext, abort: AttemptAbort) => Promise<T>) | CallSpec<T>,
    first?: Admission,
  ): Promise<{ value: T; lease: Lease; cost: number; keptBody?: ResponseBody }> {
    const { record } = state;
    let admission = first;
    let attempt = 0;
    let avoid: Lane | undefined;
    let delayBeforeMs = 0;
    let delaySource: DelaySource | 'none' = 'none';
    let lastCost = 0;
    let previousDelay: number | undefined;
    let laneSkips = 0;
    let keptBody: ResponseBody | undefined;
    for (;;) {
      admission ??= this.#admit(state, avoid);
      const { lane } = admission;
      let permit = admission.permit;
      admission = undefined;
      if (permit === undefined) {
        try {
          permit = await lane.queue.acquire(state.acquire);
        } catch (error) {
          if (error instanceof QueueFullError) this.#publishShed(lane, state);
          throw error;
        }
      }
      const held: Permit = permit;
      let ticket: BreakerTicket;
      try {
        ticket = state.bypassBreaker ? BYPASS_TICKET : lane.breaker.acquire();
      } catch (error) {
        held.release();
        // The breaker opened while we waited: try another lane if one can take us, without using an attempt.
        if (
          error instanceof CircuitOpenError &&
          state.endpointId === undefined &&
          laneSkips < this.#pool.lanes().length
        ) {
          laneSkips++;
          avoid = lane;
          if (this.#pool.lanes().some((l) => l !== lane && l.breaker.canPass())) continue;
        }
        throw error;
      }
      attempt++;
      const attemptRecord = this.#tracker.beginAttempt(record, { lane: lane.id, delayBeforeMs, delaySource });
      const abort = new AttemptAbort();
      abort.link(state.signal);
      const lease = new AttemptLease(lane, held, abort, this.clock);
      lease.arm(options?.timeoutMs ?? this.#attemptMs);
      const context = new AttemptContextImpl(record.id, record.operation, attempt, lane, abort);
      try {
        let value: T;
        if (typeof send === 'function') value = await send(context, abort);
        else {
          // One attempt of a call: send, check the status, parse; the body keeps its socket only when the spec
          // hands it to the caller (keepsBody), and then the slot too.
          const response = await this.#send(send, context, abort, options);
          if (this.#observe(response, context, state)) throw await this.#errorOf(response);
          let kept = false;
          try {
            value = await send.parse(response, context);
            kept = send.keepsBody === true;
          } finally {
            if (!kept && !response.body.consumed) response.body.cancel();
          }
          if (kept) keptBody = response.body;
        }
        // Past the commit point: the attempt timeout no longer applies (a stream may run long).
        lease.disarm();
        reportTicket(ticket, 'success');
        this.#tracker.endAttempt(record, attemptRecord, {
          status: context.status,
          providerRequestId: context.providerRequestId,
        });
        return { value, lease, cost: lastCost, keptBody };
      } catch (thrown) {
        lease.release();
        const error = this.#normalize(thrown, state, abort);
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
          throw this.#normalize(reason, state, abort);
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

  /**
   * Picks the lane for the next attempt and takes a slot there if one is free now. Throws at once what the
   * lane refuses with (open breakers, a cooldown beyond the cap, a full queue, an abort, a passed deadline);
   * `permit` is undefined when the request has to wait in the queue.
   */
  #admit(state: RequestState, avoid: Lane | undefined): Admission {
    throwIfAborted(state);
    const lane =
      state.endpointId === undefined
        ? this.#pool.select(avoid)
        : this.#pool.pinned(state.endpointId, state.bypassBreaker);
    this.#failFastIfCoolingDown(lane);
    try {
      return { lane, permit: admitNow(lane.queue, state.acquire) };
    } catch (error) {
      if (error instanceof QueueFullError) this.#publishShed(lane, state);
      throw error;
    }
  }

  #publishShed(lane: Lane, state: RequestState): void {
    // Checked first: a burst sheds thousands, and building the message factory costs a closure each.
    if (!hasSubscribers(DIAGNOSTIC_CHANNELS.queueReject)) return;
    publish(DIAGNOSTIC_CHANNELS.queueReject, () => ({
      provider: this.provider,
      lane: lane.id,
      requestId: state.record.id,
      size: lane.queue.size,
      pending: lane.queue.pending,
    }));
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

  /** Prepares and sends the attempt's request; resolves when the response headers arrive. */
  #send(
    spec: HttpSpec,
    context: AttemptContext,
    abort: AttemptAbort,
    options: RequestOptions | undefined,
  ): Promise<HttpResponse> {
    let prepared: ReturnType<typeof prepareRequest>;
    try {
      prepared = prepareRequest(spec, context.lane, this.#adapter, options?.headers, context.requestId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (prepared instanceof Promise) return prepared.then(({ send }) => this.#dispatch(send, abort));
    return this.#dispatch(prepared.send, abort);
  }

  #dispatch(send: HttpRequest, abort: AttemptAbort): Promise<HttpResponse> {
    send.firstByteTimeoutMs = this.#firstByteMs;
    send.idleTimeoutMs = this.#idleMs;
    return sendAttempt(this.#transport, send, abort);
  }

  /**
   * Notes what the response headers say (first byte, status, ids, rate limits); true for an error status.
   * A 3xx is one: redirects are never followed (they could carry credentials to another origin), and an
   * API that answers with one has not done what was asked, whatever the body says.
   */
  #observe(response: HttpResponse, context: AttemptContext, state: RequestState): boolean {
    this.#tracker.markFirstByte(state.record);
    context.status = response.status;
    context.providerRequestId = firstHeader(response.headers, this.#adapter.requestIdHeaders);
    this.#observeRateLimits(context.lane as Lane, response.headers);
    if (context.providerRequestId !== undefined) state.record.providerRequestId = context.providerRequestId;
    return response.status >= 300;
  }

  #errorOf(response: HttpResponse): Promise<AccelerateError> {
    return errorFromResponse(response, this.#adapter, this.provider, this.clock.now());
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
  #normalize(thrown: unknown, state: RequestState, abort?: AttemptAbort): AccelerateError {
    if (AccelerateError.isInstance(thrown)) return thrown;
    if (state.callerSignal?.aborted)
      return new AbortError('request aborted by the caller', { cause: thrown });
    if (state.signal?.aborted && AccelerateError.isInstance(state.signal.reason)) return state.signal.reason;
    if (abort?.aborted && AccelerateError.isInstance(abort.reason)) return abort.reason;
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
    // Errors the queue wrote from counts alone need no redaction (reading `stack` costs a microsecond).
    if (!isOwnRejection(error)) redactError(error, this.#redactor());
    this.#tracker.finish(state.record, {
      outcome: error instanceof AbortError ? 'aborted' : 'error',
      errorCode: error.code,
      usage,
      providerRequestId: error.providerRequestId,
    });
    return error;
  }

  /** The redactor of the endpoints' secrets, rebuilt only when some lane's secrets changed. */
  #redactor(): Redactor {
    if (this.#redactorEpoch !== secretsEpoch || this.#cachedRedactor === undefined) {
      this.#cachedRedactor = createRedactor(this.#pool.secretValues());
      this.#redactorEpoch = secretsEpoch;
    }
    return this.#cachedRedactor;
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

/** The ticket of a call that bypasses the breaker: it takes no probe slot and reports nothing. */
const BYPASS_TICKET: BreakerTicket = Object.freeze({
  success: () => undefined,
  failure: () => undefined,
  ignore: () => undefined,
});

/** Which health signal an outcome gives the breaker: 429/quota/aborts say nothing; caller errors are healthy. */
function settleTicket(ticket: BreakerTicket, error: AccelerateError): void {
  if (error.breakerFailure) reportTicket(ticket, 'failure');
  else if (
    error instanceof RateLimitError ||
    error instanceof AbortError ||
    error instanceof DeadlineExceededError ||
    error.code === 'quota_exceeded'
  ) {
    reportTicket(ticket, 'ignore');
  } else reportTicket(ticket, 'success');
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

function always(): boolean {
  return true;
}
