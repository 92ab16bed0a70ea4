/**
 * TGI's errors in the common taxonomy. TGI answers failures with `{"error": "…", "error_type": "…"}`
 * (`ErrorResponse`): 422 `validation` (also `template_error`, `tool_error`), 424 `generation`, 429
 * `overloaded` (more than `--max-concurrent-requests` in flight), 500 `incomplete_generation`, 503
 * `healthcheck`. `/generate_stream` reports the same shape as an SSE event after HTTP 200. The hosted
 * Hugging Face inference API adds 503 `{"error": "Model x is currently loading", "estimated_time": 20.0}`.
 */
import {
  type AccelerateError,
  AuthenticationError,
  type ErrorResponse,
  errorFromStatus,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  type ProtocolAdapter,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from '@ipfs-accelerate/core';
import { isJsonObject } from './hf-tgi-api-types.js';
import { PROVIDER } from './hf-tgi-validate.js';

const INVALID_TYPES = new Set([
  'validation',
  'template_error',
  'missing_template_variable',
  'tool_error',
  'suffix not supported',
  'batch size exceeded',
]);
const SERVER_TYPES = new Set(['generation', 'incomplete_generation']);
const LOADING = /currently loading/i;

interface TgiErrorFields {
  message: string;
  errorType: string | undefined;
  /** The hosted API's `estimated_time` (seconds) of a loading model. */
  estimatedTimeS: number | undefined;
}

/**
 * One entry of a list of messages as text. Not `String()`: a JSON object's own `toString` key (not a
 * function) makes it throw a TypeError, and a deeply nested array makes it recurse out of stack.
 */
function messageText(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  try {
    return JSON.stringify(entry) ?? String(entry);
  } catch {
    return '(unreadable)';
  }
}

/** Reads `{error, error_type, estimated_time}`; `error` may also be a list of messages (hosted API). */
function readFields(body: unknown, fallback: string): TgiErrorFields {
  if (typeof body === 'string') {
    return {
      message: body.trim().slice(0, 300) || fallback,
      errorType: undefined,
      estimatedTimeS: undefined,
    };
  }
  if (!isJsonObject(body)) return { message: fallback, errorType: undefined, estimatedTimeS: undefined };
  const { error } = body;
  let message = fallback;
  if (typeof error === 'string' && error !== '') message = error;
  else if (Array.isArray(error) && error.length > 0) message = error.map(messageText).join('; ');
  else if (isJsonObject(error) && typeof error.message === 'string') message = error.message;
  else if (typeof body.message === 'string' && body.message !== '') message = body.message;
  const errorType =
    typeof body.error_type === 'string' && body.error_type !== '' ? body.error_type : undefined;
  const estimated = body.estimated_time;
  const estimatedTimeS =
    typeof estimated === 'number' && Number.isFinite(estimated) && estimated >= 0 ? estimated : undefined;
  return { message, errorType, estimatedTimeS };
}

/** The class an `error_type` stands for, without a status (in-band stream errors) or with a non-decisive one. */
function byType(fields: TgiErrorFields, status: number | undefined): AccelerateError | undefined {
  const { errorType, message } = fields;
  if (errorType === undefined) return undefined;
  const options = { provider: PROVIDER, providerCode: errorType, status };
  const type = errorType.toLowerCase();
  if (INVALID_TYPES.has(type)) return new InvalidRequestError(message, options);
  if (SERVER_TYPES.has(type)) return new ServerError(message, options);
  if (type === 'overloaded') return new RateLimitError(message, options);
  if (type === 'healthcheck') return new OverloadedError(message, options);
  return undefined;
}

/**
 * Maps an error response. Decided by status first where the status says it all: 401, 403, 404, 402 (hosted
 * credits used up -> QuotaExceededError), 429 (TGI `overloaded`, hosted rate limit -> RateLimitError,
 * retryable, not a breaker failure), 503 (a loading model or an unhealthy server -> OverloadedError; a
 * loading model's `estimated_time` becomes `retryAfterMs`, which the core honours as the provider's hint up
 * to its cap). Otherwise by `error_type` (`validation` and template/tool errors -> InvalidRequestError;
 * `generation` (424) and `incomplete_generation` (500) -> ServerError, retryable), then by status.
 */
export function parseHfTgiError(response: ErrorResponse): AccelerateError {
  const { status } = response;
  const body = response.bodyJson ?? response.bodyText;
  const fields = readFields(body, `HTTP ${status}`);
  const base = { provider: PROVIDER, status, providerCode: fields.errorType };
  const { message } = fields;
  switch (status) {
    case 401:
      return new AuthenticationError(message, base);
    case 402:
      return new QuotaExceededError(message, base);
    case 403:
      return new PermissionDeniedError(message, base);
    case 404:
      return new NotFoundError(message, base);
    case 429:
      return new RateLimitError(message, { ...base, providerCode: fields.errorType ?? 'overloaded' });
    case 503:
      return loadingOrUnavailable(fields, base);
    default:
      return byType(fields, status) ?? errorFromStatus({ ...base, message });
  }
}

function loadingOrUnavailable(
  fields: TgiErrorFields,
  base: { provider: string; status: number; providerCode: string | undefined },
): AccelerateError {
  if (fields.estimatedTimeS !== undefined || LOADING.test(fields.message)) {
    const error = new OverloadedError(fields.message, { ...base, providerCode: 'model_loading' });
    const ms = fields.estimatedTimeS === undefined ? undefined : Math.ceil(fields.estimatedTimeS * 1000);
    // A time too large for milliseconds (Infinity) is no hint at all.
    if (ms !== undefined && Number.isFinite(ms)) error.retryAfterMs = ms;
    return error;
  }
  return new OverloadedError(fields.message, base);
}

/**
 * The error an in-band `data: {"error": "…", "error_type": "…"}` event of `/generate_stream` stands for
 * (the status was already 200): by `error_type`, and an unknown or missing type is a retryable ServerError.
 * Before any content the core retries it when retryable; after content it becomes a StreamError.
 */
export function hfTgiStreamError(event: unknown): AccelerateError {
  const fields = readFields(event, 'TGI reported an error in the stream');
  return (
    byType(fields, undefined) ??
    new ServerError(fields.message, { provider: PROVIDER, providerCode: fields.errorType })
  );
}

/**
 * The protocol adapter: `Authorization: Bearer <key>` when the endpoint has a key (the core default; TGI's
 * `--api-key`, Hugging Face tokens), error mapping, and `x-request-id` (sent by the hosted API) as the
 * service's request id.
 */
export function hfTgiProtocol(headers: Record<string, string> | undefined): ProtocolAdapter {
  const adapter: ProtocolAdapter = { parseError: parseHfTgiError, requestIdHeaders: ['x-request-id'] };
  if (headers && Object.keys(headers).length > 0) adapter.headers = { ...headers };
  return adapter;
}
