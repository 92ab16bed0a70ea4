/** The shapes the pipeline exchanges with an HTTP transport; any transport (or a test double) implements them. */

/** A request body: text, bytes, or a stream of bytes (sent with chunked encoding). */
export type HttpRequestBody = string | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** One HTTP request as the transport sends it. */
export interface HttpRequest {
  /** Absolute `http:` or `https:` URL; anything else fails with `InvalidRequestError` before any I/O. */
  url: string;
  /** HTTP method, e.g. `GET`, `POST`. */
  method: string;
  /** Request headers. A value containing CR or LF fails with `InvalidRequestError` before any I/O. */
  headers?: Record<string, string>;
  /** The request body, if any. A streamed body can be sent once only, so it cannot be retried as is. */
  body?: HttpRequestBody;
  /**
   * Aborts the request, before the headers or while the body is read. When `signal.reason` is an
   * `AccelerateError` (the pipeline's attempt timeout, the deadline) that very error is thrown, otherwise
   * an `AbortError` whose `cause` is the reason.
   */
  signal?: AbortSignal;
  /** Longest wait from the start of the request until the response headers, in ms. Off when absent. */
  firstByteTimeoutMs?: number;
  /** Longest gap between two body chunks, in ms (time paused for back-pressure excluded). Off when absent. */
  idleTimeoutMs?: number;
  /** Overrides the transport's body size limit for this request, in bytes. `Infinity` disables it. */
  maxResponseBytes?: number;
}

/** Response headers, names in lower case; repeated headers (e.g. `set-cookie`) as arrays. */
export type HttpResponseHeaders = Record<string, string | string[] | undefined>;

/** A response whose headers have arrived; the body is read (or cancelled) separately. */
export interface HttpResponse {
  /** HTTP status code (final, never 1xx). */
  status: number;
  /** Response headers, names in lower case. */
  headers: HttpResponseHeaders;
  /** The body. Read it to the end or `cancel()` it: an unread body holds its connection. */
  body: ResponseBody;
}

/**
 * A response body that can be read once, in one of four ways. Every way enforces the size limit
 * (`ResponseTooLargeError`, the connection is closed) and the idle timeout between chunks.
 */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  /** The whole body decoded as UTF-8 (a leading byte-order mark dropped). */
  text(): Promise<string>;
  /** The whole body parsed as JSON; malformed or empty -> `ResponseFormatError` with a short excerpt. */
  json<T = unknown>(): Promise<T>;
  /** The whole body as bytes. */
  bytes(): Promise<Uint8Array>;
  /**
   * The body chunk by chunk, as they arrive; pull-based, so a slow consumer pauses the socket.
   * Leaving the loop early (`break`, `throw`) cancels the rest of the body.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  /**
   * Drops the rest of the body. If it had not fully arrived the connection is closed, so nothing leaks.
   * Idempotent; a pending iterator read then ends (`done`), a pending whole-body read rejects with `AbortError`.
   */
  cancel(reason?: unknown): void;
  /** True once a read started or the body was cancelled; a body can be read only once. */
  readonly consumed: boolean;
  /**
   * Calls `callback` once the body has arrived in full, failed or been cancelled (at once if it already has).
   * The core uses it to hold a request's concurrency slot while a caller reads a body it was handed
   * (`CallSpec.keepsBody`); a transport of your own may leave it out, and the slot is then freed at once.
   */
  whenSettled?(callback: () => void): void;
}

/** Sends HTTP requests. {@link UndiciTransport} is the implementation; tests may supply their own. */
export interface HttpTransport {
  /** Sends a request and resolves when the response headers arrive. Rejects with an `AccelerateError`. */
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Lets in-flight requests finish, then closes the connections the transport owns. */
  close(): Promise<void>;
  /** Closes the connections the transport owns at once, failing in-flight requests. */
  destroy(): Promise<void>;
}
