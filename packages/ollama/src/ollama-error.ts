/**
 * Ollama's errors in the common taxonomy. Ollama answers failures with `{"error": "<message>"}` and a status
 * (`docs/api/errors.mdx`), and a stream that already sent HTTP 200 reports a failure as an NDJSON line of the
 * same shape. It sends no request-id or rate-limit headers.
 */
import {
  type AccelerateError,
  AuthenticationError,
  type ErrorResponse,
  errorFromStatus,
  extractErrorMessage,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  type ProtocolAdapter,
  RateLimitError,
  ServerError,
} from '@ipfs-accelerate/core';

// `server busy, please try again.  maximum pending requests exceeded` (server/sched.go ErrMaxQueue).
const BUSY = /server busy|maximum pending requests/i;
// `model "x" not found, try pulling it first`; pull: `pull model manifest: file does not exist`.
const MODEL_NOT_FOUND = /model ['"]?[^'"]*['"]? not found|file does not exist/i;

/** A stable `providerCode` for the Ollama failures worth telling apart. */
function providerCodeOf(message: string): string | undefined {
  if (BUSY.test(message)) return 'server_busy';
  if (MODEL_NOT_FOUND.test(message)) return 'model_not_found';
  return undefined;
}

/**
 * Maps an Ollama error response: 400 -> InvalidRequestError, 401 -> AuthenticationError (Ollama cloud),
 * 403 -> PermissionDeniedError, 404 (`model "x" not found, try pulling it first`) -> NotFoundError,
 * 429 -> RateLimitError, 503 (`server busy … maximum pending requests exceeded`, the queue is full) ->
 * OverloadedError (retryable, a breaker failure), 500 and 502 (cloud model unreachable) -> ServerError.
 * Other statuses use the core's default mapping.
 */
export function parseOllamaError(response: ErrorResponse): AccelerateError {
  const { status } = response;
  const message = extractErrorMessage(
    response.bodyJson,
    response.bodyText.trim().slice(0, 300) || `HTTP ${status}`,
  );
  const options = { status, providerCode: providerCodeOf(message) };
  switch (status) {
    case 400:
      return new InvalidRequestError(message, options);
    case 401:
      return new AuthenticationError(message, options);
    case 403:
      return new PermissionDeniedError(message, options);
    case 404:
      return new NotFoundError(message, options);
    case 429:
      return new RateLimitError(message, options);
    case 503:
      return new OverloadedError(message, options);
    case 500:
    case 502:
      return new ServerError(message, options);
    default:
      return errorFromStatus({ message, ...options });
  }
}

/**
 * The error an in-band `{"error": "…"}` line of a stream stands for (the status was already 200). A busy
 * server -> OverloadedError; a missing model or manifest (pull) -> NotFoundError; anything else (`an error was
 * encountered while running the model`) -> ServerError, retryable: before any content the core retries it,
 * after content it becomes a StreamError.
 */
export function ollamaStreamError(error: unknown): AccelerateError {
  const message =
    typeof error === 'string' && error !== ''
      ? error
      : extractErrorMessage({ error }, '') || 'ollama reported an error in the stream';
  const providerCode = providerCodeOf(message);
  if (providerCode === 'server_busy') return new OverloadedError(message, { providerCode });
  if (providerCode === 'model_not_found')
    return new NotFoundError(message, { providerCode, status: undefined });
  return new ServerError(message);
}

/** The protocol adapter of the client: error mapping, plus headers for every request. */
export function ollamaProtocol(headers: Record<string, string> | undefined): ProtocolAdapter {
  // No `authorize`: the core's default puts `Authorization: Bearer <apiKey>` on when the lane has a key
  // (Ollama cloud) and nothing when it has none (a local server).
  return { parseError: parseOllamaError, headers: headers ? { ...headers } : undefined };
}
