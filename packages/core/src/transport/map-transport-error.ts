/**
 * Turns what undici and the socket report into the taxonomy. Messages are built from error codes and the
 * cause's own message only: request headers (credentials) never reach an error we create.
 */
import {
  AbortError,
  AccelerateError,
  ConnectionError,
  InvalidRequestError,
  ResponseFormatError,
  TimeoutError,
} from '../errors/index.js';

// The connection could not be made or broke: worth another attempt, maybe on another socket.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_INFO',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

// We built a request undici refuses to send: the same request would fail again.
const INVALID_REQUEST_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_INVALID_URL',
]);

const MAX_CAUSE_MESSAGE = 200;

/** The first `code` found on an error, its `cause` chain or the first of its aggregated errors. */
function findCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_CAUSE_MESSAGE ? `${message.slice(0, MAX_CAUSE_MESSAGE)}…` : message;
}

function isAbort(error: unknown, code: string | undefined): boolean {
  return (
    code === 'UND_ERR_ABORTED' ||
    code === 'UND_ERR_ABORT' ||
    code === 'ABORT_ERR' ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/**
 * Maps an undici, socket or DNS error to the taxonomy, keeping the original as `cause`:
 * connection failures (ECONNREFUSED, ECONNRESET, EPIPE, ENOTFOUND, EAI_AGAIN, `other side closed`, …) become a
 * retryable {@link ConnectionError}; undici's connect, headers and body timeouts a {@link TimeoutError} of kind
 * `connect`, `first-byte` and `idle`; a malformed HTTP response a {@link ResponseFormatError}; arguments undici
 * refuses an {@link InvalidRequestError}; TLS and certificate failures a non-retryable `ConnectionError`; an
 * error of the taxonomy is returned as is; anything else becomes a non-retryable `ConnectionError`.
 */
export function mapTransportError(error: unknown): AccelerateError {
  if (AccelerateError.isInstance(error)) return error;
  const code = findCode(error);
  const options = { cause: error };
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(`Connect timed out: ${describe(error)}`, { ...options, kind: 'connect' });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError('No response headers in time (undici headersTimeout)', {
        ...options,
        kind: 'first-byte',
      });
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError('Response body stalled (undici bodyTimeout)', { ...options, kind: 'idle' });
  }
  if (code !== undefined) {
    if (CONNECTION_CODES.has(code))
      return new ConnectionError(`Connection failed (${code}): ${describe(error)}`, options);
    if (INVALID_REQUEST_CODES.has(code))
      return new InvalidRequestError(`Request rejected: ${describe(error)}`, options);
    if (
      code.startsWith('HPE_') ||
      code === 'UND_ERR_HEADERS_OVERFLOW' ||
      code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE'
    ) {
      return new ResponseFormatError(`Malformed HTTP response (${code}): ${describe(error)}`, options);
    }
    if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT')) {
      return new ConnectionError(`TLS failed (${code}): ${describe(error)}`, {
        ...options,
        retryable: false,
      });
    }
  }
  if (isAbort(error, code)) return new AbortError('Request aborted', options);
  return new ConnectionError(`Transport failed${code ? ` (${code})` : ''}: ${describe(error)}`, {
    ...options,
    retryable: false,
  });
}

/**
 * The error an aborted signal stands for: its reason when that is an error of the taxonomy (the pipeline's
 * attempt timeout or deadline), otherwise an {@link AbortError} with the reason as `cause`.
 */
export function abortErrorFromSignal(signal: AbortSignal): AccelerateError {
  return abortErrorFromReason(signal.reason);
}

/** {@link abortErrorFromSignal} for a bare abort reason. */
export function abortErrorFromReason(reason: unknown): AccelerateError {
  if (AccelerateError.isInstance(reason)) return reason;
  return new AbortError('Request aborted', { cause: reason });
}
