/** Options every operation of every backend accepts, and their validation. */
import { InvalidRequestError } from './errors/index.js';

/** Admission priority. High runs first; low is aged so it cannot starve. */
export type Priority = 'high' | 'normal' | 'low';

/** The priorities, most urgent first. */
export const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

/** Per-call options shared by every operation. */
export interface RequestOptions {
  /** Cancels the request wherever it is: queued, in flight, sleeping before a retry or streaming. */
  signal?: AbortSignal;
  /** Admission priority. @default 'normal' */
  priority?: Priority;
  /** Total time budget for the call, across queueing, every attempt and every backoff sleep, in ms. */
  deadlineMs?: number;
  /** Time limit of one attempt, in ms. Overrides the backend's default. */
  timeoutMs?: number;
  /** Use this id instead of a generated `req_…` one (for correlation with your own logs). */
  requestId?: string;
  /** Extra headers for this call only. */
  headers?: Record<string, string>;
  /**
   * Send every attempt of this call to this endpoint (its `id`) and no other: for state that lives on one
   * server (an S3 multipart upload, a per-server health probe). An unknown id fails with an
   * InvalidRequestError before anything is sent; while that endpoint's breaker is open the call fails fast with
   * a CircuitOpenError instead of moving elsewhere.
   */
  endpointId?: string;
  /**
   * With `endpointId` only: send even while that endpoint's circuit breaker is open or its half-open probes are
   * busy. The call takes no probe slot and its outcome does not feed the breaker. For cleanup that must be tried
   * whatever the endpoint's health (aborting a multipart upload after the failures that opened the breaker); not
   * for ordinary traffic.
   */
  bypassBreaker?: boolean;
}

/**
 * Rejects malformed options with an {@link InvalidRequestError} before anything is queued or sent.
 * @internal
 */
export function validateRequestOptions(options: RequestOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError(`Request options must be an object, got ${typeof options}`);
  }
  const { priority, deadlineMs, timeoutMs, requestId, signal, endpointId, bypassBreaker } = options;
  if (bypassBreaker !== undefined && typeof bypassBreaker !== 'boolean') {
    throw new InvalidRequestError('bypassBreaker must be a boolean');
  }
  if (bypassBreaker === true && endpointId === undefined) {
    throw new InvalidRequestError('bypassBreaker needs endpointId: it sends to one chosen endpoint');
  }
  if (endpointId !== undefined && (typeof endpointId !== 'string' || endpointId.length === 0)) {
    throw new InvalidRequestError('endpointId must be a non-empty string');
  }
  if (priority !== undefined && !PRIORITIES.includes(priority)) {
    throw new InvalidRequestError(
      `priority must be one of high, normal, low; got ${JSON.stringify(priority)}`,
    );
  }
  for (const [name, value] of [
    ['deadlineMs', deadlineMs],
    ['timeoutMs', timeoutMs],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0) || Number.isNaN(value))) {
      throw new InvalidRequestError(
        `${name} must be a positive number of milliseconds; got ${String(value)}`,
      );
    }
  }
  if (
    requestId !== undefined &&
    (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 200)
  ) {
    throw new InvalidRequestError('requestId must be a non-empty string of at most 200 characters');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidRequestError('signal must be an AbortSignal');
  }
}
