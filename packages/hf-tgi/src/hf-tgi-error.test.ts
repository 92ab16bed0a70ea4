import type { ErrorResponse } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { hfTgiStreamError, parseHfTgiError } from './hf-tgi-error.js';

const response = (status: number, body: unknown): ErrorResponse => ({
  status,
  headers: {},
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
  bodyJson: typeof body === 'string' ? undefined : body,
  providerRequestId: undefined,
});

describe('parseHfTgiError', () => {
  it.each([
    [422, 'validation', 'invalid_request', false],
    [422, 'template_error', 'invalid_request', false],
    [422, 'tool_error', 'invalid_request', false],
    [424, 'generation', 'server_error', true],
    [500, 'incomplete_generation', 'server_error', true],
    [429, 'overloaded', 'rate_limited', true],
    [503, 'healthcheck', 'overloaded', true],
  ])('%i %s -> %s', (status, errorType, code, retryable) => {
    const error = parseHfTgiError(response(status, { error: `failed: ${errorType}`, error_type: errorType }));
    expect(error).toMatchObject({ code, retryable, status, providerCode: errorType, provider: 'hf-tgi' });
    expect(error.message).toBe(`failed: ${errorType}`);
  });

  it('maps statuses whose meaning does not depend on the body', () => {
    expect(parseHfTgiError(response(401, '')).code).toBe('authentication_failed');
    expect(parseHfTgiError(response(403, { error: 'no' })).code).toBe('permission_denied');
    expect(parseHfTgiError(response(404, { error: 'No fast tokenizer available' })).code).toBe('not_found');
    expect(
      parseHfTgiError(response(402, { error: 'You have exceeded your monthly included credits' })),
    ).toMatchObject({
      code: 'quota_exceeded',
      retryable: false,
    });
    expect(parseHfTgiError(response(400, { error: 'bad' })).code).toBe('invalid_request');
    expect(parseHfTgiError(response(502, 'Bad Gateway')).code).toBe('server_error');
  });

  it('a hosted model that is loading is an OverloadedError with estimated_time as the hint', () => {
    const error = parseHfTgiError(
      response(503, {
        error: 'Model mistralai/Mistral-7B-Instruct-v0.2 is currently loading',
        estimated_time: 20.5,
      }),
    );
    expect(error).toMatchObject({
      code: 'overloaded',
      retryable: true,
      retryAfterMs: 20_500,
      providerCode: 'model_loading',
    });
    const withoutEstimate = parseHfTgiError(response(503, { error: 'Model x is currently loading' }));
    expect(withoutEstimate).toMatchObject({
      code: 'overloaded',
      providerCode: 'model_loading',
      retryAfterMs: undefined,
    });
  });

  it('reads a list of messages (hosted validation errors)', () => {
    const error = parseHfTgiError(response(400, { error: ['first problem', 'second problem'] }));
    expect(error.message).toBe('first problem; second problem');
  });
});

describe('hfTgiStreamError', () => {
  it('maps in-band events by error_type; unknown types are a retryable ServerError', () => {
    expect(hfTgiStreamError({ error: 'Input validation error: x', error_type: 'validation' })).toMatchObject({
      code: 'invalid_request',
      retryable: false,
    });
    expect(hfTgiStreamError({ error: 'Model is overloaded', error_type: 'overloaded' }).code).toBe(
      'rate_limited',
    );
    expect(
      hfTgiStreamError({ error: 'Request failed during generation', error_type: 'generation' }),
    ).toMatchObject({
      code: 'server_error',
      retryable: true,
    });
    expect(hfTgiStreamError({ error: 'weird', error_type: 'something_new' })).toMatchObject({
      code: 'server_error',
      message: 'weird',
    });
    expect(hfTgiStreamError({ error: 'no type' }).code).toBe('server_error');
  });
});
