/**
 * Groq's error statuses beyond the OpenAI mapping: 498 (flex tier `capacity_exceeded`) is an overload, and
 * 499 (request cancelled) says nothing about the request's validity. Everything else, including 413 and 424,
 * takes the shared OpenAI-compatible mapping.
 */
import {
  type AccelerateError,
  type ErrorResponse,
  OverloadedError,
  type ProtocolAdapter,
  ServerError,
} from '@ipfs-accelerate/core';
import { openAICompatibleProtocol, readOpenAIErrorFields } from '@ipfs-accelerate/openai-compatible';

/** The provider name on every Groq error. */
export const GROQ_PROVIDER = 'groq';

/** Groq's own status for "the flex tier is at capacity, try again later". */
export const GROQ_CAPACITY_EXCEEDED_STATUS = 498;
/** Groq's status for a request cancelled before it finished (nginx's "client closed request"). */
export const GROQ_CLIENT_CLOSED_STATUS = 499;

/**
 * `ProtocolAdapter.parseError` cases of Groq, tried before the OpenAI mapping:
 * - 498 `capacity_exceeded` -> OverloadedError (retryable, a breaker failure: the tier has no room now);
 * - 499 -> a retryable ServerError: the request was cancelled upstream, not rejected (our own aborts end
 *   as AbortError before any response).
 *
 * Returns undefined for every other status, so 429 stays RateLimitError (with `retry-after`), 413 (request
 * too large, even when its code is `rate_limit_exceeded`) and 424 (failed dependency, e.g. remote MCP auth)
 * stay InvalidRequestError, 503 OverloadedError and other 5xx ServerError.
 */
export function parseGroqError(response: ErrorResponse): AccelerateError | undefined {
  const { status } = response;
  if (status !== GROQ_CAPACITY_EXCEEDED_STATUS && status !== GROQ_CLIENT_CLOSED_STATUS) return undefined;
  const body = response.bodyJson ?? (response.bodyText === '' ? undefined : response.bodyText);
  const fallback =
    status === GROQ_CAPACITY_EXCEEDED_STATUS
      ? 'flex tier capacity exceeded, try again later'
      : 'the request was cancelled before it finished';
  const fields = readOpenAIErrorFields(body, fallback);
  const options = {
    status,
    provider: GROQ_PROVIDER,
    providerCode:
      fields.code ??
      fields.type ??
      (status === GROQ_CAPACITY_EXCEEDED_STATUS ? 'capacity_exceeded' : 'client_closed_request'),
    providerRequestId: response.providerRequestId,
  };
  return status === GROQ_CAPACITY_EXCEEDED_STATUS
    ? new OverloadedError(fields.message, options)
    : new ServerError(fields.message, options);
}

/**
 * The ProtocolAdapter of Groq: Bearer auth, request ids from `x-request-id` when present (the body's
 * `x_groq.id` otherwise), {@link parseGroqError} first, then the OpenAI-compatible mapping.
 */
export function groqProtocol(headers?: Record<string, string>): ProtocolAdapter {
  return openAICompatibleProtocol({ provider: GROQ_PROVIDER, headers, parseError: parseGroqError });
}
