/**
 * OpenAI-style errors to the taxonomy: error responses (`{error:{message,type,param,code}}`, a bare string,
 * and the `{error, error_type}` / `{message}` / `{detail}` dialects of compatible servers) and in-band
 * stream error objects, which come without a status.
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
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from '@ipfs-accelerate/core';
import { isJsonObject } from './openai-compatible-api.js';

/** The fields of an OpenAI-style error object that decide its class. */
export interface OpenAIErrorFields {
  message: string;
  type: string | undefined;
  code: string | undefined;
  /** A status carried in the body (TGI's in-band `http_status_code`). */
  status: number | undefined;
}

const QUOTA = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);
const RATE_LIMIT = new Set(['rate_limit_exceeded', 'rate_limit_error', 'requests', 'tokens']);
const OVERLOADED = new Set(['overloaded', 'overloaded_error', 'server_overloaded', 'capacity_exceeded']);
const INVALID = new Set(['invalid_request_error', 'context_length_exceeded', 'validation', 'invalid_prompt']);
const AUTH = new Set(['invalid_api_key', 'authentication_error', 'invalid_authentication']);
const PERMISSION = new Set(['permission_denied', 'permission_error', 'unsupported_country_region_territory']);
const NOT_FOUND = new Set(['not_found_error', 'model_not_found', 'not_found']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function statusOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599
    ? value
    : undefined;
}

/** Reads message, type, code and an in-body status from any of the shapes compatible servers send. */
export function readOpenAIErrorFields(body: unknown, fallbackMessage: string): OpenAIErrorFields {
  const message = extractErrorMessage(body, fallbackMessage);
  if (typeof body === 'string')
    return { message: body || fallbackMessage, type: undefined, code: undefined, status: undefined };
  if (!isJsonObject(body)) return { message, type: undefined, code: undefined, status: undefined };
  const inner = isJsonObject(body.error) ? body.error : body;
  return {
    message,
    type: text(inner.type) ?? text(body.error_type),
    code: text(inner.code) ?? text(body.code),
    status: statusOf(inner.http_status_code) ?? statusOf(inner.status) ?? statusOf(body.code),
  };
}

function has(set: ReadonlySet<string>, fields: OpenAIErrorFields): boolean {
  return (
    (fields.code !== undefined && set.has(fields.code.toLowerCase())) ||
    (fields.type !== undefined && set.has(fields.type.toLowerCase()))
  );
}

/**
 * A 429 (or a status-less rate error) is a quota error when the service says so by code or type, or, when
 * it gives no rate-limit code, by a message about quota or billing. Quota errors are never retried.
 */
function isQuota(fields: OpenAIErrorFields): boolean {
  if (has(QUOTA, fields)) return true;
  if (fields.code !== undefined && RATE_LIMIT.has(fields.code.toLowerCase())) return false;
  return /\bquota\b|\bbilling\b/i.test(fields.message);
}

/**
 * The taxonomy error for an error body. With a status: 429 -> QuotaExceededError (insufficient_quota, or a
 * quota/billing message) or RateLimitError; others by the default status mapping (400 InvalidRequestError,
 * 401, 403, 404, 409, 503 OverloadedError, 5xx ServerError). Without one (in-band stream errors): by
 * code/type, defaulting to a retryable ServerError. `providerCode` is `code ?? type`.
 */
export function openAIErrorFromBody(
  body: unknown,
  options: { status?: number; provider?: string; fallbackMessage?: string } = {},
): AccelerateError {
  const fields = readOpenAIErrorFields(body, options.fallbackMessage ?? 'the service reported an error');
  const status = options.status ?? fields.status;
  const base = { provider: options.provider, providerCode: fields.code ?? fields.type, status };
  const { message } = fields;
  if (status === 429 || (status === undefined && (has(RATE_LIMIT, fields) || has(QUOTA, fields)))) {
    return isQuota(fields) ? new QuotaExceededError(message, base) : new RateLimitError(message, base);
  }
  if (status !== undefined) return errorFromStatus({ ...base, status, message });
  if (has(INVALID, fields)) return new InvalidRequestError(message, base);
  if (has(AUTH, fields)) return new AuthenticationError(message, base);
  if (has(PERMISSION, fields)) return new PermissionDeniedError(message, base);
  if (has(NOT_FOUND, fields)) return new NotFoundError(message, base);
  if (has(OVERLOADED, fields)) return new OverloadedError(message, base);
  return new ServerError(message, base);
}

/**
 * `ProtocolAdapter.parseError` for OpenAI-compatible services: maps every error response (never returns
 * undefined), with the service's request id attached.
 */
export function parseOpenAIError(response: ErrorResponse, provider?: string): AccelerateError {
  const body = response.bodyJson ?? (response.bodyText === '' ? undefined : response.bodyText);
  const error = openAIErrorFromBody(body, {
    status: response.status,
    provider,
    fallbackMessage: `HTTP ${response.status}`,
  });
  error.providerRequestId ??= response.providerRequestId;
  return error;
}

/**
 * The taxonomy error for an in-band stream error: a chunk with an `error` key after HTTP 200
 * (`{"error":{message,type,code}}`, TGI's `{"error":"…","error_type":"…"}`), or a bare error value.
 * The core retries it when it arrives before any content and is retryable; after content it becomes a
 * StreamError.
 */
export function mapOpenAIStreamError(chunk: unknown, provider?: string): AccelerateError {
  const body = isJsonObject(chunk) && chunk.error !== undefined ? chunk : { error: chunk };
  return openAIErrorFromBody(body, { provider, fallbackMessage: 'the stream reported an error' });
}
