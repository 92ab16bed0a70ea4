/**
 * OVMS errors in the common taxonomy. Every OVMS surface (`/v1`, `/v2`, `/v3`) answers a failure with
 * `{"error": "<message>"}` and a status (`src/http_server.cpp`): a missing model or version 404, a bad input
 * 400, a server or model not ready yet 503. A `/v3` stream that already sent HTTP 200 reports a failure as a
 * bare `{"error": "…"}` line without `data:` (`sendErrorImpl`).
 */
import {
  type AccelerateError,
  type ErrorResponse,
  errorFromStatus,
  extractErrorMessage,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  type ProtocolAdapter,
  ServerError,
} from '@ipfs-accelerate/core';
import { OVMS_PROVIDER } from './ovms-validate.js';

// Messages of OVMS's status map (src/status.cpp), grouped into stable provider codes.
const CODES: ReadonlyArray<readonly [RegExp, string]> = [
  [/requested name (and\/or version )?is not found|model not found/i, 'model_not_found'],
  [/requested version is not found/i, 'version_not_found'],
  [/not loaded yet|is retired|not ready|server is not/i, 'not_ready'],
  [/invalid input precision|unsupported data precision/i, 'invalid_precision'],
  [/shape|number of values|batch size|content size/i, 'invalid_shape'],
  [/missing input|invalid number of inputs/i, 'invalid_inputs'],
  [/INVALID_ARGUMENT/, 'invalid_argument'],
];

/** A stable `providerCode` for the OVMS failures worth telling apart, from the message. */
export function ovmsErrorCode(message: string): string | undefined {
  for (const [pattern, code] of CODES) if (pattern.test(message)) return code;
  return undefined;
}

/**
 * Maps an OVMS error response by status: 400 InvalidRequestError, 401 AuthenticationError (`/v3` with
 * `--api_key_file`), 403, 404 NotFoundError (model or version missing), 409, 429 RateLimitError, 503
 * OverloadedError (server or model not ready: retried, and a breaker failure), other 5xx ServerError. The
 * message is the body's `error` (or the text of a body that is not JSON).
 */
export function parseOvmsError(response: ErrorResponse): AccelerateError {
  const { status } = response;
  const fallback = response.bodyText.trim().slice(0, 300) || `HTTP ${status}`;
  const message = extractErrorMessage(response.bodyJson, fallback);
  const error = errorFromStatus({ status, message, providerCode: ovmsErrorCode(message) });
  error.providerRequestId ??= response.providerRequestId;
  return error;
}

/**
 * The error an in-band `{"error": "…"}` line of a `/v3` stream stands for (the status was already 200): a
 * MediaPipe `INVALID_ARGUMENT` is the caller's (InvalidRequestError, not retried), a missing model
 * NotFoundError, not ready OverloadedError, anything else a retryable ServerError. Before any content the
 * core retries the retryable ones; after content the failure becomes a StreamError.
 */
export function ovmsStreamError(error: unknown): AccelerateError {
  const message =
    typeof error === 'string' && error !== ''
      ? error
      : extractErrorMessage({ error }, 'ovms reported an error in the stream');
  const providerCode = ovmsErrorCode(message);
  const options = { provider: OVMS_PROVIDER, providerCode };
  if (providerCode === 'invalid_argument') return new InvalidRequestError(message, options);
  if (providerCode === 'model_not_found') return new NotFoundError(message, options);
  if (providerCode === 'not_ready') return new OverloadedError(message, options);
  return new ServerError(message, options);
}

/** The protocol adapter: Bearer auth when the endpoint has a key (the core default), OVMS error mapping. */
export function ovmsProtocol(headers: Record<string, string> | undefined): ProtocolAdapter {
  const adapter: ProtocolAdapter = { parseError: parseOvmsError };
  if (headers && Object.keys(headers).length > 0) adapter.headers = { ...headers };
  return adapter;
}
