import { describe, expect, it } from 'vitest';
import { type Json, json, lines, useOllamaEmulator, user } from './ollama-test-harness.js';

const harness = useOllamaEmulator();
const { send, post } = harness;

describe('POST /api/chat: validation like Ollama', () => {
  it.each([
    ['', 400, 'missing request body'],
    ['{', 400, 'unexpected EOF'],
    ['hello', 400, "invalid character 'h' looking for beginning of value"],
    ['[]', 400, 'json: cannot unmarshal array into Go value of type api.ChatRequest'],
    [{ messages: [] }, 400, 'model is required'],
    [{ ...user('x'), model: 'gpt-9' }, 404, 'model "gpt-9" not found, try pulling it first'],
    [
      { model: 'llama3.2', messages: 'hi' },
      400,
      'json: cannot unmarshal string into Go struct field ChatRequest.messages of type []api.Message',
    ],
    [
      { model: 'llama3.2', messages: [{ role: 'user', content: ['x'] }] },
      400,
      'json: cannot unmarshal array into Go struct field Message.messages.content of type string',
    ],
    [
      { model: 'llama3.2', messages: [{ role: 'wizard', content: 'x' }] },
      400,
      'invalid role "wizard": must be one of system, user, assistant, tool',
    ],
    [
      { ...user('x'), stream: 'yes' },
      400,
      'json: cannot unmarshal string into Go struct field ChatRequest.stream of type bool',
    ],
    [
      { ...user('x'), tools: [1] },
      400,
      'json: cannot unmarshal number into Go struct field ChatRequest.tools of type api.Tool',
    ],
    [{ ...user('x'), options: { num_predict: 'ten' } }, 500, 'option "num_predict" must be of type integer'],
    [
      { ...user('x'), format: 'yaml' },
      500,
      'invalid format: "\\"yaml\\""; expected "json" or a valid JSON Schema object',
    ],
  ])('%j -> %i %s', async (body, status, message) => {
    const response = await post('/api/chat', body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ error: message });
  });

  it('accepts a model with its tag and in any case, and echoes the name as sent', async () => {
    const reply = await json(post('/api/chat', { ...user('hi'), model: 'Llama3.2:latest', stream: false }));
    expect(reply.model).toBe('Llama3.2:latest');
  });

  it('no messages loads the model; keep_alive 0 unloads it (one JSON object, even when streaming)', async () => {
    const load = await post('/api/chat', { model: 'llama3.2' });
    expect(load.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await load.json()).toMatchObject({
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'load',
    });
    expect((await json(send('GET', '/api/ps'))).models).toHaveLength(1);
    const unload = await json(post('/api/chat', { model: 'llama3.2', messages: [], keep_alive: 0 }));
    expect(unload).toMatchObject({ done: true, done_reason: 'unload' });
    expect((await json(send('GET', '/api/ps'))).models).toEqual([]);
  });
});

describe('POST /api/chat: deterministic replies', () => {
  it('non-streamed: the whole message and the statistics in nanoseconds', async () => {
    const body = {
      model: 'llama3.2',
      stream: false,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'second question' },
      ],
    };
    const reply = await json(post('/api/chat', body));
    expect(Object.keys(reply)).toEqual([
      'model',
      'created_at',
      'message',
      'done_reason',
      'done',
      'total_duration',
      'load_duration',
      'prompt_eval_count',
      'prompt_eval_duration',
      'eval_count',
      'eval_duration',
    ]);
    expect(reply).toMatchObject({
      model: 'llama3.2',
      message: { role: 'assistant', content: 'Echo: second question' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 7,
      eval_count: 3,
      load_duration: 1_000_000,
      eval_duration: 30_000_000,
    });
    expect(reply.created_at).toMatch(/^2025-01-01T00:00:00\.\d{3}Z$/);
    expect(await json(post('/api/chat', body))).toEqual({ ...reply, created_at: expect.any(String) });
  });

  it('streams by default: one NDJSON chunk per word, then the done object', async () => {
    const response = await post('/api/chat', user('stream these words'));
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const objects = await lines(response);
    const chunks = objects.slice(0, -1);
    expect(chunks.map((chunk) => (chunk.message as Json).content)).toEqual([
      'Echo: ',
      'stream ',
      'these ',
      'words',
    ]);
    for (const chunk of chunks)
      expect(Object.keys(chunk)).toEqual(['model', 'created_at', 'message', 'done']);
    expect(objects.at(-1)).toMatchObject({
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 3,
      eval_count: 4,
    });
  });

  it('num_predict cuts the answer to that many words with done_reason length, streamed or not', async () => {
    const body = { ...user('one two three four'), options: { num_predict: 3 } };
    const whole = await json(post('/api/chat', { ...body, stream: false }));
    expect(whole).toMatchObject({
      message: { content: 'Echo: one two' },
      done_reason: 'length',
      eval_count: 3,
    });
    const objects = await lines(post('/api/chat', body));
    expect(
      objects
        .slice(0, -1)
        .map((chunk) => (chunk.message as Json).content)
        .join(''),
    ).toBe('Echo: one two');
    expect(objects.at(-1)).toMatchObject({ done_reason: 'length', eval_count: 3 });
  });

  it('format json or a schema: the content is {"echo": ...}', async () => {
    for (const format of ['json', { type: 'object', properties: { echo: { type: 'string' } } }]) {
      const reply = await json(post('/api/chat', { ...user('hi there'), format, stream: false }));
      expect(JSON.parse((reply.message as Json).content as string)).toEqual({ echo: 'hi there' });
    }
  });

  it('calls the first tool (arguments as an object) when tools are given and the user says "tool"', async () => {
    const tools = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      { type: 'function', function: { name: 'other', parameters: { type: 'object' } } },
    ];
    const called = await json(post('/api/chat', { ...user('use a tool please'), tools, stream: false }));
    expect(called.message).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ function: { name: 'get_weather', arguments: {} } }],
    });
    expect(called.done_reason).toBe('stop');
    const streamed = await lines(post('/api/chat', { ...user('the tool'), tools }));
    expect(streamed).toHaveLength(2);
    expect((streamed[0]?.message as Json | undefined)?.tool_calls).toEqual([
      { function: { name: 'get_weather', arguments: {} } },
    ]);
    const plain = await json(post('/api/chat', { ...user('no tools wanted here'), tools, stream: false }));
    expect((plain.message as Json).content).toBe('Echo: no tools wanted here');
  });
});

describe('POST /api/generate', () => {
  it('streams Echo: <prompt> as response chunks; the final object has context and statistics', async () => {
    const objects = await lines(post('/api/generate', { model: 'llama3.2', prompt: 'why is the sky blue' }));
    expect(
      objects
        .slice(0, -1)
        .map((chunk) => chunk.response)
        .join(''),
    ).toBe('Echo: why is the sky blue');
    const final = objects.at(-1) as Json;
    expect(final).toMatchObject({
      response: '',
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 5,
      eval_count: 6,
    });
    expect(final.context).toHaveLength(11);
  });

  it('stream false, num_predict, format json, context carried on; raw has no context', async () => {
    const first = await json(
      post('/api/generate', {
        model: 'llama3.2',
        prompt: 'a b c',
        stream: false,
        options: { num_predict: 2 },
      }),
    );
    expect(first).toMatchObject({ response: 'Echo: a', done_reason: 'length', eval_count: 2 });
    const context = first.context as number[];
    const next = await json(
      post('/api/generate', { model: 'llama3.2', prompt: 'd', context, stream: false, format: 'json' }),
    );
    expect(JSON.parse(next.response as string)).toEqual({ echo: 'd' });
    expect((next.context as number[]).slice(0, context.length)).toEqual(context);
    expect(next.prompt_eval_count).toBe(1 + context.length);
    const raw = await json(
      post('/api/generate', { model: 'llama3.2', prompt: 'x', raw: true, stream: false }),
    );
    expect(raw.context).toBeUndefined();
    const conflict = await post('/api/generate', { model: 'llama3.2', prompt: 'x', raw: true, system: 's' });
    expect([conflict.status, await conflict.json()]).toEqual([
      400,
      { error: 'raw mode does not support template, system, or context' },
    ]);
  });

  it('an empty prompt loads the model: done_reason load, empty response', async () => {
    expect(await json(post('/api/generate', { model: 'llama3.2' }))).toEqual({
      model: 'llama3.2',
      created_at: expect.any(String),
      response: '',
      done: true,
      done_reason: 'load',
    });
    expect((await post('/api/generate', { model: 'nope', prompt: 'x' })).status).toBe(404);
  });
});
