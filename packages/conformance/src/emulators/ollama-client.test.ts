import { inspect } from 'node:util';
import {
  AuthenticationError,
  type ChatStreamEvent,
  NotFoundError,
  OverloadedError,
  StreamError,
} from '@ipfs-accelerate/core';
import { createOllama, type OllamaClient, type PullProgress } from '@ipfs-accelerate/ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OllamaEmulator, startOllamaEmulator } from './ollama.js';

// This repository's Ollama client against the emulator: the pair must agree on the wire.
let emulator: OllamaEmulator;
let client: OllamaClient;
beforeEach(async () => {
  emulator = await startOllamaEmulator();
  client = createOllama({
    baseURL: emulator.baseURL,
    retry: { maxRetries: 1, initialDelayMs: 0, jitter: 'none' },
  });
});
afterEach(async () => {
  await client.close();
  await emulator.close();
});

const model = 'llama3.2';
const messages = [{ role: 'user' as const, content: 'hello from the core' }];
const collect = async <E>(stream: AsyncIterable<E>): Promise<E[]> => {
  const events: E[] = [];
  for await (const event of stream) events.push(event);
  return events;
};
const textOf = (events: readonly ChatStreamEvent[]) =>
  events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

describe('@ipfs-accelerate/ollama against the emulator', () => {
  it('chat: text, usage from the counts, durations in milliseconds', async () => {
    const result = await client.chat({ model, messages, maxTokens: 50 });
    expect(result).toMatchObject({
      text: 'Echo: hello from the core',
      finishReason: 'stop',
      usage: { inputTokens: 4, outputTokens: 5, totalTokens: 9 },
      durations: { loadMs: 1, evalMs: 50 },
    });
    expect(emulator.requests.at(-1)?.json).toMatchObject({ stream: false, options: { num_predict: 50 } });
  });

  it('chat: maxTokens cuts the answer (length), a tool call comes back with JSON arguments', async () => {
    expect(await client.chat({ model, messages, maxTokens: 2 })).toMatchObject({
      text: 'Echo: hello',
      finishReason: 'length',
    });
    const tools = [{ name: 'lookup', parameters: { type: 'object', properties: {} } }];
    const called = await client.chat({ model, messages: [{ role: 'user', content: 'use the tool' }], tools });
    expect(called.toolCalls).toEqual([{ id: 'call_0', name: 'lookup', arguments: '{}' }]);
    expect(called.finishReason).toBe('tool-calls');
  });

  it('streamChat: text deltas concatenate to the text, then one finish with usage', async () => {
    const events = await collect(client.streamChat({ model, messages }));
    expect(textOf(events)).toBe('Echo: hello from the core');
    const finishes = events.filter((event) => event.type === 'finish');
    expect(finishes).toEqual([
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 4, outputTokens: 5, totalTokens: 9 } },
    ]);
  });

  it('embed, listModels, pull', async () => {
    const embedded = await client.embed({ model: 'all-minilm', input: ['a b', 'c'], dimensions: 16 });
    expect(embedded.embeddings.map((vector) => vector.length)).toEqual([16, 16]);
    expect(embedded.usage).toEqual({ inputTokens: 3, outputTokens: 0, totalTokens: 3 });
    const before = (await client.listModels()).map((info) => info.id);
    expect(before).toEqual(['llama3.2:latest', 'all-minilm:latest']);
    const progress: PullProgress[] = await collect(client.pull({ model: 'gemma3:1b' }));
    expect(progress.at(-1)).toEqual({ status: 'success' });
    expect(progress.some((p) => p.total !== undefined && p.completed === p.total)).toBe(true);
    expect((await client.listModels()).map((info) => info.id)).toContain('gemma3:1b');
  });

  it('an unknown model is a NotFoundError (model_not_found), not retried', async () => {
    const error = await client.chat({ model: 'nope', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, providerCode: 'model_not_found' });
    expect(emulator.requests).toHaveLength(1);
  });

  it('a busy server (503) is retried; twice is an OverloadedError (server_busy)', async () => {
    emulator.script('POST /api/chat', [{ kind: 'error', status: 503 }]);
    expect((await client.chat({ model, messages })).text).toBe('Echo: hello from the core');
    expect(emulator.requests).toHaveLength(2);
    emulator.script('POST /api/chat', [
      { kind: 'error', status: 503 },
      { kind: 'error', status: 503 },
    ]);
    const error = await client.chat({ model, messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ providerCode: 'server_busy' });
  });

  it('an in-band error before content is retried; after content, or a truncated stream, is a StreamError', async () => {
    emulator.script('POST /api/chat', [{ kind: 'stream-error', afterEvents: 0 }]);
    expect(textOf(await collect(client.streamChat({ model, messages })))).toBe('Echo: hello from the core');
    emulator.script('POST /api/chat', [{ kind: 'stream-error', afterEvents: 2 }]);
    await expect(collect(client.streamChat({ model, messages }))).rejects.toBeInstanceOf(StreamError);
    emulator.script('POST /api/chat', [{ kind: 'truncate', afterEvents: 2 }]);
    await expect(collect(client.streamChat({ model, messages }))).rejects.toBeInstanceOf(StreamError);
    emulator.script('POST /api/pull', [{ kind: 'truncate', afterEvents: 3 }]);
    await expect(collect(client.pull({ model: 'gemma3:1b' }))).rejects.toBeInstanceOf(StreamError);
  });
});

describe('Ollama cloud auth', () => {
  it('the right key passes; a wrong one is an AuthenticationError that never shows the key', async () => {
    const cloud = await startOllamaEmulator({ apiKeys: ['ollama-cloud-key-0001'] });
    const good = createOllama({ baseURL: cloud.baseURL, apiKey: 'ollama-cloud-key-0001' });
    const bad = createOllama({
      baseURL: cloud.baseURL,
      apiKey: 'ollama-wrong-key-9999',
      retry: { maxRetries: 0 },
    });
    try {
      expect((await good.chat({ model, messages })).text).toBe('Echo: hello from the core');
      expect(cloud.requests.at(-1)?.headers.authorization).toBe('Bearer ollama-cloud-key-0001');
      const error = await bad.chat({ model, messages }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toBe('unauthorized');
      for (const shown of [inspect(error, { depth: 5 }), inspect(bad, { depth: 5 }), JSON.stringify(bad)]) {
        expect(shown).not.toContain('ollama-wrong-key-9999');
      }
    } finally {
      await Promise.all([good.close(), bad.close()]);
      await cloud.close();
    }
  });
});
