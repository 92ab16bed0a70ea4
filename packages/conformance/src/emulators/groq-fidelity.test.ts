import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GroqEmulator, startGroqEmulator } from './groq.js';

// The official openai client, pointed at Groq's base URL as Groq's docs show, is the judge of the wire shapes.
let emulator: GroqEmulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startGroqEmulator({ models: ['llama-3.1-8b-instant', 'nomic-embed-text-v1_5'] });
  client = new OpenAI({ apiKey: 'test-key', baseURL: emulator.baseURL, maxRetries: 0, logLevel: 'off' });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

const model = 'llama-3.1-8b-instant';
const ROUTE = 'POST /openai/v1/chat/completions';
/** What Groq adds to the SDK's types. */
type WithXGroq = { x_groq?: { id?: string; usage?: Record<string, number>; error?: string } };

describe('official openai client against the Groq emulator', () => {
  it('chat completion, with x_groq.id and the usage timings', async () => {
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hello world' }], max_completion_tokens: 50 })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Echo: hello world');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({
      prompt_tokens: 2,
      completion_tokens: 3,
      total_tokens: 5,
      total_time: 0.00608,
    });
    expect((data as WithXGroq).x_groq?.id).toMatch(/^req_\w{26}$/);
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('2m59.56s');
    const sent = emulator.requests.at(-1);
    expect(sent?.path).toBe('/openai/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer test-key');
  });

  it('streaming: deltas concatenate, the first and final chunks carry x_groq, the final one its usage', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'stream these words' }],
      stream: true,
    });
    let text = '';
    const chunks: WithXGroq[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      chunks.push(chunk as WithXGroq);
    }
    expect(text).toBe('Echo: stream these words');
    expect(chunks[0]?.x_groq?.id).toMatch(/^req_/);
    expect(chunks.at(-1)?.x_groq?.id).toBe(chunks[0]?.x_groq?.id);
    expect(chunks.at(-1)?.x_groq?.usage).toMatchObject({
      prompt_tokens: 3,
      completion_tokens: 4,
      total_tokens: 7,
    });
  });

  it('streaming tool call, accumulated by the client helper', async () => {
    const final = await client.chat.completions
      .stream({
        model,
        messages: [{ role: 'user', content: 'call the tool' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      })
      .finalChatCompletion();
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{}' },
    });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('models: list and retrieve, with Groq fields', async () => {
    const ids: string[] = [];
    for await (const entry of client.models.list()) ids.push(entry.id);
    expect(ids).toEqual(['llama-3.1-8b-instant', 'nomic-embed-text-v1_5']);
    const one = await client.models.retrieve(model);
    expect(one).toMatchObject({ id: model, object: 'model', owned_by: 'Meta', context_window: 131_072 });
    await expect(client.models.retrieve('llama-9')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('embeddings, float and base64 alike', async () => {
    const input = ['first text', 'second text'];
    const floats = await client.embeddings.create({
      model: 'nomic-embed-text-v1_5',
      input,
      encoding_format: 'float',
    });
    const decoded = await client.embeddings.create({ model: 'nomic-embed-text-v1_5', input });
    expect(decoded.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding));
  });

  it('a scripted 498 is an APIError with status 498 and code capacity_exceeded', async () => {
    emulator.script(ROUTE, [{ kind: 'error', status: 498 }]);
    const error = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(498);
    expect((error as APIError).code).toBe('capacity_exceeded');
  });

  it('a scripted 429 is a RateLimitError with the retry-after Groq sends on it', async () => {
    emulator.script(ROUTE, [{ kind: 'error', status: 429, headers: { 'retry-after': '2' } }]);
    const error = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).code).toBe('rate_limit_exceeded');
    expect((error as APIError).headers?.get('retry-after')).toBe('2');
  });

  it('a wrong key is an AuthenticationError', async () => {
    const wrong = new OpenAI({ apiKey: 'gsk_wrong', baseURL: emulator.baseURL, maxRetries: 0 });
    const error = await wrong.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).code).toBe('invalid_api_key');
  });

  it('an OpenAI-style in-band error frame makes the client throw; x_groq.error is data to it', async () => {
    emulator.script(ROUTE, [
      { kind: 'stream-error', afterEvents: 1, code: 'capacity_exceeded', message: 'flex tier full' },
      { kind: 'stream-error', afterEvents: 1, message: 'model crashed' },
    ]);
    const consume = async () => {
      const chunks: WithXGroq[] = [];
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'one two three' }],
        stream: true,
      });
      for await (const chunk of stream) chunks.push(chunk as WithXGroq);
      return chunks;
    };
    const error = await consume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain('flex tier full');
    const stopped = await consume();
    expect(stopped.at(-1)?.x_groq?.error).toBe('model crashed');
  });
});
