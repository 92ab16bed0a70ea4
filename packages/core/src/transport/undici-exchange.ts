/**
 * One request on an undici dispatcher, from dispatch to the last body byte. It owns the request-phase
 * rules (first-byte timeout, the caller's abort signal, error mapping) and hands the body phase to a
 * {@link StreamedResponseBody}. It speaks undici's dispatch-handler protocol directly: no intermediate
 * Node stream, so the hot path stays as lean as `undici.request` itself.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AttemptAbort } from '../attempt-abort.js';
import type { Clock, TimerHandle } from '../clock.js';
import { type AccelerateError, ResponseTooLargeError, TimeoutError } from '../errors/index.js';
import type { HttpResponse } from './http-types.js';
import { abortErrorFromReason, abortErrorFromSignal, mapTransportError } from './map-transport-error.js';
import { type BodySource, StreamedResponseBody } from './response-body.js';

/** The per-request limits an exchange enforces. @internal */
export interface ExchangeLimits {
  clock: Clock;
  signal: AbortSignal | undefined;
  /** The pipeline's attempt: watched like `signal`, without the cost of an AbortSignal listener. */
  abort?: AttemptAbort | undefined;
  firstByteTimeoutMs: number | undefined;
  idleTimeoutMs: number | undefined;
  maxResponseBytes: number;
  /** False for HEAD, whose `content-length` describes a body that is never sent. */
  expectsBody: boolean;
}

/**
 * Dispatches `options` on `dispatcher` and resolves with the response once its headers arrive. Failures
 * before the headers reject (promptly, even while undici is still connecting); later ones go to the body.
 * @internal
 */
export function dispatchExchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  limits: ExchangeLimits,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const exchange = new UndiciExchange(limits, resolve, reject);
    if (exchange.failed) return;
    try {
      dispatcher.dispatch(options, exchange);
    } catch (error) {
      // Dispatchers report through onResponseError; a custom one may still throw.
      exchange.onResponseError(undefined, error);
    }
  });
}

class UndiciExchange implements Dispatcher.DispatchHandler, BodySource {
  readonly #limits: ExchangeLimits;
  readonly #resolve: (response: HttpResponse) => void;
  readonly #reject: (error: AccelerateError) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #body: StreamedResponseBody | undefined;
  #error: AccelerateError | undefined;
  #finished = false;
  #firstByteTimer: TimerHandle | undefined;
  // Made only when a signal is given (it must be the same function to remove it).
  #onAbort: (() => void) | undefined = undefined;

  constructor(
    limits: ExchangeLimits,
    resolve: (response: HttpResponse) => void,
    reject: (error: AccelerateError) => void,
  ) {
    this.#limits = limits;
    this.#resolve = resolve;
    this.#reject = reject;
    const { signal, abort, firstByteTimeoutMs, clock } = limits;
    if (abort !== undefined) {
      if (abort.aborted) {
        this.#failBeforeHeaders(abortErrorFromReason(abort.reason));
        return;
      }
      abort.listen(this);
    }
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#failBeforeHeaders(abortErrorFromSignal(signal));
        return;
      }
      const onAbort = (): void => this.#abortWith(abortErrorFromSignal(signal));
      this.#onAbort = onAbort;
      signal.addEventListener('abort', onAbort, { once: true });
    }
    if (firstByteTimeoutMs !== undefined && firstByteTimeoutMs !== Number.POSITIVE_INFINITY) {
      this.#firstByteTimer = clock.setTimeout(() => this.#firstByteTimedOut(), firstByteTimeoutMs);
    }
  }

  /** True when the exchange failed before it could be dispatched (signal already aborted). */
  get failed(): boolean {
    return this.#error !== undefined;
  }

  // ---- undici handler --------------------------------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Failed while undici was still queueing or connecting: stop it now that we can.
    if (this.#error !== undefined) controller.abort(this.#error);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (statusCode < 200) return; // 1xx informational: the real response follows.
    this.#controller = controller;
    if (this.#error !== undefined) {
      controller.abort(this.#error);
      return;
    }
    this.#clearFirstByteTimer();
    const { maxResponseBytes, idleTimeoutMs, clock } = this.#limits;
    const body = new StreamedResponseBody(this, {
      status: statusCode,
      maxBytes: maxResponseBytes,
      idleTimeoutMs: idleTimeoutMs === Number.POSITIVE_INFINITY ? undefined : idleTimeoutMs,
      clock,
      onSettled: this.#release,
    });
    this.#body = body;
    this.#resolve({ status: statusCode, headers, body });
    // A declared length over the limit: fail the body now instead of downloading it.
    const declared = headers['content-length'];
    if (
      this.#limits.expectsBody &&
      statusCode !== 204 &&
      statusCode !== 304 &&
      typeof declared === 'string' &&
      Number(declared) > maxResponseBytes
    ) {
      body.fail(new ResponseTooLargeError(maxResponseBytes, { status: statusCode }));
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#body?.push(chunk);
  }

  onResponseEnd(): void {
    this.#finished = true;
    this.#body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: unknown): void {
    this.#finished = true;
    const mapped = mapTransportError(error);
    if (this.#body !== undefined) this.#body.fail(mapped);
    else this.#failBeforeHeaders(mapped);
  }

  // ---- body source -----------------------------------------------------------------------------------

  pause(): void {
    this.#controller?.pause();
  }

  resume(): void {
    this.#controller?.resume();
  }

  abort(error: AccelerateError): void {
    if (!this.#finished) this.#controller?.abort(error);
  }

  // ---- internals -------------------------------------------------------------------------------------

  #failBeforeHeaders(error: AccelerateError): void {
    if (this.#error !== undefined || this.#body !== undefined) return;
    this.#error = error;
    this.#release();
    this.#reject(error);
    if (!this.#finished) this.#controller?.abort(error);
  }

  /** The pipeline aborted the attempt (its timeout, the deadline, the caller): see AttemptAbort.listen. */
  attemptAborted(reason: unknown): void {
    this.#abortWith(abortErrorFromReason(reason));
  }

  #abortWith(error: AccelerateError): void {
    if (this.#body !== undefined) this.#body.fail(error);
    else this.#failBeforeHeaders(error);
  }

  #firstByteTimedOut(): void {
    this.#firstByteTimer = undefined;
    const ms = this.#limits.firstByteTimeoutMs;
    this.#failBeforeHeaders(new TimeoutError(`No response headers within ${ms} ms`, { kind: 'first-byte' }));
  }

  #clearFirstByteTimer(): void {
    if (this.#firstByteTimer !== undefined) {
      this.#limits.clock.clearTimeout(this.#firstByteTimer);
      this.#firstByteTimer = undefined;
    }
  }

  // Everything held for the request's sake, let go once it settled.
  readonly #release = (): void => {
    this.#clearFirstByteTimer();
    this.#limits.abort?.listen(undefined);
    const onAbort = this.#onAbort;
    if (onAbort !== undefined) {
      this.#onAbort = undefined;
      this.#limits.signal?.removeEventListener('abort', onAbort);
    }
  };
}
