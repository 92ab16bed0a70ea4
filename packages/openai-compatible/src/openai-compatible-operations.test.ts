/** The request/response operations against a real loopback server, through a real core Backend. */
import {
  InvalidRequestError,
  QuotaExceededError,
  REQUEST_ID_PATTERN,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { collect, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonFixture } from './__fixtures__/fixtures.js';
import {
  HARNESS_KEY as KEY,
  type OperationsHarness,
  startOperationsHarness,
} from './test/operations-harness.js';

const errors = jsonFixture('errors.json');
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

let h: OperationsHarness;

beforeEach(async () => {
  h = await startOperationsHarness();
});

afterEach(async () => {
  await h.close();
});

describe('chat', () => {
  it('sends the mapped body with the key and returns the parsed result with both request ids', async () => {
    h.server.reply({ json: jsonFixture('chat-completion.json'), headers: { 'x-request-id': 'req_srv_1' } });
    const result = await h.ops.chat({ ...chat, maxTokens: 20, temperature: 0.5, responseFormat: 'json' });
    const [request] = h.server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.json).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 20,
      temperature: 0.5,
      response_format: { type: 'json_object' },
    });
    expect(result).toEqual({
      text: 'Hello! How can I help you today?',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 19, outputTokens: 10, totalTokens: 29 },
      model: 'gpt-4o-mini-2024-07-18',
      requestId: expect.stringMatching(REQUEST_ID_PATTERN),
      providerRequestId: 'req_srv_1',
    });
    const [record] = h.backend.recentRequests();
    expect(record).toMatchObject({
      id: result.requestId,
      operation: 'chat',
      outcome: 'success',
      providerRequestId: 'req_srv_1',
      usage: { inputTokens: 19, outputTokens: 10, totalTokens: 29 },
    });
  });

  it('passes tools through and returns the tool calls', async () => {
    h.server.reply({ json: jsonFixture('chat-completion-tool-calls.json') });
    const result = await h.ops.chat({
      ...chat,
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      toolChoice: 'auto',
    });
    expect(h.server.requests[0]?.json).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
    });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls.map((c) => c.name)).toEqual(['get_weather', 'get_time']);
    expect(result).not.toHaveProperty('providerRequestId');
  });

  it('rejects invalid input before any request', async () => {
    await expect(h.ops.chat({ ...chat, model: '' })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(h.ops.chat({ ...chat, messages: [] })).rejects.toThrow(/messages/);
    await expect(h.ops.chat({ ...chat, temperature: 3 })).rejects.toThrow(/temperature/);
    await expect(h.ops.chat({ ...chat, topP: 2 })).rejects.toThrow(/topP/);
    await expect(h.ops.chat({ ...chat, maxTokens: -1 })).rejects.toThrow(/maxTokens/);
    await expect(h.ops.chat({ ...chat, topK: 5 })).rejects.toThrow(/topK/);
    expect(() =>
      h.ops.streamChat({ ...chat, messages: [{ role: 'robot' as 'user', content: 'x' }] }),
    ).toThrow(InvalidRequestError);
    await expect(h.ops.embed({ model: 'e', input: [] })).rejects.toThrow(/input/);
    await expect(h.ops.embed({ model: '', input: 'x' })).rejects.toThrow(/model/);
    expect(h.server.requests).toHaveLength(0);
    expect(h.backend.stats().requests).toBe(0);
  });

  it('fails with ResponseFormatError on a malformed 200 body, without retrying', async () => {
    h.server.reply({ json: { id: 'x', object: 'chat.completion', choices: [] } });
    await expect(h.ops.chat(chat)).rejects.toThrow(ResponseFormatError);
    expect(h.server.requests).toHaveLength(1);
  });

  it('never retries insufficient_quota: one request', async () => {
    h.server.reply({ status: 429, json: errors.insufficient_quota, headers: { 'x-request-id': 'req_q' } });
    const error = await h.ops.chat(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({
      retryable: false,
      status: 429,
      providerCode: 'insufficient_quota',
      provider: 'compat',
      providerRequestId: 'req_q',
      attempts: 1,
    });
    expect(h.server.requests).toHaveLength(1);
  });

  it('retries rate_limit_exceeded after the retry-after the server sent', async () => {
    h.server.reply(
      { status: 429, json: errors.rate_limit_exceeded, headers: { 'retry-after': '2' } },
      { json: jsonFixture('chat-completion.json') },
    );
    const pending = h.ops.chat(chat);
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 2000, 'the retry-after sleep');
    expect(h.server.requests).toHaveLength(1);
    await h.clock.advance(1999);
    expect(h.server.requests).toHaveLength(1);
    await h.clock.advance(1);
    const result = await pending;
    expect(result.text).toBe('Hello! How can I help you today?');
    expect(h.server.requests).toHaveLength(2);
    const [record] = h.backend.recentRequests();
    expect(record?.attempts.map((a) => [a.status, a.errorCode, a.delayBeforeMs, a.delaySource])).toEqual([
      [429, 'rate_limited', 0, 'none'],
      [200, undefined, 2000, 'retry-after'],
    ]);
  });
});

describe('embed and listModels', () => {
  it('embeds with base64 vectors, in input order', async () => {
    await h.reopen({ embeddingEncoding: 'base64' });
    h.server.reply({ json: jsonFixture('embeddings-base64.json'), headers: { 'x-request-id': 'req_e' } });
    const result = await h.ops.embed({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 3 });
    expect(h.server.requests[0]?.url).toBe('/v1/embeddings');
    expect(h.server.requests[0]?.json).toEqual({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'base64',
      dimensions: 3,
    });
    expect(result).toEqual({
      embeddings: [
        [0.5, -0.25, 1.5],
        [0.125, 2, -1],
      ],
      usage: { inputTokens: 8, totalTokens: 8 },
      model: 'text-embedding-3-small',
      requestId: expect.stringMatching(REQUEST_ID_PATTERN),
      providerRequestId: 'req_e',
    });
    expect(h.backend.recentRequests()[0]).toMatchObject({ operation: 'embed', usage: { inputTokens: 8 } });
  });

  it('lists models with GET', async () => {
    h.server.reply({ json: jsonFixture('models.json') });
    const models = await h.ops.listModels();
    expect(h.server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models', text: '' });
    expect(models.map((m) => m.id)).toEqual([
      'gpt-4o-mini',
      'text-embedding-3-small',
      'ft:gpt-4o-mini:acme::abc123',
    ]);
    expect(models[0]?.createdAt).toEqual(new Date(1721172741 * 1000));
    expect(h.backend.recentRequests()[0]?.operation).toBe('list-models');
  });
});

describe('quirk hooks', () => {
  it('applies paths, default models, extra body fields and body request ids (a Groq/OVMS-like service)', async () => {
    await h.reopen(
      {
        paths: { chat: '/v3/chat/completions', embeddings: '/v3/embeddings', models: '/v3/models' },
        defaultModel: 'served-model',
        defaultEmbeddingModel: 'served-embedder',
        maxTokensField: 'max_completion_tokens',
        topK: true,
        streamUsage: false,
        extraBody: (operation) => (operation === 'embed' ? undefined : { service_tier: 'flex' }),
        hooks: { providerRequestId: (b) => (b.x_groq as { id?: string } | undefined)?.id },
      },
      h.server.origin,
    );
    h.server.reply(
      { json: { ...jsonFixture('chat-completion.json'), x_groq: { id: 'req_groq_1' } } },
      { sse: [{ choices: [{ index: 0, delta: { content: 'x' } }], x_groq: { id: 'req_groq_2' } }, '[DONE]'] },
      { json: jsonFixture('embeddings-float.json') },
    );
    const result = await h.ops.chat({ ...chat, model: '', maxTokens: 7, topK: 3 });
    expect(result.providerRequestId).toBe('req_groq_1');
    expect(h.server.requests[0]?.url).toBe('/v3/chat/completions');
    expect(h.server.requests[0]?.json).toMatchObject({
      model: 'served-model',
      max_completion_tokens: 7,
      top_k: 3,
      service_tier: 'flex',
    });
    const stream = h.ops.streamChat({ ...chat, model: '' });
    expect(await collect(stream)).toEqual([
      { type: 'text-delta', text: 'x' },
      { type: 'finish', finishReason: 'other' },
    ]);
    expect(h.server.requests[1]?.json).not.toHaveProperty('stream_options');
    expect(h.backend.findRequest(stream.requestId)?.providerRequestId).toBe('req_groq_2');
    await h.ops.embed({ model: '', input: ['a', 'b'] });
    expect(h.server.requests[2]?.url).toBe('/v3/embeddings');
    expect(h.server.requests[2]?.json).toEqual({
      model: 'served-embedder',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
  });
});
