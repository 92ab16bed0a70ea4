/**
 * The body of one response, fed chunk by chunk by the transport and read once by the caller. It owns the
 * body-phase rules: the size limit, the idle timeout between chunks and back-pressure towards the socket.
 */
import type { Clock, TimerHandle } from '../clock.js';
import {
  AbortError,
  type AccelerateError,
  ResponseFormatError,
  ResponseTooLargeError,
  TimeoutError,
} from '../errors/index.js';
import type { ResponseBody } from './http-types.js';

/** What the body needs from the wire under it. */
export interface BodySource {
  /** Stops reading the socket until {@link BodySource.resume}: the consumer is behind. */
  pause(): void;
  /** Starts reading the socket again. */
  resume(): void;
  /** Stops the transfer for good; a connection still receiving this body is closed. */
  abort(error: AccelerateError): void;
}

/** How a {@link StreamedResponseBody} behaves. */
export interface StreamedResponseBodyOptions {
  /** The response status, copied onto the errors the body raises. */
  status: number;
  /** Size limit in bytes; `Infinity` for none. */
  maxBytes: number;
  /** Longest gap between chunks in ms, time paused for back-pressure excluded; `undefined` for none. */
  idleTimeoutMs: number | undefined;
  /** Time source of the idle timer. */
  clock: Clock;
  /** Bytes buffered ahead of the consumer before the socket is paused. @default 65536 */
  highWaterMark?: number;
  /** Called once when the body ends, fails or is cancelled (to release listeners held for it). */
  onSettled?: () => void;
}

/** Bytes buffered ahead of a slow consumer before the socket is paused (as Node streams do). */
export const DEFAULT_BODY_HIGH_WATER_MARK = 64 * 1024;

const EXCERPT_CHARS = 120;
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
// Stateless when used without `stream: true`, so one instance serves every body.
const utf8 = new TextDecoder();
const decodeUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes);

interface PendingRead {
  resolve(result: IteratorResult<Uint8Array>): void;
  reject(error: unknown): void;
}

interface PendingCollect {
  resolve(bytes: Uint8Array): void;
  reject(error: unknown): void;
}

function concat(chunks: Uint8Array[], from: number, total: number): Uint8Array {
  if (chunks.length - from === 1) return chunks[from] as Uint8Array;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = from; i < chunks.length; i++) {
    const chunk = chunks[i] as Uint8Array;
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** A short, quoted start of a text for error messages: never the whole body. @internal */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text);
}

/**
 * A {@link ResponseBody} fed by the transport through {@link StreamedResponseBody.push},
 * {@link StreamedResponseBody.end} and {@link StreamedResponseBody.fail}. An error is reported at once
 * (chunks still buffered are dropped), as Node streams do on `destroy(error)`.
 */
export class StreamedResponseBody implements ResponseBody {
  readonly #source: BodySource;
  readonly #status: number;
  readonly #maxBytes: number;
  readonly #idleTimeoutMs: number | undefined;
  readonly #clock: Clock;
  readonly #highWaterMark: number;
  readonly #onSettled: (() => void) | undefined;
  #settledCallbacks: Array<() => void> | undefined;

  #queue: Uint8Array[] = [];
  #head = 0;
  #buffered = 0;
  #received = 0;
  #paused = false;
  #consumed = false;
  #ended = false;
  #cancelled = false;
  #error: AccelerateError | undefined;
  #pendingRead: PendingRead | undefined;
  #pendingCollect: PendingCollect | undefined;
  #idleTimer: TimerHandle | undefined;
  #lastActivityAt = 0;

  constructor(source: BodySource, options: StreamedResponseBodyOptions) {
    this.#source = source;
    this.#status = options.status;
    this.#maxBytes = options.maxBytes;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#clock = options.clock;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_BODY_HIGH_WATER_MARK;
    this.#onSettled = options.onSettled;
    if (this.#idleTimeoutMs !== undefined) {
      this.#lastActivityAt = this.#clock.now();
      this.#armIdleTimer(this.#idleTimeoutMs);
    }
  }

  get consumed(): boolean {
    return this.#consumed;
  }

  whenSettled(callback: () => void): void {
    if (this.#isSettled()) {
      callback();
      return;
    }
    if (this.#settledCallbacks === undefined) this.#settledCallbacks = [callback];
    else this.#settledCallbacks.push(callback);
  }

  /** Total bytes received so far. */
  get receivedBytes(): number {
    return this.#received;
  }

  // ---- wire side -------------------------------------------------------------------------------------

  /** A chunk arrived from the socket. */
  push(chunk: Uint8Array): void {
    if (this.#isSettled()) return;
    this.#received += chunk.length;
    if (this.#received > this.#maxBytes) {
      this.fail(new ResponseTooLargeError(this.#maxBytes, { status: this.#status }));
      return;
    }
    // One clock read per chunk instead of a timer reset per chunk: the timer re-arms itself lazily.
    if (this.#idleTimeoutMs !== undefined) this.#lastActivityAt = this.#clock.now();
    const read = this.#pendingRead;
    if (read !== undefined) {
      this.#pendingRead = undefined;
      read.resolve({ value: chunk, done: false });
      return;
    }
    this.#queue.push(chunk);
    this.#buffered += chunk.length;
    if (this.#pendingCollect === undefined && !this.#paused && this.#buffered >= this.#highWaterMark) {
      this.#paused = true;
      this.#source.pause();
    }
  }

  /** The body arrived completely. */
  end(): void {
    if (this.#isSettled()) return;
    this.#ended = true;
    this.#settle();
    const read = this.#pendingRead;
    if (read !== undefined) {
      this.#pendingRead = undefined;
      read.resolve(DONE);
    }
    const collect = this.#pendingCollect;
    if (collect !== undefined) {
      this.#pendingCollect = undefined;
      collect.resolve(this.#drain());
    }
  }

  /** The body failed (socket error, abort, limit); the transfer is stopped and readers get `error`. */
  fail(error: AccelerateError): void {
    if (this.#isSettled()) return;
    this.#error = error;
    this.#settle();
    this.#dropBuffered();
    this.#source.abort(error);
    const read = this.#pendingRead;
    if (read !== undefined) {
      this.#pendingRead = undefined;
      read.reject(error);
    }
    const collect = this.#pendingCollect;
    if (collect !== undefined) {
      this.#pendingCollect = undefined;
      collect.reject(error);
    }
  }

  // ---- consumer side ---------------------------------------------------------------------------------

  text(): Promise<string> {
    if (this.#takeWhole()) return Promise.resolve(utf8.decode(this.#drain()));
    return this.#collect().then(decodeUtf8);
  }

  json<T = unknown>(): Promise<T> {
    if (this.#takeWhole()) {
      try {
        return Promise.resolve(this.#parseJson<T>(this.#drain()));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#collect().then((bytes) => this.#parseJson<T>(bytes));
  }

  /**
   * Claims the body when it has already arrived whole and unread, so a whole-body read can answer without
   * waiting: a small response usually comes in the same socket read as its headers, and each `await`
   * saved is a promise and a microtask turn per request.
   */
  #takeWhole(): boolean {
    if (this.#consumed || !this.#ended || this.#error !== undefined) return false;
    this.#consumed = true;
    return true;
  }

  #parseJson<T>(bytes: Uint8Array): T {
    const text = utf8.decode(bytes);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      // Only text that is not JSON reaches here; an empty (all-whitespace) body gets its own message.
      if (text.trim() === '') {
        throw new ResponseFormatError('Expected a JSON response body, got an empty one', {
          status: this.#status,
        });
      }
      throw new ResponseFormatError(`Malformed JSON in response body: ${excerpt(text)}`, {
        status: this.#status,
        cause: error,
      });
    }
  }

  bytes(): Promise<Uint8Array> {
    return this.#collect();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#claim();
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next: () => this.#next(),
      return: () => {
        this.cancel();
        return Promise.resolve(DONE);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  cancel(reason?: unknown): void {
    this.#consumed = true;
    if (this.#isSettled()) {
      this.#dropBuffered();
      return;
    }
    this.#cancelled = true;
    this.#settle();
    this.#dropBuffered();
    const error = new AbortError('Response body cancelled', { status: this.#status, cause: reason });
    this.#source.abort(error);
    const read = this.#pendingRead;
    if (read !== undefined) {
      this.#pendingRead = undefined;
      read.resolve(DONE);
    }
    const collect = this.#pendingCollect;
    if (collect !== undefined) {
      this.#pendingCollect = undefined;
      collect.reject(error);
    }
  }

  // ---- internals -------------------------------------------------------------------------------------

  #claim(): void {
    if (this.#consumed) throw new TypeError('Response body already consumed or cancelled');
    this.#consumed = true;
  }

  #next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#head < this.#queue.length) {
      const chunk = this.#queue[this.#head] as Uint8Array;
      this.#head++;
      this.#buffered -= chunk.length;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      // Resume below half the mark so a consumer at the edge does not toggle the socket on every chunk.
      if (this.#paused && this.#buffered <= this.#highWaterMark / 2) this.#resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#ended || this.#cancelled) return Promise.resolve(DONE);
    if (this.#pendingRead !== undefined) {
      return Promise.reject(new TypeError('Response body iterator: next() called while a read is pending'));
    }
    if (this.#paused) this.#resume();
    return new Promise((resolve, reject) => {
      this.#pendingRead = { resolve, reject };
    });
  }

  #collect(): Promise<Uint8Array> {
    try {
      this.#claim();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(this.#drain());
    return new Promise((resolve, reject) => {
      this.#pendingCollect = { resolve, reject };
      // Reading everything: no point holding the socket back any more.
      if (this.#paused) this.#resume();
    });
  }

  #drain(): Uint8Array {
    const bytes =
      this.#queue.length === this.#head ? new Uint8Array(0) : concat(this.#queue, this.#head, this.#buffered);
    this.#dropBuffered();
    return bytes;
  }

  #dropBuffered(): void {
    this.#queue = [];
    this.#head = 0;
    this.#buffered = 0;
  }

  #resume(): void {
    this.#paused = false;
    if (this.#isSettled()) return;
    if (this.#idleTimeoutMs !== undefined) {
      // Time spent paused for the consumer's sake is not the server's idleness.
      this.#lastActivityAt = this.#clock.now();
      if (this.#idleTimer === undefined) this.#armIdleTimer(this.#idleTimeoutMs);
    }
    this.#source.resume();
  }

  #isSettled(): boolean {
    return this.#ended || this.#cancelled || this.#error !== undefined;
  }

  #settle(): void {
    if (this.#idleTimer !== undefined) {
      this.#clock.clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
    this.#onSettled?.();
    const callbacks = this.#settledCallbacks;
    if (callbacks !== undefined) {
      this.#settledCallbacks = undefined;
      for (const callback of callbacks) callback();
    }
  }

  #armIdleTimer(ms: number): void {
    this.#idleTimer = this.#clock.setTimeout(this.#onIdleTimer, ms);
  }

  // Fires at the earliest moment the body could be idle; if a chunk came since, sleep for the remainder.
  readonly #onIdleTimer = (): void => {
    this.#idleTimer = undefined;
    const limit = this.#idleTimeoutMs;
    if (limit === undefined || this.#isSettled() || this.#paused) return;
    const remaining = this.#lastActivityAt + limit - this.#clock.now();
    if (remaining > 0) {
      this.#armIdleTimer(remaining);
      return;
    }
    this.fail(
      new TimeoutError(`No response body data for ${limit} ms`, { kind: 'idle', status: this.#status }),
    );
  };
}
