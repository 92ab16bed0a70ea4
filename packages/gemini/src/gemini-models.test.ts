import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGemini, type GeminiClient } from './gemini-client.js';

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

describe('listModels', () => {
  const wire = (id: string, methods: string[]) => ({
    name: `models/${id}`,
    displayName: id.toUpperCase(),
    inputTokenLimit: 1000,
    outputTokenLimit: 100,
    supportedGenerationMethods: methods,
  });

  it('follows nextPageToken with pageSize, ids without the models/ prefix', async () => {
    server.reply(
      { json: { models: [wire('gemini-2.0-flash', ['generateContent'])], nextPageToken: 'p2' } },
      { json: { models: [wire('text-embedding-004', ['embedContent'])] } },
    );
    const models = await client.listModels({ pageSize: 1, requestId: 'req_models_1' });
    expect(models.map((m) => m.id)).toEqual(['gemini-2.0-flash', 'text-embedding-004']);
    expect(models[1]).toMatchObject({
      name: 'models/text-embedding-004',
      displayName: 'TEXT-EMBEDDING-004',
      inputTokenLimit: 1000,
      supportedGenerationMethods: ['embedContent'],
    });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1beta/models?pageSize=1',
      '/v1beta/models?pageSize=1&pageToken=p2',
    ]);
    expect(client.findRequest('req_models_1')?.operation).toBe('list-models');
    expect(client.recentRequests()).toHaveLength(2);
  });

  it('an empty page (no models key) is an empty list; a repeated page token is refused', async () => {
    server.reply({ json: {} });
    expect(await client.listModels()).toEqual([]);
    server.reply(
      { json: { models: [], nextPageToken: 'same' } },
      { json: { models: [], nextPageToken: 'same' } },
    );
    await expect(client.listModels()).rejects.toMatchObject({ name: 'ResponseFormatError' });
    await expect(client.listModels({ pageSize: 0 })).rejects.toMatchObject({ name: 'InvalidRequestError' });
  });
});
