import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOllama, type OllamaClient } from './ollama-client.js';

let server: ScriptedServer;
let client: OllamaClient;

beforeEach(async () => {
  vi.stubEnv('OLLAMA_API_KEY', '');
  server = await startScriptedServer();
  client = createOllama({ baseURL: server.origin, retry: { maxRetries: 0 } });
});

afterEach(async () => {
  await client.close();
  await server.close();
  vi.unstubAllEnvs();
});

describe('embed', () => {
  it('posts the inputs with dimensions and provider options and returns vectors in order with usage', async () => {
    server.reply({
      status: 200,
      json: {
        model: 'all-minilm',
        embeddings: [
          [0.010071029, -0.0017594862, 0.05007221],
          [-0.0098027075, 0.06042469, 0.025257962],
        ],
        total_duration: 14_143_917,
        load_duration: 1_019_500,
        prompt_eval_count: 8,
      },
    });
    const result = await client.embed({
      model: 'all-minilm',
      input: ['Why is the sky blue?', 'Why is the grass green?'],
      dimensions: 3,
      providerOptions: { truncate: false, keep_alive: '1m' },
    });
    expect(server.requests[0]?.url).toBe('/api/embed');
    expect(server.requests[0]?.json).toEqual({
      model: 'all-minilm',
      input: ['Why is the sky blue?', 'Why is the grass green?'],
      dimensions: 3,
      truncate: false,
      keep_alive: '1m',
    });
    expect(result.embeddings).toEqual([
      [0.010071029, -0.0017594862, 0.05007221],
      [-0.0098027075, 0.06042469, 0.025257962],
    ]);
    expect(result.usage).toEqual({ inputTokens: 8, outputTokens: 0, totalTokens: 8 });
    expect(result.model).toBe('all-minilm');
    expect(client.findRequest(result.requestId)?.operation).toBe('embed');
  });

  it('accepts a single string input', async () => {
    server.reply({
      status: 200,
      json: { model: 'all-minilm', embeddings: [[0.1, 0.2]], prompt_eval_count: 5 },
    });
    const result = await client.embed({ model: 'all-minilm', input: 'hello' });
    expect(server.requests[0]?.json).toEqual({ model: 'all-minilm', input: 'hello' });
    expect(result.embeddings).toEqual([[0.1, 0.2]]);
  });

  it('rejects an answer with fewer vectors than inputs', async () => {
    server.reply({ status: 200, json: { model: 'all-minilm', embeddings: [[0.1]] } });
    await expect(client.embed({ model: 'all-minilm', input: ['a', 'b'] })).rejects.toMatchObject({
      name: 'ResponseFormatError',
      message: 'ollama: 1 embeddings for 2 inputs',
    });
  });

  it('rejects vectors that are not numbers', async () => {
    server.reply({ status: 200, json: { model: 'all-minilm', embeddings: [['x']] } });
    await expect(client.embed({ model: 'all-minilm', input: 'a' })).rejects.toMatchObject({
      name: 'ResponseFormatError',
    });
  });
});
