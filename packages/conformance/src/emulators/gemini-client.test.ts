import { FakeClock } from '@ipfs-accelerate/core';
import { collect, waitFor } from '@ipfs-accelerate/core/testing';
import { createGemini, type GeminiClient } from '@ipfs-accelerate/gemini';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiEmulator, startGeminiEmulator } from './gemini.js';
import { geminiErrorFault } from './gemini-errors.js';

// Our own client against the emulator: the round trips the package tests can only script.
const KEY = 'client-key-5c1f';
const model = 'gemini-2.0-flash';
const GENERATE = `POST /v1beta/models/${model}:generateContent`;
let emulator: GeminiEmulator;
let clock: FakeClock;
let client: GeminiClient;

beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKeys: [KEY] });
});
beforeEach(() => {
  emulator.clearScripts();
  clock = new FakeClock();
  client = createGemini({
    baseURL: emulator.baseURL,
    apiKey: KEY,
    clock,
    retry: { jitter: 'none', initialDelayMs: 100, budget: false },
  });
});
afterEach(async () => {
  await client.close();
});
afterAll(async () => {
  await emulator.close();
});

describe('createGemini against the emulator', () => {
  it('chats and streams with usage and the responseId recorded; the key only ever in the header', async () => {
    const result = await client.chat({
      model,
      messages: [{ role: 'user', content: 'hello there' }],
      maxTokens: 10,
    });
    expect(result).toMatchObject({
      text: 'Echo: hello there',
      finishReason: 'stop',
      usage: { inputTokens: 2, outputTokens: 3, totalTokens: 5 },
      model,
      providerRequestId: expect.stringMatching(/^gemini-emu-\d+$/),
    });
    const stream = client.streamChat({ model, messages: [{ role: 'user', content: 'a b c' }] });
    const events = await collect(stream);
    expect(events.map((e) => (e.type === 'text-delta' ? e.text : e.type))).toEqual([
      'Echo: ',
      'a ',
      'b ',
      'c',
      'finish',
    ]);
    expect(client.findRequest(stream.requestId)?.providerRequestId).toMatch(/^gemini-emu-\d+$/);
    expect(
      emulator.requests.every((r) => r.headers['x-goog-api-key'] === KEY && r.query.get('key') === null),
    ).toBe(true);
  });

  it('a tool round trip: the call, then the result answered with text', async () => {
    const tools = [
      { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    ];
    const messages = [{ role: 'user' as const, content: 'use the tool' }];
    const first = await client.chat({ model, messages, tools });
    expect(first).toMatchObject({
      finishReason: 'tool-calls',
      toolCalls: [{ id: 'call_0', name: 'get_weather', arguments: '{}' }],
    });
    const second = await client.chat({
      model,
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_0', content: '{"temp":21}' },
      ],
    });
    expect(second).toMatchObject({ text: 'Echo: {"temp":21}', finishReason: 'stop' });
  });

  it('MAX_TOKENS is length; unsafe is content-filter; a blocked prompt is content-filter with its reason', async () => {
    const cut = await client.chat({
      model,
      messages: [{ role: 'user', content: 'one two three' }],
      maxTokens: 2,
    });
    expect(cut).toMatchObject({ text: 'Echo: one', finishReason: 'length' });
    const unsafe = await client.chat({ model, messages: [{ role: 'user', content: 'unsafe' }] });
    expect(unsafe).toMatchObject({ text: '', finishReason: 'content-filter', rawFinishReason: 'SAFETY' });
    const blocked = await client.chat({ model, messages: [{ role: 'user', content: 'block prompt' }] });
    expect(blocked).toMatchObject({ text: '', finishReason: 'content-filter', blockReason: 'SAFETY' });
  });

  it('embeds one and several, counts tokens, lists every page of models', async () => {
    const one = await client.embed({ model: 'text-embedding-004', input: 'a', dimensions: 16 });
    expect(one.embeddings.map((e) => e.length)).toEqual([16]);
    const several = await client.embed({
      model: 'text-embedding-004',
      input: ['a', 'b', 'c'],
      providerOptions: { taskType: 'RETRIEVAL_DOCUMENT' },
    });
    expect(several.embeddings).toHaveLength(3);
    expect(several.embeddings[0]).toHaveLength(768);
    const counted = await client.countTokens({
      model,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'count these words' },
      ],
    });
    expect(counted.totalTokens).toBe(5);
    const models = await client.listModels({ pageSize: 1 });
    expect(models.map((m) => m.id)).toEqual([model, 'text-embedding-004']);
    expect(emulator.requests.filter((r) => r.path === '/v1beta/models')).toHaveLength(2);
  });

  it('typed errors: unknown model, invalid request, wrong key', async () => {
    await expect(
      client.chat({ model: 'gemini-nope', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      status: 404,
      providerCode: 'NOT_FOUND',
    });
    await expect(
      client.chat({ model, messages: [{ role: 'user', content: 'x' }], providerOptions: { bogusField: 1 } }),
    ).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringContaining('Unknown name "bogusField"'),
    });
    const wrong = createGemini({ baseURL: emulator.baseURL, apiKey: 'wrong-key', retry: { maxRetries: 0 } });
    await expect(wrong.chat({ model, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      name: 'AuthenticationError',
      providerCode: 'API_KEY_INVALID',
    });
    await wrong.close();
  });

  it('a 429 with RetryInfo is retried after exactly its delay, recorded as the provider hint', async () => {
    emulator.script(GENERATE, [geminiErrorFault(429, { retryDelay: '37s' })]);
    const before = emulator.requests.length;
    const pending = client.chat(
      { model, messages: [{ role: 'user', content: 'x' }] },
      { requestId: 'req_retry_info' },
    );
    await waitFor(() => clock.nextTimerAt() === clock.now() + 37_000, 'a 37 s sleep');
    expect(emulator.requests.length - before).toBe(1);
    await clock.advance(37_000);
    await pending;
    expect(emulator.requests.length - before).toBe(2);
    expect(
      client.findRequest('req_retry_info')?.attempts.map((a) => [a.delayBeforeMs, a.delaySource]),
    ).toEqual([
      [0, 'none'],
      [37_000, 'provider'],
    ]);
  });

  it('a retry-after header on a 429 wins over RetryInfo (the core order)', async () => {
    emulator.script(GENERATE, [
      geminiErrorFault(429, { retryDelay: '37s', headers: { 'retry-after': '2' } }),
    ]);
    const pending = client.chat(
      { model, messages: [{ role: 'user', content: 'x' }] },
      { requestId: 'req_both' },
    );
    await waitFor(() => clock.nextTimerAt() === clock.now() + 2000, 'a 2 s sleep');
    await clock.advance(2000);
    await pending;
    expect(client.findRequest('req_both')?.attempts[1]).toMatchObject({
      delayBeforeMs: 2000,
      delaySource: 'retry-after',
    });
  });

  it('a daily quota is QuotaExceededError, not retried; 504 is a retried TimeoutError', async () => {
    emulator.script(GENERATE, [
      geminiErrorFault(429, { quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }),
      geminiErrorFault(504),
    ]);
    const before = emulator.requests.length;
    await expect(client.chat({ model, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      name: 'QuotaExceededError',
      attempts: 1,
    });
    const pending = client.chat({ model, messages: [{ role: 'user', content: 'x' }] });
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'the backoff after the 504');
    await clock.advance(100);
    expect((await pending).text).toBe('Echo: x');
    expect(emulator.requests.length - before).toBe(3);
    expect(client.recentRequests(1)[0]?.attempts[0]?.errorCode).toBe('timeout');
  });

  it('an in-band stream error after content is a StreamError naming the service status', async () => {
    emulator.script(`POST /v1beta/models/${model}:streamGenerateContent`, [
      { kind: 'stream-error', afterEvents: 1, code: 'UNAVAILABLE' },
    ]);
    await expect(
      collect(client.streamChat({ model, messages: [{ role: 'user', content: 'a b c' }] })),
    ).rejects.toMatchObject({
      name: 'StreamError',
      status: 503,
      providerCode: 'UNAVAILABLE',
    });
  });
});
