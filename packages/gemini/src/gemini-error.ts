/**
 * Gemini's errors in the common taxonomy. The service answers failures with a google.rpc.Status body,
 * `{"error": {"code", "message", "status", "details"}}`, whose `details` may carry a `RetryInfo` (when to come
 * back), an `ErrorInfo` (a machine-readable reason such as `API_KEY_INVALID`) and a `QuotaFailure` (which quota
 * ran out). A stream that already sent HTTP 200 reports a failure as a bare error object of the same shape.
 * No request-id or rate-limit headers are documented.
 */
import {
  type AccelerateError,
  AuthenticationError,
  type ErrorResponse,
  errorFromStatus,
  isPlainObject,
  type ProtocolAdapter,
  parseGoogleRetryDelay,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '@ipfs-accelerate/core';
import type { GeminiWireStatus } from './gemini-api-types.js';

/** The HTTP status of each canonical google.rpc code name (google/rpc/code.proto). */
const HTTP_STATUS_OF: Readonly<Record<string, number>> = {
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
};

/** ErrorInfo reasons that mean the key itself is wrong (Google answers them with 400 INVALID_ARGUMENT). */
const BAD_KEY_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED']);

/** What the `details` of a google.rpc.Status say, as far as the taxonomy cares. */
export interface GeminiErrorDetails {
  /** `RetryInfo.retryDelay`, in ms. */
  retryDelayMs?: number;
  /** `ErrorInfo.reason`, e.g. `API_KEY_INVALID`. */
  reason?: string;
  /** `QuotaFailure.violations[].quotaId`, e.g. `GenerateRequestsPerDayPerProjectPerModel-FreeTier`. */
  quotaIds: string[];
}

function typeOf(detail: Record<string, unknown>): string {
  const type = detail['@type'];
  return typeof type === 'string' ? type : '';
}

/**
 * One field of the object form of a Duration: a number, or an int64 written as a string. Nothing else is
 * coerced: `Number()` of an object runs its `toString`, which a body can make throw or recurse.
 */
function durationPart(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
}

/** A proto3 JSON Duration: `"37s"`, `"1.5s"`, or the object form `{seconds, nanos}`. */
function durationMs(value: unknown): number | undefined {
  if (typeof value === 'string') return parseGoogleRetryDelay(value);
  if (isPlainObject(value)) {
    const seconds = durationPart(value.seconds);
    const nanos = durationPart(value.nanos);
    const ms = seconds * 1000 + nanos / 1e6;
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  }
  return undefined;
}

/** Reads RetryInfo, ErrorInfo and QuotaFailure out of `details`; unknown detail types are ignored. */
export function readGeminiErrorDetails(details: unknown): GeminiErrorDetails {
  const out: GeminiErrorDetails = { quotaIds: [] };
  if (!Array.isArray(details)) return out;
  for (const detail of details) {
    if (!isPlainObject(detail)) continue;
    const type = typeOf(detail);
    if (type.endsWith('google.rpc.RetryInfo')) {
      out.retryDelayMs = durationMs(detail.retryDelay) ?? out.retryDelayMs;
    } else if (type.endsWith('google.rpc.ErrorInfo') && typeof detail.reason === 'string') {
      out.reason ??= detail.reason;
    } else if (type.endsWith('google.rpc.QuotaFailure') && Array.isArray(detail.violations)) {
      for (const violation of detail.violations) {
        if (isPlainObject(violation) && typeof violation.quotaId === 'string') {
          out.quotaIds.push(violation.quotaId);
        }
      }
    }
  }
  return out;
}

/** The google.rpc.Status inside a body: `{error:{…}}`, or the first element of a streamed JSON array. */
export function readGeminiStatus(body: unknown): GeminiWireStatus | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (!isPlainObject(first) || !isPlainObject(first.error)) return undefined;
  return first.error as GeminiWireStatus;
}

/**
 * The taxonomy error for a google.rpc.Status. `httpStatus` is the response status; without one (an in-band
 * stream error) the body's `code`, else the HTTP status of its `status` name, decides.
 *
 * - ErrorInfo `API_KEY_INVALID`/`API_KEY_EXPIRED` (sent with 400 INVALID_ARGUMENT), 401 UNAUTHENTICATED ->
 *   AuthenticationError.
 * - 429 RESOURCE_EXHAUSTED -> RateLimitError with `retryAfterMs` from `RetryInfo.retryDelay` (the core applies it
 *   as the provider hint, capped at 60 s). Without a RetryInfo, a QuotaFailure naming a per-day quota
 *   (`…PerDay…`) -> QuotaExceededError (not retried: waiting seconds cannot help).
 * - 504 DEADLINE_EXCEEDED -> TimeoutError (`kind: 'server'`, retried, a breaker failure).
 * - The rest by the core's status mapping: 400 INVALID_ARGUMENT / FAILED_PRECONDITION -> InvalidRequestError,
 *   403 -> PermissionDeniedError, 404 -> NotFoundError, 409 -> ConflictError, 503 UNAVAILABLE ->
 *   OverloadedError, 500 INTERNAL and other 5xx -> ServerError.
 * - No status at all -> ServerError (retryable).
 *
 * `providerCode` is the ErrorInfo reason, else the status name.
 */
export function geminiErrorFromStatus(
  status: GeminiWireStatus | undefined,
  httpStatus: number | undefined,
  fallbackMessage: string,
): AccelerateError {
  const name = typeof status?.status === 'string' && status.status !== '' ? status.status : undefined;
  // Only an error status counts (a body's `code` is any number it likes), and a name only by its own entry
  // of the table: `status: "constructor"` must not find Object.prototype's.
  const bodyCode =
    typeof status?.code === 'number' &&
    Number.isInteger(status.code) &&
    status.code >= 400 &&
    status.code <= 599
      ? status.code
      : undefined;
  const code =
    httpStatus ??
    bodyCode ??
    (name !== undefined && Object.hasOwn(HTTP_STATUS_OF, name) ? HTTP_STATUS_OF[name] : undefined);
  const message =
    typeof status?.message === 'string' && status.message !== '' ? status.message : fallbackMessage;
  const details = readGeminiErrorDetails(status?.details);
  const options = { status: code, providerCode: details.reason ?? name };
  if (
    (details.reason !== undefined && BAD_KEY_REASONS.has(details.reason)) ||
    code === 401 ||
    name === 'UNAUTHENTICATED'
  ) {
    return new AuthenticationError(message, options);
  }
  if (code === 429) {
    if (details.retryDelayMs === undefined && details.quotaIds.some((id) => /PerDay/i.test(id))) {
      return new QuotaExceededError(message, options);
    }
    return new RateLimitError(message, { ...options, retryAfterMs: details.retryDelayMs });
  }
  if (code === 504) return new TimeoutError(message, { ...options, kind: 'server' });
  if (code === undefined) return new ServerError(message, options);
  return errorFromStatus({ ...options, status: code, message });
}

/** `ProtocolAdapter.parseError`: maps every error response (never returns undefined). */
export function parseGeminiError(response: ErrorResponse): AccelerateError {
  const fallback = response.bodyText.trim().slice(0, 300) || `HTTP ${response.status}`;
  const error = geminiErrorFromStatus(readGeminiStatus(response.bodyJson), response.status, fallback);
  error.providerRequestId ??= response.providerRequestId;
  return error;
}

/**
 * The error an in-band `{"error": {…}}` object of a stream stands for (the status was already 200). Mapped
 * like a response with the body's own code: before any content the core retries it when it is retryable
 * (a 500 INTERNAL or 503 UNAVAILABLE is); after content it becomes a StreamError.
 */
export function geminiStreamError(chunk: unknown): AccelerateError {
  return geminiErrorFromStatus(readGeminiStatus(chunk), undefined, 'gemini reported an error in the stream');
}

/**
 * The protocol adapter: the key goes in the `x-goog-api-key` header (never in the URL, where proxies and
 * logs would keep it), and errors are mapped by {@link parseGeminiError}.
 */
export function geminiProtocol(headers: Record<string, string> | undefined): ProtocolAdapter {
  const adapter: ProtocolAdapter = {
    authorize(request, lane) {
      const key = lane.apiKey();
      if (key !== undefined && key !== '') request.headers['x-goog-api-key'] = key;
    },
    parseError: parseGeminiError,
  };
  if (headers && Object.keys(headers).length > 0) adapter.headers = { ...headers };
  return adapter;
}
