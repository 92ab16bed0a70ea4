import {
  type AccelerateError,
  AuthenticationError,
  ConflictError,
  type ErrorResponse,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { jsonFixture } from './__fixtures__/fixtures.js';
import { openAICompatibleProtocol } from './openai-compatible-protocol.js';
import { mapOpenAIStreamError, parseOpenAIError } from './openai-error.js';

const errors = jsonFixture('errors.json');

function response(status: number, body: unknown, providerRequestId?: string): ErrorResponse {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  let bodyJson: unknown;
  try {
    bodyJson = JSON.parse(bodyText);
  } catch {
    bodyJson = undefined;
  }
  return { status, headers: {}, bodyText, bodyJson, providerRequestId };
}

type ErrorClass = abstract new (...args: never[]) => AccelerateError;

describe('parseOpenAIError', () => {
  const table: Array<[string, number, unknown, ErrorClass, boolean, string | undefined]> = [
    ['insufficient_quota', 429, errors.insufficient_quota, QuotaExceededError, false, 'insufficient_quota'],
    [
      'quota by message only',
      429,
      { error: { message: 'You exceeded your current quota' } },
      QuotaExceededError,
      false,
      undefined,
    ],
    ['rate_limit_exceeded', 429, errors.rate_limit_exceeded, RateLimitError, true, 'rate_limit_exceeded'],
    [
      'a rate limit that mentions billing (Groq)',
      429,
      {
        error: {
          message: 'Rate limit reached ... Upgrade at https://console.groq.com/settings/billing',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      },
      RateLimitError,
      true,
      'rate_limit_exceeded',
    ],
    [
      'context_length_exceeded',
      400,
      errors.context_length_exceeded,
      InvalidRequestError,
      false,
      'context_length_exceeded',
    ],
    ['invalid_api_key', 401, errors.invalid_api_key, AuthenticationError, false, 'invalid_api_key'],
    [
      'unsupported region',
      403,
      {
        error: {
          message: 'Country not supported',
          type: 'request_forbidden',
          code: 'unsupported_country_region_territory',
        },
      },
      PermissionDeniedError,
      false,
      'unsupported_country_region_territory',
    ],
    ['model_not_found', 404, errors.model_not_found, NotFoundError, false, 'model_not_found'],
    ['conflict', 409, { error: { message: 'busy', type: 'conflict' } }, ConflictError, true, 'conflict'],
    ['request timeout', 408, { error: { message: 'timeout' } }, TimeoutError, true, undefined],
    [
      'unprocessable',
      422,
      { detail: [{ loc: ['body'], msg: 'field required' }] },
      InvalidRequestError,
      false,
      undefined,
    ],
    ['server_error', 500, errors.server_error, ServerError, true, 'server_error'],
    ['bad gateway (HTML)', 502, '<html>Bad Gateway</html>', ServerError, true, undefined],
    [
      'overloaded',
      503,
      { error: { message: 'The engine is currently overloaded', type: 'server_error' } },
      OverloadedError,
      true,
      'server_error',
    ],
    [
      'TGI overloaded',
      429,
      { error: 'Model is overloaded', error_type: 'overloaded' },
      RateLimitError,
      true,
      'overloaded',
    ],
    ['OVMS string error', 404, { error: 'Model not found' }, NotFoundError, false, undefined],
  ];

  it.each(table)('%s (%i)', (_, status, body, type, retryable, providerCode) => {
    const error = parseOpenAIError(response(status, body, 'req_abc'), 'openai');
    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.providerCode).toBe(providerCode);
    expect(error.provider).toBe('openai');
    expect(error.providerRequestId).toBe('req_abc');
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('uses the service message, or the status when the body is empty', () => {
    expect(parseOpenAIError(response(400, errors.context_length_exceeded)).message).toMatch(
      /maximum context length/,
    );
    expect(parseOpenAIError(response(500, '')).message).toBe('HTTP 500');
    expect(parseOpenAIError(response(502, 'upstream gone')).message).toBe('upstream gone');
  });
});

describe('mapOpenAIStreamError', () => {
  const table: Array<[string, unknown, ErrorClass, boolean]> = [
    [
      'server_error object',
      { error: { message: 'boom', type: 'server_error', param: null, code: null } },
      ServerError,
      true,
    ],
    ['bare string', 'something failed', ServerError, true],
    ['unknown type', { error: { message: 'x', type: 'weird' } }, ServerError, true],
    ['rate limit', { error: { message: 'x', code: 'rate_limit_exceeded' } }, RateLimitError, true],
    ['quota', { error: { message: 'x', type: 'insufficient_quota' } }, QuotaExceededError, false],
    [
      'context length',
      { error: { message: 'x', code: 'context_length_exceeded' } },
      InvalidRequestError,
      false,
    ],
    ['auth', { error: { message: 'x', code: 'invalid_api_key' } }, AuthenticationError, false],
    ['overloaded', { error: { message: 'x', type: 'overloaded_error' } }, OverloadedError, true],
    ['TGI generation error', { error: 'CUDA OOM', error_type: 'generation' }, ServerError, true],
    ['TGI validation error', { error: 'bad input', error_type: 'validation' }, InvalidRequestError, false],
    [
      'TGI /v1 status in body',
      { error: { message: 'bad', http_status_code: 422 } },
      InvalidRequestError,
      false,
    ],
  ];

  it.each(table)('%s', (_, chunk, type, retryable) => {
    const error = mapOpenAIStreamError(chunk, 'p');
    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe('p');
  });

  it('has no status unless the body carries one', () => {
    expect(
      mapOpenAIStreamError({ error: { message: 'x', code: 'rate_limit_exceeded' } }).status,
    ).toBeUndefined();
    expect(mapOpenAIStreamError({ error: { message: 'x', http_status_code: 422 } }).status).toBe(422);
  });
});

describe('openAICompatibleProtocol', () => {
  it('reads x-request-id, sends the given headers and maps errors', () => {
    const protocol = openAICompatibleProtocol({ provider: 'groq', headers: { 'x-extra': '1' } });
    expect(protocol.requestIdHeaders).toEqual(['x-request-id']);
    expect(protocol.headers).toEqual({ 'x-extra': '1' });
    expect(protocol.authorize).toBeUndefined();
    const error = protocol.parseError?.(response(429, errors.insufficient_quota));
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error?.provider).toBe('groq');
  });

  it('tries a service-specific mapping first', () => {
    const protocol = openAICompatibleProtocol({
      provider: 'groq',
      requestIdHeaders: ['x-groq-id'],
      parseError: (r) =>
        r.status === 498 ? new OverloadedError('flex capacity exceeded', { status: 498 }) : undefined,
    });
    expect(protocol.requestIdHeaders).toEqual(['x-groq-id']);
    expect(protocol.headers).toBeUndefined();
    expect(protocol.parseError?.(response(498, {}))).toBeInstanceOf(OverloadedError);
    expect(protocol.parseError?.(response(401, errors.invalid_api_key))).toBeInstanceOf(AuthenticationError);
  });
});
