import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOllama, type OllamaClient } from './ollama-client.js';

// A final `/api/chat` object with `stream: false`, as docs/api.md shows it.
const STATS = {
  total_duration: 4_883_583_458,
  load_duration: 1_334_875,
  prompt_eval_count: 26,
  prompt_eval_duration: 342_546_000,
  eval_count: 282,
  eval_duration: 4_535_599_000,
};

function chatAnswer(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    model: 'llama3.2',
    created_at: '2023-12-12T14:13:43.416799Z',
    message: { role: 'assistant', ...message },
    done: true,
    done_reason: 'stop',
    ...STATS,
    ...extra,
  };
}

let server: ScriptedServer;
let client: OllamaClient;

beforeEach(async () => {
  vi.stubEnv('OLLAMA_API_KEY', '');
  server = await startScriptedServer();
  client = createOllama({ baseURL: server.origin, retry: { initialDelayMs: 0 } });
});

afterEach(async () => {
  await client.close();
  await server.close();
  vi.unstubAllEnvs();
});

describe('chat request', () => {
  it('maps messages, sampling options, format, tools and provider options onto the wire body', async () => {
    server.reply({ status: 200, json: chatAnswer({ content: 'ok' }) });
    await client.chat({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in' },
            { type: 'text', text: 'these pictures?' },
            { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
            { type: 'image-url', url: 'data:image/jpeg;base64,/9j/4AAQ' },
          ],
        },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_7', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', content: '22 degrees', toolCallId: 'call_7' },
        { role: 'tool', content: 'sunny', name: 'get_sky' },
      ],
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      seed: 42,
      stop: ['\n\n'],
      maxTokens: 128,
      responseFormat: 'json',
      tools: [
        {
          name: 'get_weather',
          description: 'Weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      providerOptions: { keep_alive: '10m', think: true, options: { num_ctx: 8192, temperature: 1 } },
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/chat');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.json).toEqual({
      model: 'llama3.2',
      stream: false,
      keep_alive: '10m',
      think: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is in\nthese pictures?', images: ['iVBORw0KGgo=', '/9j/4AAQ'] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
        },
        { role: 'tool', content: '22 degrees', tool_name: 'get_weather' },
        { role: 'tool', content: 'sunny', tool_name: 'get_sky' },
      ],
      // The typed temperature wins over providerOptions.options; num_ctx passes through.
      options: {
        num_ctx: 8192,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        seed: 42,
        stop: ['\n\n'],
        num_predict: 128,
      },
      format: 'json',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather of a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
    });
  });

  it('sends a JSON Schema as format, leaves options out when none are set, and keeps stream false', async () => {
    const schema = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    server.reply({ status: 200, json: chatAnswer({ content: '{"age":3}' }) });
    await client.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'How old?' }],
      responseFormat: { type: 'json-schema', name: 'age', schema },
      providerOptions: { stream: true, model: 'other' },
    });
    expect(server.requests[0]?.json).toEqual({
      model: 'llama3.2',
      stream: false,
      messages: [{ role: 'user', content: 'How old?' }],
      format: schema,
    });
  });

  it("sends no tools for toolChoice 'none'", async () => {
    server.reply({ status: 200, json: chatAnswer({ content: 'no tools' }) });
    await client.chat({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ name: 't', parameters: { type: 'object' } }],
      toolChoice: 'none',
    });
    expect(server.requests[0]?.json).not.toHaveProperty('tools');
  });

  it('authenticates with Authorization: Bearer when a key is configured (Ollama cloud)', async () => {
    const cloud = createOllama({ baseURL: server.origin, apiKey: 'ollama-cloud-key-123' });
    server.reply({ status: 200, json: chatAnswer({ content: 'hi' }) });
    await cloud.chat({ model: 'gpt-oss:120b', messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer ollama-cloud-key-123');
    await cloud.close();
  });

  it('sends the configured headers with every request', async () => {
    const withHeaders = createOllama({ baseURL: server.origin, headers: { 'x-team': 'search' } });
    server.reply({ status: 200, json: { version: '0.5.1' } });
    await withHeaders.version();
    expect(server.requests[0]?.headers['x-team']).toBe('search');
    await withHeaders.close();
  });
});

describe('chat response', () => {
  it('returns text, reasoning, usage, durations and the request id of the ledger', async () => {
    server.reply({
      status: 200,
      json: chatAnswer({ content: 'Hello there', thinking: 'The user greets me.' }),
    });
    const result = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hello' }] });
    expect(result).toMatchObject({
      text: 'Hello there',
      reasoning: 'The user greets me.',
      toolCalls: [],
      finishReason: 'stop',
      model: 'llama3.2',
      usage: { inputTokens: 26, outputTokens: 282, totalTokens: 308 },
    });
    expect(result.durations.totalMs).toBeCloseTo(4883.583458, 6);
    expect(result.durations.loadMs).toBeCloseTo(1.334875, 6);
    expect(result.durations.promptEvalMs).toBeCloseTo(342.546, 6);
    expect(result.durations.evalMs).toBeCloseTo(4535.599, 6);
    expect(result.requestId).toMatch(/^req_/);
    expect(result.providerRequestId).toBeUndefined();
    const record = client.findRequest(result.requestId);
    expect(record?.operation).toBe('chat');
    expect(record?.usage).toEqual({ inputTokens: 26, outputTokens: 282, totalTokens: 308 });
  });

  it('turns tool calls (arguments as objects) into ToolCalls with JSON text and stable ids', async () => {
    server.reply({
      status: 200,
      json: chatAnswer({
        content: '',
        tool_calls: [
          { function: { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } } },
          { function: { index: 1, name: 'get_time', arguments: {} } },
          { id: 'call_server', function: { name: 'noop' } },
        ],
      }),
    });
    const result = await client.chat({ model: 'qwen3', messages: [{ role: 'user', content: 'Weather?' }] });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toEqual([
      { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: 'call_1', name: 'get_time', arguments: '{}' },
      { id: 'call_server', name: 'noop', arguments: '{}' },
    ]);
    expect(JSON.parse(result.toolCalls[0]?.arguments ?? '')).toEqual({ city: 'Paris', unit: 'celsius' });
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['load', 'other'],
    ['unload', 'other'],
    [undefined, 'stop'],
  ])('maps done_reason %s to finishReason %s', async (doneReason, finishReason) => {
    server.reply({ status: 200, json: chatAnswer({ content: 'x' }, { done_reason: doneReason }) });
    const result = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(result.finishReason).toBe(finishReason);
  });

  it('rejects a body without a message as a malformed response', async () => {
    server.reply({ status: 200, json: { model: 'm', done: true } });
    const client0 = createOllama({ baseURL: server.origin, retry: { maxRetries: 0 } });
    await expect(
      client0.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({
      name: 'ResponseFormatError',
    });
    await client0.close();
  });
});
