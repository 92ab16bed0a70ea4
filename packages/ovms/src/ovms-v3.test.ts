import { collect, type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OvmsClient } from './ovms-api.js';
import { createOvms } from './ovms-client.js';

let server: ScriptedServer;
let client: OvmsClient;

beforeEach(async () => {
  for (const name of ['OVMS_API_URL', 'OVMS_MODEL', 'OVMS_VERSION', 'OVMS_API_KEY']) vi.stubEnv(name, '');
  server = await startScriptedServer();
  client = createOvms({ baseURL: `${server.origin}/v3`, model: 'llm', retry: { initialDelayMs: 0 } });
});

afterEach(async () => {
  await client.close();
  await server.close();
  vi.unstubAllEnvs();
});

const messages = [{ role: 'user' as const, content: 'Hi' }];
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  object: 'chat.completion.chunk',
  created: 1,
  model: 'llm',
  choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
});
const usage = {
  object: 'chat.completion.chunk',
  choices: [],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
};
const raw = (frames: string[]) => ({
  headers: { 'content-type': 'text/event-stream' },
  body: frames.join(''),
});
const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

describe('/v3 chat', () => {
  it('chats with the default model and top_k', async () => {
    server.reply({
      json: {
        object: 'chat.completion',
        model: 'llm',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    });
    const result = await client.chat({ model: '', messages, topK: 5 });
    expect(server.requests[0]?.url).toBe('/v3/chat/completions');
    expect(server.requests[0]?.json).toMatchObject({ model: 'llm', top_k: 5 });
    expect(result).toMatchObject({ text: 'Hello', finishReason: 'stop', usage: { totalTokens: 2 } });
  });

  it('streams deltas (first chunk content null, no id) and one finish with usage', async () => {
    server.reply(
      raw([
        data(chunk({ role: 'assistant', content: null })),
        data(chunk({ content: 'Hel' })),
        data(chunk({ content: 'lo' }, 'stop')),
        data(usage),
        'data: [DONE]\n\n',
      ]),
    );
    const events = await collect(client.streamChat({ model: 'llm', messages }));
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } },
    ]);
    expect(server.requests[0]?.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const plain = createOvms({ baseURL: server.origin, model: 'llm', streamUsage: false });
    server.reply(raw([data(chunk({ content: 'x' }, 'stop')), 'data: [DONE]\n\n']));
    await collect(plain.streamChat({ model: 'llm', messages }));
    expect(server.requests[1]?.json).not.toHaveProperty('stream_options');
    await plain.close();
  });

  it('retries a bare {"error"} line before any content', async () => {
    server.reply(
      raw([data(chunk({ role: 'assistant', content: null })), '{"error": "Mediapipe execution failed"}']),
      raw([data(chunk({ content: 'ok' }, 'stop')), 'data: [DONE]\n\n']),
    );
    const events = await collect(client.streamChat({ model: 'llm', messages }));
    expect(events[0]).toEqual({ type: 'text-delta', text: 'ok' });
    expect(server.requests).toHaveLength(2);
    expect(client.recentRequests(1)[0]?.attempts[0]?.errorCode).toBe('server_error');
  });

  it('turns a bare {"error"} line after content into a StreamError, never replayed', async () => {
    server.reply(raw([data(chunk({ content: 'partial' })), '{"error": "Mediapipe execution failed"}\n']));
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const event of client.streamChat({ model: 'llm', messages })) seen.push(event);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'stream_error' });
    expect(seen).toEqual([{ type: 'text-delta', text: 'partial' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry an INVALID_ARGUMENT error line', async () => {
    server.reply(
      raw(['{"error": "Mediapipe execution failed. MP status - INVALID_ARGUMENT: prompt too long"}\n']),
    );
    await expect(collect(client.streamChat({ model: 'llm', messages }))).rejects.toMatchObject({
      name: 'InvalidRequestError',
      providerCode: 'invalid_argument',
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('/v3 completions, embeddings, rerank, models', () => {
  it('completes a prompt', async () => {
    server.reply({
      json: {
        object: 'text_completion',
        model: 'llm',
        choices: [{ index: 0, text: ' world', finish_reason: 'length', logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    });
    const result = await client.completions({
      prompt: 'hello',
      maxTokens: 1,
      providerOptions: { ignore_eos: true },
    });
    expect(server.requests[0]?.json).toEqual({
      model: 'llm',
      prompt: 'hello',
      max_tokens: 1,
      ignore_eos: true,
      stream: false,
    });
    expect(result).toMatchObject({ text: ' world', finishReason: 'length', usage: { totalTokens: 2 } });
    await expect(client.completions({ prompt: ['a'] as unknown as string })).rejects.toThrow(/prompt/);
    expect(server.requests).toHaveLength(1);
  });

  it('embeds through the OpenAI-compatible mapping', async () => {
    server.reply({
      json: {
        object: 'list',
        data: [
          { object: 'embedding', index: 1, embedding: [0, 1] },
          { object: 'embedding', index: 0, embedding: [1, 0] },
        ],
        usage: { prompt_tokens: 2, total_tokens: 2 },
      },
    });
    const result = await client.embed({ model: 'emb', input: ['a', 'b'] });
    expect(server.requests[0]?.url).toBe('/v3/embeddings');
    expect(result.embeddings).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('reranks, checking indexes', async () => {
    server.reply(
      {
        json: {
          results: [
            { index: 1, relevance_score: 0.9, document: { text: 'b' } },
            { index: 0, relevance_score: 0.1 },
          ],
        },
      },
      { json: { results: [{ index: 5, relevance_score: 0.9 }] } },
    );
    const result = await client.rerank({
      model: 'rr',
      query: 'q',
      documents: ['a', 'b'],
      topN: 2,
      returnDocuments: true,
    });
    expect(server.requests[0]?.json).toEqual({
      model: 'rr',
      query: 'q',
      documents: ['a', 'b'],
      top_n: 2,
      return_documents: true,
    });
    expect(result.results).toEqual([
      { index: 1, score: 0.9, document: 'b' },
      { index: 0, score: 0.1 },
    ]);
    await expect(client.rerank({ query: 'q', documents: ['a'] })).rejects.toMatchObject({
      code: 'invalid_response',
    });
    await expect(client.rerank({ query: '', documents: ['a'] })).rejects.toThrow(/query/);
    await expect(client.rerank({ query: 'q', documents: [] })).rejects.toThrow(/documents/);
    expect(server.requests).toHaveLength(2);
  });

  it('lists models from /v3/models', async () => {
    server.reply({
      json: { object: 'list', data: [{ id: 'llm', object: 'model', created: 1, owned_by: 'OVMS' }] },
    });
    expect((await client.listModels()).map((m) => m.id)).toEqual(['llm']);
    expect(server.requests[0]?.url).toBe('/v3/models');
  });
});
