import { type ErrorResponse, FakeClock } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGemini, type GeminiClient } from './gemini-client.js';
import { geminiStreamError, parseGeminiError, readGeminiErrorDetails } from './gemini-error.js';

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

function status(code: number, name: string, details?: unknown[]): Record<string, unknown> {
  const error: Record<string, unknown> = { code, message: `${name} happened`, status: name };
  if (details) error.details = details;
  return { error };
}

function response(httpStatus: number, body: unknown): ErrorResponse {
  return {
    status: httpStatus,
    headers: {},
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    bodyJson: typeof body === 'string' ? undefined : body,
    providerRequestId: undefined,
  };
}

describe('parseGeminiError', () => {
  it.each([
    [400, 'INVALID_ARGUMENT', 'InvalidRequestError', 'INVALID_ARGUMENT', undefined],
    [400, 'FAILED_PRECONDITION', 'InvalidRequestError', 'FAILED_PRECONDITION', undefined],
    [
      400,
      'INVALID_ARGUMENT',
      'AuthenticationError',
      'API_KEY_INVALID',
      [{ '@type': ERROR_INFO, reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
    ],
    [401, 'UNAUTHENTICATED', 'AuthenticationError', 'UNAUTHENTICATED', undefined],
    [403, 'PERMISSION_DENIED', 'PermissionDeniedError', 'PERMISSION_DENIED', undefined],
    [404, 'NOT_FOUND', 'NotFoundError', 'NOT_FOUND', undefined],
    [409, 'ABORTED', 'ConflictError', 'ABORTED', undefined],
    [429, 'RESOURCE_EXHAUSTED', 'RateLimitError', 'RESOURCE_EXHAUSTED', undefined],
    [500, 'INTERNAL', 'ServerError', 'INTERNAL', undefined],
    [503, 'UNAVAILABLE', 'OverloadedError', 'UNAVAILABLE', undefined],
    [504, 'DEADLINE_EXCEEDED', 'TimeoutError', 'DEADLINE_EXCEEDED', undefined],
  ])('%i %s -> %s', (httpStatus, name, expected, providerCode, details) => {
    const error = parseGeminiError(response(httpStatus, status(httpStatus, name, details)));
    expect(error).toMatchObject({
      name: expected,
      status: httpStatus,
      providerCode,
      message: `${name} happened`,
    });
  });

  it('504 is a server-side timeout: retried and a breaker failure', () => {
    const error = parseGeminiError(response(504, status(504, 'DEADLINE_EXCEEDED')));
    expect(error).toMatchObject({ kind: 'server', retryable: true, breakerFailure: true });
  });

  it('429 with RetryInfo carries the delay; without any detail it has none', () => {
    const hinted = parseGeminiError(
      response(429, status(429, 'RESOURCE_EXHAUSTED', [{ '@type': RETRY_INFO, retryDelay: '1.5s' }])),
    );
    expect(hinted).toMatchObject({ name: 'RateLimitError', retryAfterMs: 1500, retryable: true });
    expect(parseGeminiError(response(429, status(429, 'RESOURCE_EXHAUSTED'))).retryAfterMs).toBeUndefined();
  });

  it('429 naming a per-day quota without RetryInfo is QuotaExceededError; with RetryInfo a rate limit', () => {
    const daily = {
      '@type': QUOTA_FAILURE,
      violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }],
    };
    const perMinute = {
      '@type': QUOTA_FAILURE,
      violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }],
    };
    expect(parseGeminiError(response(429, status(429, 'RESOURCE_EXHAUSTED', [daily])))).toMatchObject({
      name: 'QuotaExceededError',
      retryable: false,
    });
    expect(
      parseGeminiError(
        response(429, status(429, 'RESOURCE_EXHAUSTED', [daily, { '@type': RETRY_INFO, retryDelay: '20s' }])),
      ),
    ).toMatchObject({ name: 'RateLimitError', retryAfterMs: 20_000 });
    expect(parseGeminiError(response(429, status(429, 'RESOURCE_EXHAUSTED', [perMinute])))).toMatchObject({
      name: 'RateLimitError',
    });
  });

  it('a body that is not a google.rpc.Status falls back to the status and the text', () => {
    expect(parseGeminiError(response(502, '<html>Bad Gateway</html>'))).toMatchObject({
      name: 'ServerError',
      status: 502,
      message: '<html>Bad Gateway</html>',
    });
    expect(parseGeminiError(response(400, ''))).toMatchObject({
      name: 'InvalidRequestError',
      message: 'HTTP 400',
    });
  });

  it('reads the first element of a streamed JSON array body', () => {
    expect(parseGeminiError(response(503, [status(503, 'UNAVAILABLE')]))).toMatchObject({
      name: 'OverloadedError',
      providerCode: 'UNAVAILABLE',
    });
  });
});

describe('geminiStreamError', () => {
  it('maps by the body code, else by the status name, else ServerError', () => {
    expect(geminiStreamError(status(429, 'RESOURCE_EXHAUSTED'))).toMatchObject({
      name: 'RateLimitError',
      status: 429,
    });
    expect(geminiStreamError({ error: { status: 'UNAVAILABLE', message: 'busy' } })).toMatchObject({
      name: 'OverloadedError',
      status: 503,
    });
    expect(geminiStreamError({ error: { message: 'no code' } })).toMatchObject({
      name: 'ServerError',
      retryable: true,
    });
  });
});

describe('readGeminiErrorDetails', () => {
  it('reads RetryInfo in both Duration forms, ErrorInfo and QuotaFailure, ignoring the rest', () => {
    expect(
      readGeminiErrorDetails([
        { '@type': 'type.googleapis.com/google.rpc.Help', links: [] },
        { '@type': RETRY_INFO, retryDelay: { seconds: '2', nanos: 500_000_000 } },
        { '@type': ERROR_INFO, reason: 'API_KEY_INVALID' },
        { '@type': QUOTA_FAILURE, violations: [{ quotaId: 'A' }, { quotaId: 'B' }] },
        'junk',
      ]),
    ).toEqual({ retryDelayMs: 2500, reason: 'API_KEY_INVALID', quotaIds: ['A', 'B'] });
    expect(readGeminiErrorDetails(undefined)).toEqual({ quotaIds: [] });
  });
});

describe('retries through the pipeline', () => {
  let server: ScriptedServer;
  let clock: FakeClock;
  let client: GeminiClient;
  const request = { model: 'gemini-2.0-flash', messages: [{ role: 'user' as const, content: 'hi' }] };
  const ok = { candidates: [{ content: { parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] };

  beforeEach(async () => {
    server = await startScriptedServer({ basePath: '/v1beta' });
    clock = new FakeClock();
    client = createGemini({
      baseURL: server.baseURL,
      apiKey: 'k',
      clock,
      retry: { jitter: 'none', budget: false },
    });
  });
  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('waits exactly RetryInfo.retryDelay after a 429 (the provider hint), then succeeds', async () => {
    server.reply(
      { status: 429, json: status(429, 'RESOURCE_EXHAUSTED', [{ '@type': RETRY_INFO, retryDelay: '37s' }]) },
      { json: ok },
    );
    const pending = client.chat(request, { requestId: 'req_retry_info' });
    await waitFor(() => clock.nextTimerAt() === clock.now() + 37_000, 'a 37 s sleep');
    expect(server.requests).toHaveLength(1);
    await clock.advance(37_000);
    expect((await pending).text).toBe('ok');
    expect(
      client
        .findRequest('req_retry_info')
        ?.attempts.map((a) => [a.delayBeforeMs, a.delaySource, a.errorCode ?? null]),
    ).toEqual([
      [0, 'none', 'rate_limited'],
      [37_000, 'provider', null],
    ]);
  });

  it('a RetryInfo beyond the 60 s cap fails at once with the hint', async () => {
    server.reply({
      status: 429,
      json: status(429, 'RESOURCE_EXHAUSTED', [{ '@type': RETRY_INFO, retryDelay: '120s' }]),
    });
    await expect(client.chat(request)).rejects.toMatchObject({
      name: 'RateLimitError',
      retryAfterMs: 120_000,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('a daily quota is not retried; an invalid key is not retried', async () => {
    server.reply(
      {
        status: 429,
        json: status(429, 'RESOURCE_EXHAUSTED', [
          {
            '@type': QUOTA_FAILURE,
            violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }],
          },
        ]),
      },
      {
        status: 400,
        json: status(400, 'INVALID_ARGUMENT', [{ '@type': ERROR_INFO, reason: 'API_KEY_INVALID' }]),
      },
    );
    await expect(client.chat(request)).rejects.toMatchObject({ name: 'QuotaExceededError', attempts: 1 });
    await expect(client.chat(request)).rejects.toMatchObject({ name: 'AuthenticationError', attempts: 1 });
    expect(server.requests).toHaveLength(2);
  });
});
