import { inspect } from 'node:util';
import { FakeClock } from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { type ClaudeOptions, createClaude } from './claude-client.js';
import { hi, KEY, MODEL, message, useClaudeHarness } from './test/claude-harness.js';

const harness = useClaudeHarness();
const client = (options?: ClaudeOptions) => harness.client(options);

describe('keys and configuration', () => {
  it('no key anywhere: AuthenticationError at creation, before any network call', () => {
    expect(() => createClaude({ baseURL: harness.server.origin })).toThrow(
      expect.objectContaining({ name: 'AuthenticationError', provider: 'claude' }),
    );
    expect(() => createClaude({ baseURL: harness.server.origin })).toThrow(/ANTHROPIC_API_KEY/);
    expect(harness.server.requests).toHaveLength(0);
  });

  it.each(['ANTHROPIC_API_KEY', 'CLAUDE_API_KEY', 'ANTHROPIC_KEY'])('reads the key from %s', async (name) => {
    vi.stubEnv(name, KEY);
    const c = createClaude({ baseURL: harness.server.origin });
    harness.server.reply({ json: message('ok') });
    await c.chat(hi);
    expect(harness.server.requests[0]?.headers['x-api-key']).toBe(KEY);
    await c.close();
  });

  it('ANTHROPIC_API_KEY wins over the seed variables; apiKey wins over all', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', 'from-official');
    vi.stubEnv('CLAUDE_API_KEY', 'from-seed');
    const env = createClaude({ baseURL: harness.server.origin });
    const explicit = createClaude({ baseURL: harness.server.origin, apiKey: 'explicit' });
    harness.server.reply({ json: message('a') }, { json: message('b') });
    await env.chat(hi);
    await explicit.chat(hi);
    expect(harness.server.requests.map((r) => r.headers['x-api-key'])).toEqual(['from-official', 'explicit']);
  });

  it('sends x-api-key (never Bearer), anthropic-version and anthropic-beta, to /v1/messages', async () => {
    const c = client({ betas: ['prompt-caching-2024-07-31', 'output-128k-2025-02-19'] });
    harness.server.reply({ json: message('ok') });
    await c.chat(hi);
    const sent = harness.server.requests[0];
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/messages');
    expect(sent?.headers).toMatchObject({
      'x-api-key': KEY,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31,output-128k-2025-02-19',
      'content-type': 'application/json',
    });
    expect(sent?.headers.authorization).toBeUndefined();
  });

  it('base URL: ANTHROPIC_BASE_URL, and a trailing /v1 (the seed form) is dropped', async () => {
    vi.stubEnv('ANTHROPIC_BASE_URL', `${harness.server.origin}/v1/`);
    const c = createClaude({ apiKey: KEY });
    expect(c.endpoints()[0]?.baseURL).toBe(harness.server.origin);
    expect(client({ baseURL: `${harness.server.origin}/proxy/v1` }).endpoints()[0]?.baseURL).toBe(
      `${harness.server.origin}/proxy`,
    );
    expect(createClaude({ apiKey: KEY }).endpoints()[0]?.baseURL).toBe(harness.server.origin);
    vi.stubEnv('ANTHROPIC_BASE_URL', '');
    expect(createClaude({ apiKey: KEY }).endpoints()[0]?.baseURL).toBe('https://api.anthropic.com');
  });

  it.each([
    [{ betas: 'x' }, /betas must be an array/],
    [{ betas: [''] }, /betas\[\] must be a non-empty string/],
    [{ headers: { a: 1 } }, /header a must be a string/],
    [{ defaultMaxTokens: 0 }, /defaultMaxTokens/],
    [{ anthropicVersion: '' }, /anthropicVersion/],
  ])('refuses bad options %j', (options, error) => {
    expect(() => client(options as unknown as ClaudeOptions)).toThrow(error);
  });
});

describe('secrets', () => {
  it('never shows the key in util.inspect, JSON, the endpoints or the ledger', async () => {
    const c = client();
    harness.server.reply({ json: message('ok') });
    await c.chat(hi);
    expect(inspect(c, { depth: 10 })).not.toContain(KEY);
    expect(inspect(c)).toContain('ClaudeClient');
    expect(JSON.stringify(c)).not.toContain(KEY);
    expect(JSON.stringify(c.endpoints())).not.toContain(KEY);
    expect(JSON.stringify(c.recentRequests())).not.toContain(KEY);
    expect(c.endpoints()[0]?.hasApiKey).toBe(true);
  });

  it('never shows the key in an error, even when the service echoes it', async () => {
    const c = client();
    harness.server.reply({
      status: 401,
      json: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } },
    });
    const error = await c.chat(hi).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401, provider: 'claude' });
    expect((error as Error).message).not.toContain(KEY);
    expect(inspect(error)).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });
});

describe('chat', () => {
  it('maps the answer, the request-id header and usage into the ledger', async () => {
    const c = client();
    harness.server.reply({
      json: message('Hello there'),
      headers: { 'request-id': 'req_011CSLsW7mFqvHHnzrKdKjAE' },
    });
    const result = await c.chat({
      ...hi,
      messages: [{ role: 'system', content: 'Be brief.' }, ...hi.messages],
    });
    expect(result).toMatchObject({
      text: 'Hello there',
      finishReason: 'stop',
      providerRequestId: 'req_011CSLsW7mFqvHHnzrKdKjAE',
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
    });
    expect(harness.server.requests[0]?.json).toEqual({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
      system: 'Be brief.',
      max_tokens: 1024,
    });
    const record = c.findRequest(result.requestId);
    expect(record).toMatchObject({
      operation: 'chat',
      outcome: 'success',
      providerRequestId: result.providerRequestId,
    });
    expect(record?.usage).toMatchObject({ inputTokens: 3, outputTokens: 2 });
  });

  it('invalid input is refused before anything is sent', async () => {
    const c = client();
    await expect(c.chat({ ...hi, temperature: 2 })).rejects.toMatchObject({ name: 'InvalidRequestError' });
    expect(() => c.streamChat({ ...hi, messages: [] })).toThrow(/messages/);
    await expect(c.countTokens({ ...hi, model: '' })).rejects.toMatchObject({ name: 'InvalidRequestError' });
    await expect(c.listModelsPage({ limit: 0 })).rejects.toMatchObject({ name: 'InvalidRequestError' });
    await expect(c.getModel('')).rejects.toMatchObject({ name: 'InvalidRequestError' });
    expect(harness.server.requests).toHaveLength(0);
  });

  it('a 529 is retried (after the backoff) and counts for the breaker; a 400 is not retried', async () => {
    const clock = new FakeClock();
    const c = client({ clock, retry: { maxRetries: 2, jitter: 'none', initialDelayMs: 100 } });
    harness.server.reply(
      { status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      { json: message('after overload') },
    );
    const pending = c.chat(hi);
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'the backoff sleep');
    await clock.advance(100);
    expect((await pending).text).toBe('after overload');
    expect(c.recentRequests(1)[0]?.attempts.map((a) => a.errorCode ?? null)).toEqual(['overloaded', null]);

    harness.server.reply({
      status: 400,
      json: { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } },
    });
    await expect(c.chat(hi)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      providerCode: 'invalid_request_error',
    });
    expect(harness.server.requests).toHaveLength(3);
  });

  it('five 529s open the breaker', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) {
      harness.server.reply({
        status: 529,
        json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      });
      await expect(c.chat(hi)).rejects.toMatchObject({ code: 'overloaded' });
    }
    await expect(c.chat(hi)).rejects.toMatchObject({ code: 'circuit_open' });
    expect(harness.server.requests).toHaveLength(5);
  });

  it('records anthropic-ratelimit-* headers on the endpoint', async () => {
    const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
    const c = client({ clock });
    harness.server.reply({
      json: message('ok'),
      headers: {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2025-01-01T00:00:01Z',
        'anthropic-ratelimit-tokens-limit': '100000',
        'anthropic-ratelimit-tokens-remaining': '99990',
        'anthropic-ratelimit-tokens-reset': '2025-01-01T00:01:00Z',
      },
    });
    await c.chat(hi);
    expect(c.endpoints()[0]?.rateLimit).toMatchObject({
      limitRequests: 50,
      remainingRequests: 49,
      resetRequestsMs: 1000,
      limitTokens: 100000,
      remainingTokens: 99990,
      resetTokensMs: 60_000,
    });
  });
});

describe('countTokens', () => {
  it('posts the prompt to /v1/messages/count_tokens and returns inputTokens', async () => {
    const c = client();
    harness.server.reply({ json: { input_tokens: 2095 }, headers: { 'request-id': 'req_count' } });
    const count = await c.countTokens({ ...hi, maxTokens: 10, temperature: 0.1 });
    expect(count).toMatchObject({ inputTokens: 2095, providerRequestId: 'req_count' });
    expect(harness.server.requests[0]?.url).toBe('/v1/messages/count_tokens');
    expect(harness.server.requests[0]?.json).toEqual({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(c.findRequest(count.requestId)).toMatchObject({ operation: 'count-tokens', outcome: 'success' });
    expect(c.findRequest(count.requestId)?.usage).toBeUndefined();
  });

  it('an answer without input_tokens is a ResponseFormatError', async () => {
    const c = client();
    harness.server.reply({ json: { tokens: 3 } });
    await expect(c.countTokens(hi)).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
