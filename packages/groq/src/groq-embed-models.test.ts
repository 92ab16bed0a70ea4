/** Embeddings and the model list of the Groq client, through the shared OpenAI-compatible mapping. */
import { InvalidRequestError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { useClientHarness } from './test/client-harness.js';

const h = useClientHarness();

describe('embed and listModels', () => {
  it('embeds through /openai/v1/embeddings as floats, in input order', async () => {
    h.server.reply({
      json: {
        object: 'list',
        data: [
          { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
          { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        ],
        model: 'nomic-embed-text-v1_5',
        usage: { prompt_tokens: 4, total_tokens: 4 },
      },
    });
    const result = await h.client.embed({ model: 'nomic-embed-text-v1_5', input: ['a', 'b'] });
    expect(h.server.requests[0]).toMatchObject({ method: 'POST', url: '/openai/v1/embeddings' });
    expect(h.server.requests[0]?.json).toEqual({
      model: 'nomic-embed-text-v1_5',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    expect(result.embeddings).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    expect(result.usage).toEqual({ inputTokens: 4, totalTokens: 4 });
    await expect(h.client.embed({ model: 'm', input: [] })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(h.server.requests).toHaveLength(1);
  });

  it('lists the models of GET /openai/v1/models', async () => {
    h.server.reply({
      json: {
        object: 'list',
        data: [
          {
            id: 'llama-3.1-8b-instant',
            object: 'model',
            created: 1693721698,
            owned_by: 'Meta',
            active: true,
            context_window: 131072,
            public_apps: null,
            max_completion_tokens: 131072,
          },
        ],
      },
    });
    const models = await h.client.listModels();
    expect(h.server.requests[0]).toMatchObject({ method: 'GET', url: '/openai/v1/models' });
    expect(models).toEqual([
      { id: 'llama-3.1-8b-instant', ownedBy: 'Meta', createdAt: new Date(1693721698 * 1000) },
    ]);
  });
});
