/** Errors, retries and rate limits of the OpenAI client against a real loopback server. */
import { inspect } from 'node:util';
import { AuthenticationError, QuotaExceededError, RateLimitError } from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { describe, expect, it } from 'vitest';
import {
  chatRequest,
  completion,
  KEY,
  quotaBody,
  rateLimitBody,
  useClientHarness,
} from './test/client-harness.js';

const h = useClientHarness();

describe('errors and limits', () => {
  it('records the rate-limit headers on the endpoint', async () => {
    h.server.reply({
      json: completion,
      headers: {
        'x-ratelimit-limit-requests': '10000',
        'x-ratelimit-remaining-requests': '9999',
        'x-ratelimit-reset-requests': '6ms',
        'x-ratelimit-limit-tokens': '200000',
        'x-ratelimit-remaining-tokens': '199950',
        'x-ratelimit-reset-tokens': '1m30s',
      },
    });
    await h.client.chat(chatRequest);
    expect(h.client.endpoints()[0]?.rateLimit).toEqual({
      limitRequests: 10000,
      remainingRequests: 9999,
      resetRequestsMs: 6,
      limitTokens: 200000,
      remainingTokens: 199950,
      resetTokensMs: 90000,
      observedAt: h.clock.now(),
    });
  });

  it('never retries insufficient_quota: one request', async () => {
    h.server.reply({ status: 429, json: quotaBody }, { json: completion });
    const error = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({
      retryable: false,
      provider: 'openai',
      providerCode: 'insufficient_quota',
      attempts: 1,
    });
    expect(h.server.requests).toHaveLength(1);
  });

  it('retries rate_limit_exceeded after retry-after, and gives up after maxRetries', async () => {
    h.server.reply(
      { status: 429, json: rateLimitBody, headers: { 'retry-after': '3' } },
      { json: completion },
    );
    const pending = h.client.chat(chatRequest);
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 3000, 'the retry-after sleep');
    await h.clock.advance(3000);
    expect((await pending).text).toBe('{"ok":true}');
    expect(h.server.requests).toHaveLength(2);

    await h.reopen({ retry: { maxRetries: 0 } });
    h.server.reply({ status: 429, json: rateLimitBody });
    const error = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ providerCode: 'rate_limit_exceeded', status: 429 });
  });

  it('keeps the key out of errors, even when the server echoes it', async () => {
    h.server.reply({
      status: 401,
      json: {
        error: {
          message: `Incorrect API key provided: ${KEY}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    });
    const error = await h.client.chat(chatRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    for (const text of [
      (error as Error).message,
      inspect(error),
      JSON.stringify(error),
      JSON.stringify(h.client.recentRequests()),
    ]) {
      expect(text).not.toContain(KEY);
    }
    expect(inspect(h.client)).not.toContain(KEY);
  });
});
