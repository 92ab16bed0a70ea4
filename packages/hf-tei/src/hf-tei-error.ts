/**
 * TEI's errors in the common taxonomy. The native routes answer `{"error": "…", "error_type": "…"}`; the
 * OpenAI-style `/v1/embeddings` answers `{"message": "…", "code": 429, "error_type": "…"}` (the spec's
 * examples write `type`). `error_type` is compared case-insensitively: the server sends `Overloaded`,
 * `Validation`, … (the Rust enum has no serde rename) while its own documentation shows lower case.
 */
import {
  type AccelerateError,
  AuthenticationError,
  type ErrorResponse,
  errorFromStatus,
  extractErrorMessage,
  InvalidRequestError,
  OverloadedError,
  type ProtocolAdapter,
  RateLimitError,
  ServerError,
} from '@ipfs-accelerate/core';

/** TEI's `ErrorType` values, lower-cased: what {@link AccelerateError.providerCode} holds for TEI errors. */
export type HfTeiErrorType = 'unhealthy' | 'backend' | 'overloaded' | 'validation' | 'tokenizer' | 'empty';

// `/rerank` on an embedding model, `/embed_sparse` on a model without SPLADE pooling, …: a 424 that no
// retry can fix, because the caller picked a route the served model does not have.
const WRONG_MODEL_TYPE = /model is not an? |not a re-?ranker|not an embedding|splade/i;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The lower-cased `error_type` (or `type`) of a TEI error body, when it has one. */
export function hfTeiErrorType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const o = body as Record<string, unknown>;
  return (text(o.error_type) ?? text(o.type))?.toLowerCase();
}

/**
 * Maps a TEI error response:
 * - 429 `Overloaded` (the server's concurrency permits are all taken; it answers at once, with no
 *   retry hint) -> RateLimitError: retried with backoff, and not a breaker failure, because a server
 *   refusing work above `--max-concurrent-requests` is healthy (load shedding, like any 429).
 * - 503 `Unhealthy` -> OverloadedError (retryable, a breaker failure).
 * - 400 `Empty`, 413 (batch larger than `max_client_batch_size`, or a body over `--payload-limit`),
 *   422 `Validation`/`Tokenizer` -> InvalidRequestError.
 * - 424 `Backend`: InvalidRequestError when the served model cannot do the operation (e.g. `/rerank` on an
 *   embedding model), else ServerError that is not retried (inference failed on this input).
 * - 401 (`--api-key` set, empty body) -> AuthenticationError; others by the core's status mapping.
 * `providerCode` is the lower-cased `error_type`.
 */
export function parseHfTeiError(response: ErrorResponse): AccelerateError {
  const { status, bodyJson } = response;
  const errorType = hfTeiErrorType(bodyJson);
  const message = extractErrorMessage(
    bodyJson,
    response.bodyText.trim().slice(0, 300) || (status === 401 ? 'unauthorized' : `HTTP ${status}`),
  );
  const options = { status, providerCode: errorType, providerRequestId: response.providerRequestId };
  if (status === 429) return new RateLimitError(message, options);
  if (status === 401) return new AuthenticationError(message, options);
  if (status === 424) {
    return WRONG_MODEL_TYPE.test(message)
      ? new InvalidRequestError(message, options)
      : new ServerError(message, { ...options, retryable: false });
  }
  if (status === 503) return new OverloadedError(message, options);
  if (status >= 400 && status < 500 && errorType === 'overloaded')
    return new RateLimitError(message, options);
  return errorFromStatus({ ...options, message });
}

/** The protocol adapter of the client: Bearer auth (the core default, only when a key is set) and TEI errors. */
export function hfTeiProtocol(headers: Record<string, string> | undefined): ProtocolAdapter {
  const adapter: ProtocolAdapter = { parseError: parseHfTeiError };
  if (headers && Object.keys(headers).length > 0) adapter.headers = { ...headers };
  return adapter;
}
