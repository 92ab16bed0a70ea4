export { AccelerateError, type AccelerateErrorOptions } from './accelerate-error.js';
export { errorFromStatus, type StatusErrorInput } from './from-status.js';
export {
  AuthenticationError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from './http-errors.js';
export {
  AbortError,
  CircuitOpenError,
  ConnectionError,
  DeadlineExceededError,
  QueueFullError,
  ResponseFormatError,
  ResponseTooLargeError,
  StreamError,
  TimeoutError,
  type TimeoutKind,
} from './local-errors.js';
