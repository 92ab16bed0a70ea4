import type { EmulatorRequest, JsonReply } from '../emulator/types.js';

/** The error types of Anthropic's API (https://docs.anthropic.com/en/api/errors). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

const MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  billing_error:
    'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error:
    'This request would exceed the rate limit for your organization of 50 requests per minute. ' +
    'For details, refer to: https://docs.claude.com/en/api/rate-limits.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out',
  overloaded_error: 'Overloaded',
};

/** The error type the API sends with a status: 400, 401, 402, 403, 404, 413, 429, 504, 529; other 5xx `api_error`. */
export function errorTypeOf(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The request id the emulator gives a request (also its `request-id` header). */
export function requestIdOf(request: EmulatorRequest): string {
  return `req_emu_${String(request.index).padStart(8, '0')}`;
}

/**
 * An error reply in Anthropic's shape: `{"type":"error","error":{"type","message"},"request_id"}`. The type
 * follows the status unless `type` names one; the message defaults to what the API says for that type.
 */
export function anthropicErrorReply(
  request: EmulatorRequest,
  status: number,
  type?: string,
  message?: string,
): JsonReply {
  const errorType = type ?? errorTypeOf(status);
  return {
    kind: 'json',
    status,
    body: {
      type: 'error',
      error: { type: errorType, message: message ?? MESSAGES[errorType] ?? `HTTP ${status}` },
      request_id: requestIdOf(request),
    },
  };
}

/** A 400 `invalid_request_error` with the API's `<field>: <problem>` wording. */
export function invalidRequest(request: EmulatorRequest, message: string): JsonReply {
  return anthropicErrorReply(request, 400, 'invalid_request_error', message);
}

/**
 * The in-band error event of a stream (status already 200): `event: error` with an error body, by default
 * `overloaded_error`, the one the docs name ("would normally correspond to an HTTP 529").
 */
export function anthropicErrorFrame(code: string | undefined, message: string | undefined): string {
  const type = code ?? 'overloaded_error';
  const body = { type: 'error', error: { type, message: message ?? MESSAGES[type] ?? 'Stream failed' } };
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
