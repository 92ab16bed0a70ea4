import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GROQ_EMULATOR_MODELS, type GroqEmulator, startGroqEmulator } from './groq.js';

let emulator: GroqEmulator;
beforeEach(async () => {
  emulator = await startGroqEmulator();
});
afterEach(async () => {
  await emulator.close();
});

const AUTH = { authorization: 'Bearer test-key', 'content-type': 'application/json' };
const CHAT = 'POST /openai/v1/chat/completions';
const post = (path: string, body: unknown, headers: Record<string, string> = AUTH) =>
  fetch(`${emulator.baseURL}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const chat = (body: Record<string, unknown> = {}) =>
  post('/chat/completions', {
    model: 'llama-3.1-8b-instant',
    messages: [{ role: 'user', content: 'hello there' }],
    ...body,
  });
type Fields = Record<string, unknown>;
/** The parts of Groq's wire objects these tests read. */
interface Json {
  choices: Array<{ message: Fields; delta: Fields; finish_reason: string | null }>;
  usage: Record<string, number>;
  x_groq: { id?: string; usage?: Fields; error?: string };
  service_tier: string;
  error: Fields;
  data: Array<Fields & { id: string; embedding: number[] }>;
  id: string;
}
const chunksOf = (text: string): Json[] =>
  text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: ') && frame !== 'data: [DONE]')
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as Json);

describe('the Groq emulator', () => {
  it('serves under /openai/v1 with the default models', () => {
    expect(emulator.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/openai\/v1$/);
    expect(emulator.models).toEqual(GROQ_EMULATOR_MODELS);
    expect(emulator.provider).toBe('groq');
  });

  it('answers a completion with x_groq.id, usage timings, the service tier, and Groq rate-limit headers', async () => {
    const response = await chat();
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body.x_groq).toEqual({ id: 'req_01emu000000000000000000000' });
    expect(body.usage).toEqual({
      prompt_tokens: 2,
      completion_tokens: 3,
      total_tokens: 5,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: expect.any(Object),
      queue_time: 0.00125,
      prompt_time: 0.00008,
      completion_time: 0.006,
      total_time: 0.00608,
    });
    expect(body.service_tier).toBe('on_demand');
    expect(body.choices[0]?.message).toEqual({ role: 'assistant', content: 'Echo: hello there' });
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('x-')))).toEqual({
      'x-ratelimit-limit-requests': '14400',
      'x-ratelimit-limit-tokens': '6000',
      'x-ratelimit-remaining-requests': '14399',
      'x-ratelimit-remaining-tokens': '5995',
      'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-reset-tokens': '7.66s',
    });
    expect(response.headers.get('retry-after')).toBeNull();
    expect(response.headers.get('openai-version')).toBeNull();
  });

  it('streams x_groq.id in the first and final chunks, and x_groq.usage in the final one only', async () => {
    const text = await (await chat({ stream: true })).text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const chunks = chunksOf(text);
    expect(chunks.map((c) => c.x_groq?.id ?? null)).toEqual([
      'req_01emu000000000000000000000',
      null,
      null,
      null,
      'req_01emu000000000000000000000',
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.x_groq.usage).toEqual({
      prompt_tokens: 2,
      completion_tokens: 3,
      total_tokens: 5,
      queue_time: 0.00125,
      prompt_time: 0.00008,
      completion_time: 0.006,
      total_time: 0.00608,
    });
    expect(chunks.slice(0, -1).every((c) => c.x_groq?.usage === undefined)).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
  });

  it('with include_usage, the final choices:[] chunk carries usage and x_groq.usage, both with timings', async () => {
    const chunks = chunksOf(
      await (await chat({ stream: true, stream_options: { include_usage: true } })).text(),
    );
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ total_tokens: 5, total_time: 0.00608 });
    expect(last?.x_groq).toMatchObject({ id: expect.stringMatching(/^req_/), usage: { total_tokens: 5 } });
  });

  it('counts tool-call streams like the completion', async () => {
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    const completion = (await (await chat({ tools, tool_choice: 'required' })).json()) as Json;
    const chunks = chunksOf(await (await chat({ tools, tool_choice: 'required', stream: true })).text());
    expect(chunks.at(-1)?.x_groq.usage).toMatchObject({
      prompt_tokens: completion.usage.prompt_tokens,
      completion_tokens: completion.usage.completion_tokens,
    });
  });

  it('returns parsed reasoning in message.reasoning and in the first delta', async () => {
    const body = (await (await chat({ reasoning_format: 'parsed' })).json()) as Json;
    expect(body.choices[0]?.message.reasoning).toBe('The user wants an echo.');
    const chunks = chunksOf(await (await chat({ reasoning_format: 'parsed', stream: true })).text());
    expect(chunks[0]?.choices[0]?.delta.reasoning).toBe('The user wants an echo.');
  });

  it("checks Groq's own fields: n, service_tier, reasoning_format", async () => {
    for (const patch of [{ n: 2 }, { service_tier: 'cheap' }, { reasoning_format: 'json' }]) {
      const response = await chat(patch);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as Json;
      expect(error).toMatchObject({ type: 'invalid_request_error' });
      expect(error).not.toHaveProperty('param');
    }
    const flex = (await (await chat({ service_tier: 'flex' })).json()) as Json;
    expect(flex.service_tier).toBe('flex');
  });

  it('answers errors in Groq shape: 401, unknown model, unknown URL, validation without param', async () => {
    const unauthorised = await post('/chat/completions', {}, { 'content-type': 'application/json' });
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toEqual({
      error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    const unknownModel = await chat({ model: 'llama-9' });
    expect(unknownModel.status).toBe(404);
    expect(((await unknownModel.json()) as Json).error).toEqual({
      message: 'The model `llama-9` does not exist or you do not have access to it.',
      type: 'invalid_request_error',
      code: 'model_not_found',
    });
    const unknownUrl = await post('/nope', {});
    expect(unknownUrl.status).toBe(404);
    expect(((await unknownUrl.json()) as Json).error).toMatchObject({ code: 'unknown_url' });
    const invalid = await chat({ temperature: 3 });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as Json).error).not.toHaveProperty('param');
  });

  it('scripts 498 capacity_exceeded, 429 and 413 in Groq shape; retry-after only when asked for, only on 429', async () => {
    emulator.script(CHAT, [
      { kind: 'error', status: 498 },
      { kind: 'error', status: 429 },
      { kind: 'error', status: 413 },
    ]);
    const capacity = await chat();
    expect(capacity.status).toBe(498);
    expect(await capacity.json()).toEqual({
      error: {
        message: 'Flex tier capacity exceeded. This is a temporary condition, please try again later.',
        type: 'capacity_exceeded',
        code: 'capacity_exceeded',
      },
    });
    const limited = await chat();
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as Json).error).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
    expect(limited.headers.get('retry-after')).toBeNull();
    const tooLarge = await chat();
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as Json).error).toMatchObject({
      type: 'tokens',
      code: 'rate_limit_exceeded',
    });

    await emulator.close();
    emulator = await startGroqEmulator({ rateLimitRetryAfter: 2 });
    emulator.script(CHAT, [
      { kind: 'error', status: 429 },
      { kind: 'error', status: 429, headers: { 'retry-after': '7' } },
      { kind: 'error', status: 503 },
    ]);
    expect((await chat()).headers.get('retry-after')).toBe('2');
    expect((await chat()).headers.get('retry-after')).toBe('7');
    expect((await chat()).headers.get('retry-after')).toBeNull();
  });

  it('stream-error: x_groq.error without a code, an OpenAI-style error frame with one', async () => {
    emulator.script(CHAT, [
      { kind: 'stream-error', afterEvents: 1, message: 'model crashed' },
      { kind: 'stream-error', afterEvents: 0, code: 'capacity_exceeded' },
    ]);
    const stopped = chunksOf(await (await chat({ stream: true })).text());
    expect(stopped.at(-1)).toMatchObject({ choices: [], x_groq: { error: 'model crashed' } });
    const errored = chunksOf(await (await chat({ stream: true })).text());
    expect(errored.at(-1)).toEqual({
      error: expect.objectContaining({ type: 'capacity_exceeded', code: 'capacity_exceeded' }),
    });
  });

  it('lists models in Groq shape, and retrieves one', async () => {
    const list = (await (await fetch(`${emulator.baseURL}/models`, { headers: AUTH })).json()) as Json;
    expect(list.data[0]).toEqual({
      id: 'llama-3.1-8b-instant',
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'Meta',
      active: true,
      context_window: 131_072,
      public_apps: null,
      max_completion_tokens: 32_768,
    });
    const one = await fetch(`${emulator.baseURL}/models/llama-3.3-70b-versatile`, { headers: AUTH });
    expect(((await one.json()) as Json).id).toBe('llama-3.3-70b-versatile');
    const none = await fetch(`${emulator.baseURL}/models/llama-9`, { headers: AUTH });
    expect(none.status).toBe(404);
  });

  it('embeds through /openai/v1/embeddings', async () => {
    await emulator.close();
    emulator = await startGroqEmulator({ models: ['nomic-embed-text-v1_5'] });
    const response = await post('/embeddings', { model: 'nomic-embed-text-v1_5', input: ['a', 'b'] });
    const body = (await response.json()) as Json;
    expect(body.data).toHaveLength(2);
    expect(body.data[0]?.embedding).toHaveLength(8);
  });
});
