import type { EmbedRequest } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGemini, type GeminiClient } from './gemini-client.js';

const model = 'text-embedding-004';
let server: ScriptedServer;
let client: GeminiClient;

beforeEach(async () => {
  server = await startScriptedServer({ basePath: '/v1beta' });
  client = createGemini({ baseURL: server.baseURL, apiKey: 'k', retry: { maxRetries: 0 } });
});
afterEach(async () => {
  await client.close();
  await server.close();
});

describe('embed', () => {
  it('one string -> :embedContent with outputDimensionality and providerOptions', async () => {
    server.reply({ json: { embedding: { values: [0.1, 0.2] } } });
    const result = await client.embed({
      model,
      input: 'hello',
      dimensions: 2,
      providerOptions: { taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc' },
    });
    expect(result).toMatchObject({ embeddings: [[0.1, 0.2]], model });
    expect(result.requestId).toMatch(/^req_/);
    expect(server.requests[0]?.url).toBe('/v1beta/models/text-embedding-004:embedContent');
    expect(server.requests[0]?.json).toEqual({
      taskType: 'RETRIEVAL_DOCUMENT',
      title: 'Doc',
      content: { parts: [{ text: 'hello' }] },
      outputDimensionality: 2,
    });
  });

  it('a list -> :batchEmbedContents, each inner request naming models/<m>, vectors in order', async () => {
    server.reply({ json: { embeddings: [{ values: [1, 0] }, { values: [0, 1] }] } });
    const result = await client.embed({
      model: 'models/text-embedding-004',
      input: ['a', 'b'],
      providerOptions: { taskType: 'SEMANTIC_SIMILARITY' },
    });
    expect(result.embeddings).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(server.requests[0]?.url).toBe('/v1beta/models/text-embedding-004:batchEmbedContents');
    expect(server.requests[0]?.json).toEqual({
      requests: [
        {
          taskType: 'SEMANTIC_SIMILARITY',
          model: 'models/text-embedding-004',
          content: { parts: [{ text: 'a' }] },
        },
        {
          taskType: 'SEMANTIC_SIMILARITY',
          model: 'models/text-embedding-004',
          content: { parts: [{ text: 'b' }] },
        },
      ],
    });
  });

  it('a wrong number of vectors or non-numeric values is a ResponseFormatError', async () => {
    server.reply(
      { json: { embeddings: [{ values: [1] }] } },
      { json: { embedding: { values: ['x'] } } },
      { json: { embedding: {} } },
    );
    await expect(client.embed({ model, input: ['a', 'b'] })).rejects.toMatchObject({
      name: 'ResponseFormatError',
    });
    await expect(client.embed({ model, input: 'a' })).rejects.toMatchObject({ name: 'ResponseFormatError' });
    await expect(client.embed({ model, input: 'a' })).rejects.toMatchObject({ name: 'ResponseFormatError' });
  });

  it.each<[string, Partial<EmbedRequest>]>([
    ['an empty list', { input: [] }],
    ['a non-string input', { input: [1] as unknown as string[] }],
    ['zero dimensions', { dimensions: 0 }],
    ['an empty taskType', { providerOptions: { taskType: '' } }],
    ['no model', { model: '' }],
  ])('refuses %s before any request', async (_name, patch) => {
    await expect(client.embed({ model, input: 'x', ...patch })).rejects.toMatchObject({
      name: 'InvalidRequestError',
    });
    expect(server.requests).toHaveLength(0);
  });
});
