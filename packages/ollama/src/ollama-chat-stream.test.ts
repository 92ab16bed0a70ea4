import type { ChatStreamEvent } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOllama, type OllamaClient } from './ollama-client.js';

const CREATED = '2023-08-04T08:52:19.385406455-07:00';

function chunk(message: Record<string, unknown>) {
  return { model: 'qwen3', created_at: CREATED, message: { role: 'assistant', ...message }, done: false };
}

const DONE = {
  model: 'qwen3',
  created_at: CREATED,
  message: { role: 'assistant', content: '' },
  done: true,
  done_reason: 'stop',
  total_duration: 4_883_583_458,
  load_duration: 1_334_875,
  prompt_eval_count: 26,
  prompt_eval_duration: 342_546_000,
  eval_count: 282,
  eval_duration: 4_535_599_000,
};

const MESSAGES = [{ role: 'user' as const, content: 'Why is the sky blue?' }];

async function collect<E>(stream: AsyncIterable<E>): Promise<E[]> {
  const events: E[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Collects events until the stream fails; returns both. */
async function collectUntilError<E>(stream: AsyncIterable<E>): Promise<{ events: E[]; error: unknown }> {
  const events: E[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
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

describe('streamChat', () => {
  it('sends stream: true and maps thinking, content and the done object to events with one finish', async () => {
    server.reply({
      ndjson: [
        chunk({ content: '' }),
        chunk({ content: '', thinking: 'Rayleigh' }),
        chunk({ content: '', thinking: ' scattering.' }),
        chunk({ content: 'The sky' }),
        chunk({ content: ' is blue' }),
        DONE,
      ],
    });
    const stream = client.streamChat({
      model: 'qwen3',
      messages: MESSAGES,
      providerOptions: { think: true },
    });
    expect(stream.requestId).toMatch(/^req_/);
    const events = await collect(stream);
    expect(server.requests[0]?.url).toBe('/api/chat');
    expect(server.requests[0]?.json).toMatchObject({ model: 'qwen3', stream: true, think: true });
    expect(events).toEqual<ChatStreamEvent[]>([
      { type: 'reasoning-delta', text: 'Rayleigh' },
      { type: 'reasoning-delta', text: ' scattering.' },
      { type: 'text-delta', text: 'The sky' },
      { type: 'text-delta', text: ' is blue' },
      {
        type: 'finish',
        finishReason: 'stop',
        usage: { inputTokens: 26, outputTokens: 282, totalTokens: 308 },
      },
    ]);
    const record = client.findRequest(stream.requestId);
    expect(record?.operation).toBe('stream-chat');
    expect(record?.outcome).toBe('success');
    expect(record?.usage).toEqual({ inputTokens: 26, outputTokens: 282, totalTokens: 308 });
  });

  it('emits each tool call as one whole tool-call-delta with a stable index and id, and finishes with tool-calls', async () => {
    server.reply({
      ndjson: [
        chunk({
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
        }),
        chunk({ content: '', tool_calls: [{ function: { name: 'get_time', arguments: { tz: 'CET' } } }] }),
        { ...DONE, done_reason: 'stop' },
      ],
    });
    const events = await collect(client.streamChat({ model: 'qwen3', messages: MESSAGES }));
    expect(events).toEqual<ChatStreamEvent[]>([
      {
        type: 'tool-call-delta',
        index: 0,
        id: 'call_0',
        name: 'get_weather',
        argumentsDelta: '{"city":"Paris"}',
      },
      { type: 'tool-call-delta', index: 1, id: 'call_1', name: 'get_time', argumentsDelta: '{"tz":"CET"}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 26, outputTokens: 282, totalTokens: 308 },
      },
    ]);
  });

  it('maps done_reason length to a length finish', async () => {
    server.reply({ ndjson: [chunk({ content: 'cut' }), { ...DONE, done_reason: 'length' }] });
    const events = await collect(client.streamChat({ model: 'qwen3', messages: MESSAGES }));
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'length' });
    expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  it('retries an in-band error that arrives before any content: two requests, one clean stream', async () => {
    server.reply(
      { ndjson: [chunk({ content: '' }), { error: 'an error was encountered while running the model' }] },
      { ndjson: [chunk({ content: 'Blue' }), DONE] },
    );
    const stream = client.streamChat({ model: 'qwen3', messages: MESSAGES });
    const events = await collect(stream);
    expect(server.requests).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'finish']);
    const record = client.findRequest(stream.requestId);
    expect(record?.attempts).toHaveLength(2);
    expect(record?.attempts[0]?.errorCode).toBe('server_error');
  });

  it('turns an in-band error after content into a StreamError and does not replay the request', async () => {
    server.reply({
      ndjson: [chunk({ content: 'The sky' }), { error: 'an error was encountered while running the model' }],
    });
    const { events, error } = await collectUntilError(
      client.streamChat({ model: 'qwen3', messages: MESSAGES }),
    );
    expect(events).toEqual([{ type: 'text-delta', text: 'The sky' }]);
    expect(error).toMatchObject({ name: 'StreamError', code: 'stream_error', provider: 'ollama' });
    expect((error as Error).message).toContain('an error was encountered while running the model');
    expect(server.requests).toHaveLength(1);
  });

  it('treats a body that ends without the done object as truncated', async () => {
    server.reply({ ndjson: [chunk({ content: 'The sky' }), chunk({ content: ' is' })] });
    const { events, error } = await collectUntilError(
      client.streamChat({ model: 'qwen3', messages: MESSAGES }),
    );
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'text-delta']);
    expect(error).toMatchObject({ name: 'StreamError' });
    expect((error as Error).message).toMatch(/truncated/);
    expect(server.requests).toHaveLength(1);
  });

  it('maps an in-band "server busy" line to an overloaded error that is retried', async () => {
    server.reply(
      { ndjson: [{ error: 'server busy, please try again.  maximum pending requests exceeded' }] },
      { ndjson: [chunk({ content: 'ok' }), DONE] },
    );
    const stream = client.streamChat({ model: 'qwen3', messages: MESSAGES });
    await collect(stream);
    expect(client.findRequest(stream.requestId)?.attempts[0]?.errorCode).toBe('overloaded');
  });

  it('fails with the last in-band error when every attempt fails before content', async () => {
    const once = createOllama({ baseURL: server.origin, retry: { maxRetries: 1, initialDelayMs: 0 } });
    server.reply({ ndjson: [{ error: 'boom' }] }, { ndjson: [{ error: 'boom again' }] });
    const { events, error } = await collectUntilError(
      once.streamChat({ model: 'qwen3', messages: MESSAGES }),
    );
    expect(events).toEqual([]);
    expect(error).toMatchObject({ name: 'ServerError', message: 'boom again', attempts: 2 });
    await once.close();
  });
});
