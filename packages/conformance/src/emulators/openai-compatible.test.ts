import type OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAIEmulator, startOpenAIEmulator } from './openai-compatible.js';
import { embeddingOf } from './openai-compatible-embeddings.js';

let emulator: OpenAIEmulator;
beforeEach(async () => {
  emulator = await startOpenAIEmulator();
});
afterEach(async () => {
  await emulator.close();
});

const AUTH = { authorization: 'Bearer test-key', 'content-type': 'application/json' };
const post = (path: string, body: unknown, headers: Record<string, string> = AUTH, base = emulator.baseURL) =>
  fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const chat = (body: Record<string, unknown>) =>
  post('/chat/completions', {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello there' }],
    ...body,
  });
const completion = async (body: Record<string, unknown>) =>
  (await (await chat(body)).json()) as OpenAI.ChatCompletion;
const choiceOf = async (body: Record<string, unknown>) => (await completion(body)).choices[0]!;
const chunksOf = (text: string) =>
  dataFrames(text)
    .slice(0, -1)
    .map((frame) => JSON.parse(frame) as OpenAI.ChatCompletionChunk);
const embeddings = async (body: Record<string, unknown>) =>
  (await (await post('/embeddings', body)).json()) as OpenAI.CreateEmbeddingResponse;
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: Record<string, unknown> }).error;
const dataFrames = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => frame.slice('data: '.length));

describe('chat completions: validation like the real API', () => {
  it.each([
    [{ model: undefined }, 400, null, 'missing_required_parameter'],
    [{ messages: [] }, 400, 'messages', 'empty_array'],
    [{ messages: 'hi' }, 400, 'messages', 'invalid_type'],
    [{ messages: [{ role: 'wizard', content: 'x' }] }, 400, 'messages[0].role', 'invalid_value'],
    [{ messages: [{ role: 'user' }] }, 400, 'messages[0].content', 'missing_required_parameter'],
    [
      { messages: [{ role: 'tool', content: 'x' }] },
      400,
      'messages[0].tool_call_id',
      'missing_required_parameter',
    ],
    [{ max_tokens: 0 }, 400, 'max_tokens', 'integer_below_min_value'],
    [{ temperature: 3 }, 400, 'temperature', 'decimal_above_max_value'],
    [{ stream_options: { include_usage: true } }, 400, 'stream_options', 'invalid_value'],
    [{ tool_choice: 'auto' }, 400, 'tool_choice', null],
    [
      { tools: [{ type: 'function', function: {} }] },
      400,
      'tools[0].function.name',
      'missing_required_parameter',
    ],
    [{ response_format: { type: 'yaml' } }, 400, 'response_format.type', 'invalid_value'],
    [{ model: 'gpt-9' }, 404, null, 'model_not_found'],
  ])('%j -> %i %s %s', async (patch, status, param, code) => {
    const response = await chat(patch);
    expect(response.status).toBe(status);
    const error = await errorOf(response);
    expect(error).toMatchObject({ type: 'invalid_request_error', code });
    if (param !== null) expect(error.param).toBe(param);
    expect(typeof error.message).toBe('string');
  });

  it('rejects a body that is not JSON', async () => {
    const response = await fetch(`${emulator.baseURL}/chat/completions`, {
      method: 'POST',
      headers: AUTH,
      body: '{',
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/could not parse the JSON body/);
  });
});

describe('chat completions: deterministic replies', () => {
  it('echoes the last user message with usage counted in words', async () => {
    const response = await chat({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'ok' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'second' },
            { type: 'text', text: 'question' },
          ],
        },
      ],
    });
    const body = (await response.json()) as OpenAI.ChatCompletion;
    expect(body).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Echo: second question', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
      system_fingerprint: 'fp_emulator',
    });
    expect(body.usage?.completion_tokens_details).toMatchObject({ reasoning_tokens: 0 });
    expect((await completion({})).id).toBe('chatcmpl-2');
  });

  it('truncates to max_tokens / max_completion_tokens words with finish_reason length', async () => {
    const long = { messages: [{ role: 'user', content: 'one two three four five' }] };
    const cut = await completion({ ...long, max_tokens: 3 });
    expect(cut.choices[0]).toMatchObject({ message: { content: 'Echo: one two' }, finish_reason: 'length' });
    expect(cut.usage?.completion_tokens).toBe(3);
    const newer = await choiceOf({ ...long, max_completion_tokens: 2 });
    expect(newer.message.content).toBe('Echo: one');
  });

  it('answers json_object requests with a JSON object string', async () => {
    const choice = await choiceOf({ response_format: { type: 'json_object' } });
    expect(JSON.parse(choice.message.content ?? '')).toEqual({ echo: 'hello there' });
  });

  it('calls the first tool when the user asks for a tool, unless tool_choice is none', async () => {
    const tools = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      { type: 'function', function: { name: 'other' } },
    ];
    const messages = [{ role: 'user', content: 'use a tool please' }];
    const called = await choiceOf({ tools, messages });
    expect(called).toMatchObject({
      message: {
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
      },
      finish_reason: 'tool_calls',
    });
    const declined = await choiceOf({ tools, messages, tool_choice: 'none' });
    expect(declined.message.content).toBe('Echo: use a tool please');
    const named = await choiceOf({ tools, tool_choice: { type: 'function', function: { name: 'other' } } });
    expect(named.message.tool_calls?.[0]).toMatchObject({ function: { name: 'other' } });
    expect((await choiceOf({ tools })).finish_reason).toBe('stop');
  });
});

describe('chat completions: streaming', () => {
  it('streams a role chunk, one chunk per word, a finish chunk and [DONE]', async () => {
    const messages = [{ role: 'user', content: 'a  b\nc' }];
    const whole = await choiceOf({ messages });
    const response = await chat({ messages, stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = dataFrames(await response.text());
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame) as OpenAI.ChatCompletionChunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && !('usage' in chunk))).toBe(
      true,
    );
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.message.content);
    expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0]?.delta.content)).toEqual([
      'Echo: ',
      'a  ',
      'b\n',
      'c',
    ]);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
  });

  it('with include_usage: usage null on every chunk, then a choices-less usage chunk', async () => {
    const response = await chat({ stream: true, stream_options: { include_usage: true } });
    const chunks = chunksOf(await response.text());
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } });
  });

  it('streams a tool call as a header delta and argument fragments', async () => {
    const tools = [{ type: 'function', function: { name: 'lookup' } }];
    const response = await chat({ stream: true, tools, tool_choice: 'required' });
    const chunks = chunksOf(await response.text());
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({
      index: 0,
      id: 'call_1',
      type: 'function',
      function: { name: 'lookup', arguments: '' },
    });
    expect(calls.slice(1).map((call) => call.function?.arguments)).toEqual(['{', '}']);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('an in-band error fault emits the OpenAI error frame and no [DONE]', async () => {
    emulator.script('POST /v1/chat/completions', [
      { kind: 'stream-error', afterEvents: 1, code: 'rate_limit_exceeded', message: 'slow down' },
    ]);
    const frames = dataFrames(await (await chat({ stream: true })).text());
    expect(frames).toHaveLength(3);
    expect((JSON.parse(frames[1]!) as OpenAI.ChatCompletionChunk).choices[0]?.delta.content).toBe('Echo: ');
    expect(JSON.parse(frames[2]!)).toEqual({
      error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });
});

describe('embeddings and models', () => {
  it('returns deterministic unit vectors, with dimensions, base64 and token inputs', async () => {
    const body = await embeddings({ model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'] });
    expect(body).toMatchObject({
      object: 'list',
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 3 },
    });
    const [first, second] = body.data.map((item) => item.embedding);
    expect(body.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(first).toHaveLength(8);
    expect(first).toEqual(embeddingOf('alpha beta', 8));
    expect(Math.hypot(...(first ?? []))).toBeCloseTo(1, 5);
    expect(second).not.toEqual(first);
    const sized = await embeddings({ model: 'text-embedding-3-small', input: 'x', dimensions: 20 });
    expect(sized.data[0]?.embedding).toHaveLength(20);
    const encoded = await embeddings({
      model: 'text-embedding-3-small',
      input: 'alpha beta',
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(encoded.data[0]?.embedding as unknown as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(first);
    const tokens = await embeddings({ model: 'text-embedding-3-small', input: [[1, 2, 3]] });
    expect(tokens.usage.prompt_tokens).toBe(3);
  });

  it.each([
    [{ input: 'x' }, 400, 'missing_required_parameter'],
    [{ model: 'text-embedding-3-small', input: '' }, 400, null],
    [{ model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' }, 400, 'invalid_value'],
    [{ model: 'nope', input: 'x' }, 404, 'model_not_found'],
  ])('embeddings %j -> %i %s', async (body, status, code) => {
    const response = await post('/embeddings', body);
    expect(response.status).toBe(status);
    expect((await errorOf(response)).code).toBe(code);
  });

  it('lists and retrieves models, 404 model_not_found otherwise', async () => {
    const headers = { authorization: 'Bearer test-key' };
    const list = (await (await fetch(`${emulator.baseURL}/models`, { headers })).json()) as {
      data: OpenAI.Model[];
    };
    expect(list.data.map((model) => model.id)).toEqual(emulator.models);
    expect(list.data[0]).toEqual({
      id: 'gpt-4o-mini',
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'openai',
    });
    const one = (await (
      await fetch(`${emulator.baseURL}/models/gpt-4o-mini`, { headers })
    ).json()) as OpenAI.Model;
    expect(one.id).toBe('gpt-4o-mini');
    const missing = await fetch(`${emulator.baseURL}/models/gpt-9`, { headers });
    expect([missing.status, (await errorOf(missing)).code]).toEqual([404, 'model_not_found']);
  });
});
