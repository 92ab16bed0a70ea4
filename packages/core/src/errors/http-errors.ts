/** Errors a service reports through its response (status code, error body or in-band stream event). */
import { AccelerateError, type AccelerateErrorOptions } from './accelerate-error.js';

/** 429: slow down and try again; the server's hint, if any, is in `retryAfterMs`. Not a breaker failure. */
export class RateLimitError extends AccelerateError {
  readonly code = 'rate_limited';
  constructor(message = 'Rate limit exceeded', options?: AccelerateErrorOptions) {
    super(message, true, { status: 429, ...options });
  }
}

/** The account is out of quota or credit (`insufficient_quota`, `RESOURCE_EXHAUSTED` billing): retrying cannot help. */
export class QuotaExceededError extends AccelerateError {
  readonly code = 'quota_exceeded';
  constructor(message = 'Quota exceeded', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
}

/** The service is overloaded (Anthropic 529, Groq 498, TGI/TEI overloaded, 503): back off. Counts for the breaker. */
export class OverloadedError extends AccelerateError {
  readonly code = 'overloaded';
  constructor(message = 'Service overloaded', options?: AccelerateErrorOptions) {
    super(message, true, options);
  }
  override get breakerFailure(): boolean {
    return true;
  }
}

/** 401 or a missing key: the credentials are wrong or absent. */
export class AuthenticationError extends AccelerateError {
  readonly code = 'authentication_failed';
  constructor(message = 'Authentication failed', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
}

/** 403: the credentials are valid but not allowed to do this. */
export class PermissionDeniedError extends AccelerateError {
  readonly code = 'permission_denied';
  constructor(message = 'Permission denied', options?: AccelerateErrorOptions) {
    super(message, false, { status: 403, ...options });
  }
}

/** 400/413/422 or arguments rejected before any network call: the request itself is wrong. */
export class InvalidRequestError extends AccelerateError {
  readonly code = 'invalid_request';
  constructor(message = 'Invalid request', options?: AccelerateErrorOptions) {
    super(message, false, options);
  }
}

/** 404: the model, object or route does not exist. */
export class NotFoundError extends AccelerateError {
  readonly code = 'not_found';
  constructor(message = 'Not found', options?: AccelerateErrorOptions) {
    super(message, false, { status: 404, ...options });
  }
}

/** 409: a conflicting concurrent operation; transient by convention (the Stainless SDKs retry it). */
export class ConflictError extends AccelerateError {
  readonly code = 'conflict';
  constructor(message = 'Conflict', options?: AccelerateErrorOptions) {
    super(message, true, { status: 409, ...options });
  }
}

/** 5xx: the service failed. Retryable, and a breaker failure. */
export class ServerError extends AccelerateError {
  readonly code = 'server_error';
  constructor(message = 'Server error', options?: AccelerateErrorOptions) {
    super(message, true, options);
  }
  override get breakerFailure(): boolean {
    return true;
  }
}
