import type { ErrorResponse } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { claudeStreamError, parseClaudeError } from './claude-error.js';

function response(
  status: number,
  type: string | undefined,
  extra: Partial<ErrorResponse> = {},
): ErrorResponse {
  const body =
    type === undefined ? undefined : { type: 'error', error: { type, message: `${type} happened` } };
  return {
    status,
    headers: {},
    bodyText: body ? JSON.stringify(body) : '',
    bodyJson: body,
    providerRequestId: undefined,
    ...extra,
  };
}

describe('parseClaudeError', () => {
  it.each([
    [400, 'invalid_request_error', 'InvalidRequestError', false],
    [401, 'authentication_error', 'AuthenticationError', false],
    [402, 'billing_error', 'QuotaExceededError', false],
    [403, 'permission_error', 'PermissionDeniedError', false],
    [404, 'not_found_error', 'NotFoundError', false],
    [409, undefined, 'ConflictError', true],
    [413, 'request_too_large', 'InvalidRequestError', false],
    [429, 'rate_limit_error', 'RateLimitError', true],
    [500, 'api_error', 'ServerError', true],
    [503, 'api_error', 'OverloadedError', true],
    [504, 'timeout_error', 'TimeoutError', true],
    [529, 'overloaded_error', 'OverloadedError', true],
  ])('%i %s -> %s (retryable %s)', (status, type, name, retryable) => {
    const error = parseClaudeError(response(status, type));
    expect(error).toMatchObject({ name, status, retryable, provider: 'claude' });
    if (type !== undefined) {
      expect(error.providerCode).toBe(type);
      expect(error.message).toBe(`${type} happened`);
    }
  });

  it('a 504 is a server-side timeout and a breaker failure; 529 too', () => {
    const timeout = parseClaudeError(response(504, 'timeout_error'));
    expect(timeout).toMatchObject({ code: 'timeout', kind: 'server', breakerFailure: true });
    expect(parseClaudeError(response(529, 'overloaded_error')).breakerFailure).toBe(true);
  });

  it('billing_error and overloaded_error win over an unexpected status', () => {
    expect(parseClaudeError(response(400, 'billing_error')).code).toBe('quota_exceeded');
    expect(parseClaudeError(response(500, 'overloaded_error')).code).toBe('overloaded');
  });

  it('the request id: the header first, else the body', () => {
    const body = { type: 'error', error: { type: 'api_error', message: 'x' }, request_id: 'req_body' };
    const fromBody = parseClaudeError({
      ...response(500, undefined),
      bodyJson: body,
      bodyText: JSON.stringify(body),
    });
    expect(fromBody.providerRequestId).toBe('req_body');
    const fromHeader = parseClaudeError({
      ...response(500, undefined),
      bodyJson: body,
      bodyText: JSON.stringify(body),
      providerRequestId: 'req_header',
    });
    expect(fromHeader.providerRequestId).toBe('req_header');
  });

  it('a non-JSON body (a proxy page) still maps by status with its text', () => {
    const error = parseClaudeError({ ...response(502, undefined), bodyText: '<html>Bad gateway</html>' });
    expect(error).toMatchObject({ name: 'ServerError', message: '<html>Bad gateway</html>' });
    expect(parseClaudeError(response(418, undefined)).message).toBe('HTTP 418');
  });
});

describe('claudeStreamError', () => {
  it.each([
    ['overloaded_error', 'OverloadedError', true],
    ['rate_limit_error', 'RateLimitError', true],
    ['api_error', 'ServerError', true],
    ['timeout_error', 'TimeoutError', true],
    ['invalid_request_error', 'InvalidRequestError', false],
    ['billing_error', 'QuotaExceededError', false],
    ['brand_new_error', 'ServerError', true],
  ])('in-band %s -> %s', (type, name, retryable) => {
    const error = claudeStreamError({ type: 'error', error: { type, message: 'boom' } });
    expect(error).toMatchObject({ name, retryable, message: 'boom', providerCode: type, provider: 'claude' });
  });

  it('a bare error body still becomes a retryable ServerError', () => {
    expect(claudeStreamError('garbage')).toMatchObject({ name: 'ServerError', retryable: true });
  });
});
