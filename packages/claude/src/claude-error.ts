/**
 * Anthropic's errors in the common taxonomy. An error response has the body
 * `{"type":"error","error":{"type":"<error_type>","message":"…"},"request_id":"req_…"}` and the service's
 * request id in the `request-id` header; a stream that already answered 200 reports a failure as an
 * `event: error` frame with the same body (https://docs.anthropic.com/en/api/errors).
 */
import {
  type AccelerateError,
  AuthenticationError,
  type ErrorResponse,
  errorFromStatus,
  extractErrorMessage,
  InvalidRequestError,
  isPlainObject,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '@ipfs-accelerate/core';
import type { ClaudeWireError } from './claude-api-types.js';
import { PROVIDER } from './claude-validate.js';

/** What an error body says: its `error.type`, message and `request_id`. */
export interface ClaudeErrorFields {
  type: string | undefined;
  message: string;
  requestId: string | undefined;
}

/** Reads the fields of an Anthropic error body (or of any JSON error shape, for proxies in front of it). */
export function readClaudeErrorFields(body: unknown, fallbackMessage: string): ClaudeErrorFields {
  const message = extractErrorMessage(body, fallbackMessage);
  if (!isPlainObject(body)) return { type: undefined, message, requestId: undefined };
  const wire = body as ClaudeWireError;
  const type = isPlainObject(wire.error) && typeof wire.error.type === 'string' ? wire.error.type : undefined;
  const requestId =
    typeof wire.request_id === 'string' && wire.request_id !== '' ? wire.request_id : undefined;
  return { type: type || undefined, message, requestId };
}

type ErrorOptions = { status?: number; providerCode?: string; provider: string; providerRequestId?: string };

/**
 * The class of an error type, for in-band errors (no status) and for types that must win over the status:
 * `billing_error` is a quota error and `overloaded_error` an overload whatever status carried them.
 */
function errorOfType(
  type: string | undefined,
  message: string,
  options: ErrorOptions,
): AccelerateError | undefined {
  switch (type) {
    case 'invalid_request_error':
    case 'request_too_large':
      return new InvalidRequestError(message, options);
    case 'authentication_error':
      return new AuthenticationError(message, options);
    case 'billing_error':
      return new QuotaExceededError(message, options);
    case 'permission_error':
      return new PermissionDeniedError(message, options);
    case 'not_found_error':
      return new NotFoundError(message, options);
    case 'rate_limit_error':
      return new RateLimitError(message, options);
    case 'api_error':
      return new ServerError(message, options);
    case 'timeout_error':
      return new TimeoutError(message, { ...options, kind: 'server' });
    case 'overloaded_error':
      return new OverloadedError(message, options);
    default:
      return undefined;
  }
}

/**
 * Maps an error response. The status decides, with Anthropic's own meanings: 402 (`billing_error`) ->
 * QuotaExceededError; 413 (`request_too_large`) -> InvalidRequestError; 504 (`timeout_error`) ->
 * TimeoutError of kind `server` (retryable, a breaker failure); 529 (`overloaded_error`) -> OverloadedError
 * (retryable, a breaker failure); the rest by the core's default (400 invalid, 401 authentication, 403
 * permission, 404 not found, 409 conflict, 429 rate limit, 503 overloaded, other 5xx server error). A body
 * whose type is `billing_error` or `overloaded_error` wins over its status. `providerCode` is `error.type`;
 * the request id comes from the `request-id` header, else the body's `request_id`.
 */
export function parseClaudeError(response: ErrorResponse): AccelerateError {
  const { status } = response;
  const fallback = response.bodyText.trim().slice(0, 300) || `HTTP ${status}`;
  const fields = readClaudeErrorFields(response.bodyJson, fallback);
  const options: ErrorOptions & { status: number } = { status, provider: PROVIDER };
  if (fields.type !== undefined) options.providerCode = fields.type;
  const providerRequestId = response.providerRequestId ?? fields.requestId;
  if (providerRequestId !== undefined) options.providerRequestId = providerRequestId;
  const { message, type } = fields;
  if (type === 'billing_error' || type === 'overloaded_error') return errorOfType(type, message, options)!;
  switch (status) {
    case 402:
      return new QuotaExceededError(message, options);
    case 413:
      return new InvalidRequestError(message, options);
    case 504:
      return new TimeoutError(message, { ...options, kind: 'server' });
    case 529:
      return new OverloadedError(message, options);
    default:
      return errorFromStatus({ ...options, message });
  }
}

/**
 * The error an in-band `event: error` frame stands for (`{"type":"error","error":{"type","message"}}`, the
 * status already 200), by its type: `overloaded_error` -> OverloadedError, `rate_limit_error` ->
 * RateLimitError, `api_error` and unknown types -> ServerError (both retryable: before the first content
 * the core retries them, after it they become a StreamError), and the caller errors as in
 * {@link parseClaudeError}.
 */
export function claudeStreamError(body: unknown): AccelerateError {
  const fields = readClaudeErrorFields(body, 'the stream reported an error');
  const options: ErrorOptions = { provider: PROVIDER };
  if (fields.type !== undefined) options.providerCode = fields.type;
  if (fields.requestId !== undefined) options.providerRequestId = fields.requestId;
  return errorOfType(fields.type, fields.message, options) ?? new ServerError(fields.message, options);
}
