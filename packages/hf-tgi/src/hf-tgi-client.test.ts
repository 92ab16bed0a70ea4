import { inspect } from 'node:util';
import { FakeClock } from '@ipfs-accelerate/core';
import { collect, type ScriptedServer, startScriptedServer, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHfTgi } from './hf-tgi-client.js';

const KEY = 'hf_secretToken0123456789abcdefXYZ';
const INFO = {
  model_id: 'bigscience/bloom-560m',
  model_sha: 'e985a63',
  model_pipeline_tag: 'text-generation',
  max_concurrent_requests: 128,
  max_best_of: 2,
  max_stop_sequences: 4,
  max_input_tokens: 1024,
  max_total_tokens: 2048,
  validation_workers: 2,
  max_client_batch_size: 4,
  router: 'text-generation-router',
  version: '3.3.6',
  sha: null,
  docker_label: null,
};
const token = (id: number, text: string, special = false) => ({ id, text, logprob: -0.5, special });

let server: ScriptedServer;

beforeEach(async () => {
  for (const name of ['HF_API_KEY', 'HF_API_TOKEN', 'HF_TOKEN', 'HF_TGI_BASE_URL', 'TGI_BASE_URL'])
    vi.stubEnv(name, '');
  server = await startScriptedServer();
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

describe('secrets and configuration', () => {
  it('never shows the key in util.inspect, JSON, the ledger or an error echoing it', async () => {
    const client = createHfTgi({ baseURL: server.origin, apiKey: KEY, retry: { maxRetries: 0 } });
    server.reply({ status: 401, json: { error: `bad token ${KEY}`, error_type: 'authentication' } });
    const error = await client.generate({ inputs: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'authentication_failed', provider: 'hf-tgi' });
    for (const text of [
      inspect(client, { depth: 10 }),
      JSON.stringify(client),
      JSON.stringify(client.recentRequests()),
      (error as Error).message,
      inspect(error),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain(KEY);
    }
    expect(inspect(client)).toContain('HfTgiClient');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    await client.close();
  });

  it('reads the base URL from HF_TGI_BASE_URL, then TGI_BASE_URL, and the key from HF_API_KEY / HF_API_TOKEN', async () => {
    vi.stubEnv('TGI_BASE_URL', server.origin);
    vi.stubEnv('HF_API_TOKEN', KEY);
    const client = createHfTgi();
    server.reply({ json: INFO });
    await client.info();
    expect(server.requests[0]?.url).toBe('/info');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(client.endpoints()[0]?.baseURL).toBe(server.origin);
    await client.close();
    vi.stubEnv('HF_TGI_BASE_URL', 'http://127.0.0.1:1');
    expect(createHfTgi().endpoints()[0]?.baseURL).toBe('http://127.0.0.1:1');
  });

  it('defaults to http://127.0.0.1:8080 and sends no key without one', async () => {
    const client = createHfTgi();
    expect(client.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:8080');
    expect(client.mode).toBe('self-hosted');
    const local = createHfTgi({ baseURL: server.origin });
    server.reply({ json: INFO });
    await local.info();
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    await Promise.all([client.close(), local.close()]);
  });

  it('refuses bad options at once', () => {
    expect(() => createHfTgi({ mode: 'cloud' as never })).toThrow(/mode/);
    expect(() => createHfTgi({ waitForModel: true })).toThrow(/hosted mode only/);
    expect(() => createHfTgi({ headers: { a: 1 as never } })).toThrow(/header a/);
  });
});

describe('native generation', () => {
  it('generate posts /generate and reads usage from the headers', async () => {
    const client = createHfTgi({ baseURL: server.origin });
    server.reply({
      headers: { 'x-prompt-tokens': '2', 'x-generated-tokens': '2' },
      json: {
        generated_text: ' world',
        details: {
          finish_reason: 'length',
          generated_tokens: 2,
          seed: null,
          prefill: [],
          tokens: [token(5, ' wor'), token(6, 'ld')],
        },
      },
    });
    const result = await client.generate({ inputs: 'Hello', maxNewTokens: 2 });
    expect(result).toMatchObject({
      text: ' world',
      finishReason: 'length',
      usage: { inputTokens: 2, outputTokens: 2, totalTokens: 4 },
    });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/generate',
      json: { inputs: 'Hello', parameters: { max_new_tokens: 2, details: true } },
    });
    expect(client.recentRequests(1)[0]?.usage).toEqual({ inputTokens: 2, outputTokens: 2, totalTokens: 4 });
    await client.close();
  });

  it('streamGenerate reads token events (with or without the space after data:) and ends with details', async () => {
    const client = createHfTgi({ baseURL: server.origin });
    const events = [
      { index: 1, token: token(1, 'Hel'), generated_text: null, details: null, top_tokens: null },
      { index: 2, token: token(2, 'lo'), generated_text: null, details: null, top_tokens: null },
      {
        index: 3,
        token: token(0, '</s>', true),
        generated_text: 'Hello',
        details: { finish_reason: 'eos_token', generated_tokens: 3, input_length: 4, seed: 7 },
        top_tokens: null,
      },
    ];
    server.reply({
      headers: { 'content-type': 'text/event-stream' },
      body: `:keep-alive\n\ndata:${JSON.stringify(events[0])}\n\ndata: ${JSON.stringify(events[1])}\n\ndata:${JSON.stringify(events[2])}\n\n`,
    });
    const out = await collect(client.streamGenerate({ inputs: 'Say hello' }));
    expect(out.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'finish']);
    expect(out.map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe('Hello');
    expect(out[2]).toEqual({
      type: 'finish',
      finishReason: 'stop',
      tgiFinishReason: 'eos_token',
      generatedText: 'Hello',
      usage: { inputTokens: 4, outputTokens: 3, totalTokens: 7 },
      seed: 7,
    });
    expect(server.requests[0]).toMatchObject({
      url: '/generate_stream',
      json: { inputs: 'Say hello', parameters: { details: true } },
    });
    expect(server.requests[0]?.json).not.toHaveProperty('stream');
    await client.close();
  });

  it('retries an in-band error before any token, and fails with a StreamError after one', async () => {
    const clock = new FakeClock();
    const client = createHfTgi({ baseURL: server.origin, clock, retry: { jitter: 'none' } });
    const final = { index: 1, token: token(1, 'ok'), generated_text: 'ok', details: null };
    server.reply(
      { sse: [{ error: 'Request failed during generation: CUDA OOM', error_type: 'generation' }] },
      { sse: [final] },
    );
    const pending = collect(client.streamGenerate({ inputs: 'x' }));
    await waitFor(() => clock.nextTimerAt() === 1000, 'the backoff sleep');
    await clock.advance(1000);
    expect((await pending).at(-1)).toEqual({ type: 'finish', finishReason: 'other', generatedText: 'ok' });

    server.reply({
      sse: [
        { index: 1, token: token(1, 'a'), generated_text: null, details: null },
        { error: 'Request failed during generation', error_type: 'generation' },
      ],
    });
    await expect(collect(client.streamGenerate({ inputs: 'x' }))).rejects.toMatchObject({
      code: 'stream_error',
    });
    expect(server.requests).toHaveLength(3);
    await client.close();
  });

  it('a stream that ends without the final event is truncated; a validation event is not retried', async () => {
    const client = createHfTgi({ baseURL: server.origin });
    server.reply({ sse: [{ index: 1, token: token(1, 'a'), generated_text: null, details: null }] });
    await expect(collect(client.streamGenerate({ inputs: 'x' }))).rejects.toMatchObject({
      code: 'stream_error',
    });
    server.reply({
      sse: [
        {
          error: 'Input validation error: `inputs` must have less than 1024 tokens',
          error_type: 'validation',
        },
      ],
    });
    await expect(collect(client.streamGenerate({ inputs: 'x' }))).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it('429 overloaded is retried and does not trip the breaker', async () => {
    const clock = new FakeClock();
    const client = createHfTgi({ baseURL: server.origin, clock, retry: { jitter: 'none' } });
    server.reply(
      { status: 429, json: { error: 'Model is overloaded', error_type: 'overloaded' } },
      { json: { generated_text: 'fine' } },
    );
    const pending = client.generate({ inputs: 'x' });
    await waitFor(() => clock.nextTimerAt() === 1000, 'the backoff sleep');
    await clock.advance(1000);
    expect((await pending).text).toBe('fine');
    expect(client.recentRequests(1)[0]?.attempts[0]?.errorCode).toBe('rate_limited');
    expect(client.lanes()[0]?.breaker.state).toBe('closed');
    await client.close();
  });
});

describe('server operations', () => {
  it('info, tokenize, listModels and health', async () => {
    const client = createHfTgi({ baseURL: server.origin });
    server.reply(
      { json: INFO },
      { json: [{ id: 1, text: 'Hel', start: 0, stop: 3 }] },
      {
        json: {
          object: 'list',
          data: [{ id: INFO.model_id, object: 'model', created: 0, owned_by: INFO.model_id }],
        },
      },
      { status: 200 },
      { status: 503, json: { error: 'unhealthy', error_type: 'healthcheck' } },
      { status: 401, body: '' },
    );
    expect(await client.info()).toMatchObject({
      modelId: 'bigscience/bloom-560m',
      maxClientBatchSize: 4,
      modelSha: 'e985a63',
    });
    expect(await client.tokenize({ inputs: 'Hel' })).toEqual([{ id: 1, text: 'Hel', start: 0, stop: 3 }]);
    expect((await client.listModels()).map((m) => m.id)).toEqual([INFO.model_id]);
    expect(await client.health()).toBe(true);
    expect(await client.health()).toBe(false);
    await expect(client.health()).rejects.toMatchObject({ code: 'authentication_failed' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /info',
      'POST /tokenize',
      'GET /v1/models',
      'GET /health',
      'GET /health',
      'GET /health',
    ]);
    await expect(client.tokenize({ inputs: '' })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(server.requests).toHaveLength(6);
    await client.close();
  });

  it('chat goes through /v1/chat/completions with the OpenAI-compatible mapping and model "tgi"', async () => {
    const client = createHfTgi({ baseURL: server.origin });
    server.reply({
      json: {
        id: '',
        object: 'chat.completion',
        created: 1,
        model: INFO.model_id,
        system_fingerprint: '3.3.6-native',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hi!' }, logprobs: null, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      },
    });
    const result = await client.chat({
      model: '',
      messages: [{ role: 'user', content: 'Hello' }],
      maxTokens: 8,
    });
    expect(result).toMatchObject({
      text: 'Hi!',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 2 },
    });
    expect(server.requests[0]).toMatchObject({
      url: '/v1/chat/completions',
      json: { model: 'tgi', max_tokens: 8, messages: [{ role: 'user', content: 'Hello' }] },
    });
    await client.close();
  });
});
