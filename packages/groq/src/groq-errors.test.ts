/** Groq's errors against a real loopback server: 498, 429 with retry-after, 413, 424, 499, and secrets. */
import { inspect } from 'node:util';
import {
  AuthenticationError,
  InvalidRequestError,
  OverloadedError,
  RateLimitError,
  ServerError,
} from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { describe, expect, it } from 'vitest';
import {
  capacityBody,
  chatRequest,
  completion,
  KEY,
  rateLimitBody,
  useClientHarness,
} from './test/client-harness.js';

const h = useClientHarness();

describe('errors and limits', () => {
  it('498 capacity_exceeded is an overload: retried after the backoff, and counted by the breaker', async () => {
    h.server.reply({ status: 498, json: capacityBody }, { json: completion });
    const pending = h.client.chat(chatRequest);
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 100, 'the backoff sleep');
    await h.clock.advance(100);
    expect((await pending).text).toBe('Hello!');
    const record = h.client.recentRequests(1)[0];
    expect(record?.attempts.map((a) => [a.status ?? null, a.errorCode ?? null])).toEqual([
      [498, 'overloaded'],
      [200, null],
    ]);

    await h.reopen({ retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2 } });
    h.server.reply({ status: 498, json: capacityBody }, { status: 498, body: '' });
    const first = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(OverloadedError);
    expect(first).toMatchObject({
      status: 498,
      retryable: true,
      provider: 'groq',
      providerCode: 'capacity_exceeded',
      message: expect.stringContaining('Flex tier capacity exceeded'),
    });
    const second = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(second).toMatchObject({ code: 'overloaded', providerCode: 'capacity_exceeded' });
    expect(h.client.lanes()[0]?.breaker.state).toBe('open');
  });

  it('429 rate_limit_exceeded is retried after retry-after, and never trips the breaker', async () => {
    h.server.reply(
      { status: 429, json: rateLimitBody, headers: { 'retry-after': '3' } },
      { json: completion },
    );
    const pending = h.client.chat(chatRequest);
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 3000, 'the retry-after sleep');
    await h.clock.advance(3000);
    expect((await pending).text).toBe('Hello!');
    expect(h.client.recentRequests(1)[0]?.attempts[1]).toMatchObject({
      delayBeforeMs: 3000,
      delaySource: 'retry-after',
    });

    await h.reopen({ retry: { maxRetries: 0 } });
    h.server.reply({ status: 429, json: rateLimitBody });
    const error = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ providerCode: 'rate_limit_exceeded', status: 429 });
    expect(h.client.lanes()[0]?.breaker.state).toBe('closed');
  });

  it('413 (a request over the TPM limit, code rate_limit_exceeded) is an InvalidRequestError, not retried', async () => {
    h.server.reply({
      status: 413,
      json: {
        error: {
          message:
            'Request too large for model `llama-3.1-8b-instant` on tokens per minute (TPM): Limit 6000, Requested 9000.',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      },
    });
    const error = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 413, retryable: false, providerCode: 'rate_limit_exceeded' });
    expect(h.server.requests).toHaveLength(1);
  });

  it('424 failed dependency is an InvalidRequestError; 499 a retryable ServerError', async () => {
    await h.reopen({ retry: { maxRetries: 0 } });
    h.server.reply(
      {
        status: 424,
        json: { error: { message: 'MCP server authentication failed', type: 'invalid_request_error' } },
      },
      { status: 499, body: '' },
    );
    const failedDependency = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(failedDependency).toBeInstanceOf(InvalidRequestError);
    expect(failedDependency).toMatchObject({ status: 424, retryable: false });
    const cancelled = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(cancelled).toBeInstanceOf(ServerError);
    expect(cancelled).toMatchObject({ status: 499, retryable: true, providerCode: 'client_closed_request' });
  });

  it('503 is an overload, 500 a server error, both retried', async () => {
    const serverError = { error: { message: 'Internal Server Error', type: 'internal_server_error' } };
    h.server.reply(
      { status: 503, json: serverError },
      { status: 500, json: serverError },
      { json: completion },
    );
    const pending = h.client.chat(chatRequest);
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 100, 'the first backoff');
    await h.clock.advance(100);
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 200, 'the second backoff');
    await h.clock.advance(200);
    await pending;
    expect(h.client.recentRequests(1)[0]?.attempts.map((a) => a.errorCode ?? null)).toEqual([
      'overloaded',
      'server_error',
      null,
    ]);
  });

  it('keeps the key out of errors and records, even when the server echoes it', async () => {
    h.server.reply({
      status: 401,
      json: {
        error: { message: `Invalid API Key: ${KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' },
      },
    });
    const error = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    for (const text of [
      (error as Error).message,
      inspect(error),
      JSON.stringify(error),
      JSON.stringify(h.client.recentRequests()),
      inspect(h.client),
    ]) {
      expect(text).not.toContain(KEY);
    }
  });
});
