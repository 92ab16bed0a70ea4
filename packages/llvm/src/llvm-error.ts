/**
 * The contract's errors in the common taxonomy. Any status >= 400 is an error; the body is
 * `{"error": "<message>", "code"?: "<machine code>"}` (`openapi.yaml` `#/components/schemas/Error`). The status
 * picks the class (the core's default mapping), the message comes from `error`, and `code` is kept as
 * `providerCode`; a 409 `model_not_loaded` is not retried. Retry hints (`retry-after`, `retry-after-ms`) are applied by the core afterwards.
 */
import {
  type AccelerateError,
  type ErrorResponse,
  errorFromStatus,
  extractErrorMessage,
  type ProtocolAdapter,
} from '@ipfs-accelerate/core';

/** The request/response header that carries the request id both ways. */
export const LLVM_REQUEST_ID_HEADER = 'x-request-id';

/**
 * Maps an error response: 400 -> InvalidRequestError, 401 -> AuthenticationError, 403 ->
 * PermissionDeniedError, 404 -> NotFoundError, 408 -> TimeoutError, 409 -> ConflictError, 429 ->
 * RateLimitError, 503 -> OverloadedError, other 5xx -> ServerError, other 4xx -> InvalidRequestError. A body
 * that is not the contract's (HTML from a proxy) still maps by status, with its first 300 characters as the
 * message.
 */
export function parseLlvmError(response: ErrorResponse): AccelerateError {
  const { status, bodyJson } = response;
  const message = extractErrorMessage(bodyJson, response.bodyText.trim().slice(0, 300) || `HTTP ${status}`);
  const code =
    typeof bodyJson === 'object' && bodyJson !== null ? (bodyJson as { code?: unknown }).code : undefined;
  const providerCode = typeof code === 'string' && code !== '' ? code : undefined;
  const error = errorFromStatus({ status, message, providerCode });
  // A 409 is retryable by default (a transient conflict), but an unloaded model stays unloaded until
  // someone reloads it: retrying only delays the answer.
  if (providerCode === LLVM_MODEL_NOT_LOADED) error.retryable = false;
  return error;
}

/** The `code` of a 409 for a model that is present but not loaded (`reload` loads it). */
export const LLVM_MODEL_NOT_LOADED = 'model_not_loaded';

/**
 * The protocol adapter: the default bearer auth (`Authorization: Bearer <key>` when the lane has a key,
 * nothing otherwise: keys are optional in the contract), our request id sent as `X-Request-ID`, and the
 * server's echo of it read back as the provider request id.
 */
export function llvmProtocol(headers: Record<string, string> | undefined): ProtocolAdapter {
  return {
    parseError: parseLlvmError,
    sendRequestIdHeader: LLVM_REQUEST_ID_HEADER,
    requestIdHeaders: [LLVM_REQUEST_ID_HEADER],
    headers: headers ? { ...headers } : undefined,
  };
}
