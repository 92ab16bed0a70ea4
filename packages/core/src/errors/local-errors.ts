/** Errors raised on our side of the wire: transport, stream decoding, and the pipeline's own policies. */
import { AccelerateError, type AccelerateErrorOptions } from './accelerate-error.js';

/** Which deadline ran out. */
export type TimeoutKind = 'attempt' | 'connect' | 'first-byte' | 'idle' | 'probe' | 'server';

/** A timeout: an attempt, the connect, the first byte, the gap between stream chunks, or a 408. */
export class TimeoutError extends AccelerateError {
  readonly code = 'timeout';
  /** Which timeout fired. */
  readonly kind: TimeoutKind;
  constructor(message = 'Request timed out', options?: AccelerateErrorOptions & { kind?: TimeoutKind }) {
    super(message, true, options);
    this.kind = options?.kind ?? 'attempt';
  }
  override get breakerFailure(): boolean {
    return true;
  }
}

/** The connection could not be made or was reset (ECONNREFUSED, ECONNRESET, socket closed, DNS). */
export class ConnectionError extends AccelerateError {
  readonly code = 'connection_failed';
  constructor(message = 'Connection failed', options?: AccelerateErrorOptions) {
    super(message, true, options);
  }
  override get breakerFailure(): boolean {
    return true;
  }
}

/**
 * A stream broke after it started: truncated, reset or an in-band error after content. Not retried,
 * because output already reached the caller and replaying it silently would duplicate it.
 */
export class StreamError extends AccelerateError {
  readonly code = 'stream_error';
  constructor(message = 'Stream failed', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
  override get breakerFailure(): boolean {
    return true;
  }
}

/** The response could not be understood: malformed JSON, wrong shape, unexpected content type. */
export class ResponseFormatError extends AccelerateError {
  readonly code: string = 'invalid_response';
  constructor(message = 'Malformed response', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
  override get breakerFailure(): boolean {
    return true;
  }
}

/** The response body went over the configured size limit; the socket was closed. */
export class ResponseTooLargeError extends ResponseFormatError {
  override readonly code = 'response_too_large';
  /** The limit that was exceeded, in bytes. */
  readonly limitBytes: number;
  constructor(limitBytes: number, options?: AccelerateErrorOptions) {
    super(`Response body exceeded the limit of ${limitBytes} bytes`, options);
    this.limitBytes = limitBytes;
  }
}

/** The endpoint's circuit is open (or isolated): failing fast. `retryAfterMs` says when it may admit a probe. */
export class CircuitOpenError extends AccelerateError {
  readonly code = 'circuit_open';
  constructor(message = 'Circuit is open', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
}

/** The admission queue is at capacity: shed at once rather than wait. */
export class QueueFullError extends AccelerateError {
  readonly code = 'queue_full';
  constructor(message = 'Request queue is full', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
}

/** The caller aborted the request through its `AbortSignal`. */
export class AbortError extends AccelerateError {
  readonly code = 'aborted';
  constructor(message = 'Request aborted', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
}

/** The request's total deadline (`deadlineMs`) passed, or the next retry could not finish before it. */
export class DeadlineExceededError extends AccelerateError {
  readonly code = 'deadline_exceeded';
  constructor(message = 'Deadline exceeded', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
}
