import { ResponseFormatError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { jsonFixture } from './__fixtures__/fixtures.js';
import { parseOpenAIModelsResponse } from './openai-models.js';

describe('parseOpenAIModelsResponse', () => {
  it('maps the list with owners and creation dates', () => {
    const models = parseOpenAIModelsResponse(jsonFixture('models.json'));
    expect(models).toHaveLength(3);
    expect(models[0]).toEqual({
      id: 'gpt-4o-mini',
      ownedBy: 'system',
      createdAt: new Date(1721172741 * 1000),
    });
    expect(models[2]?.ownedBy).toBe('user-abc');
  });

  it('accepts the single-model answer of TGI and an empty list', () => {
    expect(parseOpenAIModelsResponse({ id: 'tgi', object: 'model', owned_by: 'hf' })).toEqual([
      { id: 'tgi', ownedBy: 'hf' },
    ]);
    expect(parseOpenAIModelsResponse({ object: 'list', data: [] })).toEqual([]);
  });

  it('throws ResponseFormatError for a bad list', () => {
    expect(() => parseOpenAIModelsResponse({ object: 'list' })).toThrow(ResponseFormatError);
    expect(() => parseOpenAIModelsResponse({ data: [{ object: 'model' }] })).toThrow(/data\[0\] has no id/);
    expect(() => parseOpenAIModelsResponse('x', 'tgi')).toThrow(/^tgi: malformed model list/);
  });
});
