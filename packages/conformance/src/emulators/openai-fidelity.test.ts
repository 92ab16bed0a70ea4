import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIEmulator, startOpenAIEmulator } from './openai-compatible.js';

// The official client is the judge: if it cannot parse the emulator, the emulator is wrong.
let emulator: OpenAIEmulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startOpenAIEmulator();
  client = new OpenAI({ apiKey: 'test-key', baseURL: emulator.baseURL, maxRetries: 0 });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

const model = 'gpt-4o-mini';
const weatherTool: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
};

describe('official openai client against the emulator', () => {
  it('chat completion, with the request id exposed', async () => {
    const { data, request_id } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hello world' }], max_completion_tokens: 50 })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Echo: hello world');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(request_id).toMatch(/^req_\d+$/);
    const sent = emulator.requests.at(-1);
    expect(sent?.headers.authorization).toBe('Bearer test-key');
    expect(sent?.json).toMatchObject({ model, max_completion_tokens: 50 });
  });

  it('streaming: deltas concatenate to the text, usage arrives with include_usage', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'stream these words' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    const finishReasons: string[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      const finish = chunk.choices[0]?.finish_reason;
      if (finish) finishReasons.push(finish);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: stream these words');
    expect(finishReasons).toEqual(['stop']);
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it('tool call, non-streamed', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'call the tool' }],
      tools: [weatherTool],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: '{}' });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('tool call, streamed, accumulated by the client helper', async () => {
    const stream = client.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'call the tool' }],
      tools: [weatherTool],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{}' } });
    expect(call?.id).toMatch(/^call_\d+$/);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('embeddings: float, and base64 decoded by the client, are equal', async () => {
    const input = ['first text', 'second text'];
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input,
      encoding_format: 'float',
    });
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input });
    expect(emulator.requests.at(-1)?.json).toMatchObject({ encoding_format: 'base64' });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]?.embedding).toHaveLength(8);
    expect(decoded.data.map((item) => item.embedding)).toEqual(floats.data.map((item) => item.embedding));
    expect(floats.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const sized = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'x',
      dimensions: 16,
    });
    expect(sized.data[0]?.embedding).toHaveLength(16);
  });

  it('models: list (paginated helper) and retrieve', async () => {
    const ids: string[] = [];
    for await (const entry of client.models.list()) ids.push(entry.id);
    expect(ids).toEqual(['gpt-4o-mini', 'text-embedding-3-small']);
    const one = await client.models.retrieve('text-embedding-3-small');
    expect(one).toMatchObject({ id: 'text-embedding-3-small', object: 'model', owned_by: 'openai' });
    await expect(client.models.retrieve('gpt-9')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('a wrong key is an AuthenticationError whose message does not carry the key', async () => {
    const wrong = new OpenAI({
      apiKey: 'sk-wrong-0123456789-abcd',
      baseURL: emulator.baseURL,
      maxRetries: 0,
    });
    const error = await wrong.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).code).toBe('invalid_api_key');
    expect(String((error as Error).message)).not.toContain('sk-wrong-0123456789-abcd');
  });

  it('a scripted 429 is a RateLimitError with its headers', async () => {
    emulator.script('POST /v1/chat/completions', [
      { kind: 'error', status: 429, headers: { 'retry-after': '1' } },
    ]);
    const error = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as APIError).code).toBe('rate_limit_exceeded');
    expect((error as APIError).type).toBe('requests');
    expect((error as APIError).headers?.get('retry-after')).toBe('1');
  });

  it('a scripted in-band stream error makes the client throw mid-stream', async () => {
    emulator.script('POST /v1/chat/completions', [
      { kind: 'stream-error', afterEvents: 2, code: 'server_error', message: 'upstream died' },
    ]);
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain('upstream died');
    expect(text).toBe('Echo: one ');
  });

  it('a malformed stream frame makes the client throw', async () => {
    emulator.script('POST /v1/chat/completions', [{ kind: 'malformed' }]);
    const quiet = new OpenAI({
      apiKey: 'test-key',
      baseURL: emulator.baseURL,
      maxRetries: 0,
      logLevel: 'off',
    });
    const stream = await quiet.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const consume = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow();
  });
});
