import { ResponseFormatError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { jsonFixture } from './__fixtures__/fixtures.js';
import {
  buildOpenAIEmbeddingsBody,
  decodeBase64Embedding,
  parseOpenAIEmbeddingsResponse,
} from './openai-embeddings.js';

describe('buildOpenAIEmbeddingsBody', () => {
  it('maps the request, with the encoding and providerOptions last', () => {
    expect(buildOpenAIEmbeddingsBody({ model: 'e', input: ['a', 'b'], dimensions: 256 })).toEqual({
      model: 'e',
      input: ['a', 'b'],
      encoding_format: 'float',
      dimensions: 256,
    });
    expect(
      buildOpenAIEmbeddingsBody(
        { model: 'e', input: 'a', providerOptions: { user: 'u' } },
        { encodingFormat: 'base64', extraBody: { user: 'x', truncate: true } },
      ),
    ).toEqual({ model: 'e', input: 'a', encoding_format: 'base64', user: 'u', truncate: true });
  });
});

describe('parseOpenAIEmbeddingsResponse', () => {
  it('orders float vectors by index', () => {
    expect(parseOpenAIEmbeddingsResponse(jsonFixture('embeddings-float.json'), { expected: 2 })).toEqual({
      embeddings: [
        [0.5, -0.25, 1.5],
        [0.125, 2, -1],
      ],
      usage: { inputTokens: 8, totalTokens: 8 },
      model: 'text-embedding-3-small',
    });
  });

  it('decodes base64 little-endian float32 vectors', () => {
    expect(parseOpenAIEmbeddingsResponse(jsonFixture('embeddings-base64.json')).embeddings).toEqual([
      [0.5, -0.25, 1.5],
      [0.125, 2, -1],
    ]);
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(Math.fround(0.1), 0);
    bytes.writeFloatLE(-3, 4);
    expect(decodeBase64Embedding(bytes.toString('base64'))).toEqual([Math.fround(0.1), -3]);
  });

  it.each([
    ['not an object', [], /not a JSON object/],
    ['no data', { object: 'list' }, /data is not an array/],
    ['a bad vector', { data: [{ index: 0, embedding: { x: 1 } }] }, /neither numbers nor base64/],
    ['base64 not float32 sized', { data: [{ index: 0, embedding: 'AAAA/w8=' }] }, /not float32 data/],
    [
      'duplicate indexes',
      {
        data: [
          { index: 0, embedding: [1] },
          { index: 0, embedding: [2] },
        ],
      },
      /indexes/,
    ],
    ['a bad index', { data: [{ index: -1, embedding: [1] }] }, /index/],
  ])('throws ResponseFormatError for %s', (_, body, reason) => {
    expect(() => parseOpenAIEmbeddingsResponse(body)).toThrow(ResponseFormatError);
    expect(() => parseOpenAIEmbeddingsResponse(body)).toThrow(reason);
  });

  it('checks the number of vectors against the number of inputs', () => {
    expect(() =>
      parseOpenAIEmbeddingsResponse(jsonFixture('embeddings-float.json'), { expected: 3 }),
    ).toThrow(/2 vectors for 3 inputs/);
  });
});
