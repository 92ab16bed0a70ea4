import type { AccelerateError, AccelerateErrorOptions } from './accelerate-error.js';
import {
  AuthenticationError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from './http-errors.js';
import { TimeoutError } from './local-errors.js';

/** What a provider knows about a failed response when it asks for the default mapping. */
export interface StatusErrorInput extends AccelerateErrorOptions {
  status: number;
  message?: string;
}

/**
 * The default mapping from an HTTP status to the taxonomy. Providers call it after handling their own
 * special cases (`insufficient_quota`, Groq's 498, Anthropic's 529 body, …).
 */
export function errorFromStatus(input: StatusErrorInput): AccelerateError {
  const { status, message, ...options } = input;
  const text = message ?? `HTTP ${status}`;
  const opts = { ...options, status };
  if (status === 401) return new AuthenticationError(text, opts);
  if (status === 403) return new PermissionDeniedError(text, opts);
  if (status === 404) return new NotFoundError(text, opts);
  if (status === 408) return new TimeoutError(text, { ...opts, kind: 'server' });
  if (status === 409) return new ConflictError(text, opts);
  if (status === 429) return new RateLimitError(text, opts);
  if (status === 503 || status === 529) return new OverloadedError(text, opts);
  if (status >= 500) return new ServerError(text, opts);
  return new InvalidRequestError(text, opts);
}
