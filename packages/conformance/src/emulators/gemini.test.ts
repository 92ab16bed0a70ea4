import { describe, expect, it } from 'vitest';
import { errorOf, KEY, model, useGeminiEmulator, user } from './gemini-test-harness.js';

const harness = useGeminiEmulator();
const { call } = harness;

describe('auth', () => {
  it('accepts the key as x-goog-api-key or ?key=', async () => {
    expect((await call(`/models/${model}:generateContent`, user('hi'))).status).toBe(200);
    expect((await call(`/models/${model}:generateContent?key=${KEY}`, user('hi'), {})).status).toBe(200);
  });

  it('no key: 403 PERMISSION_DENIED; a wrong key: 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID', async () => {
    const none = await call(`/models/${model}:generateContent`, user('hi'), {});
    expect(none.status).toBe(403);
    expect(errorOf(none.json).status).toBe('PERMISSION_DENIED');
    const wrong = await call(`/models/${model}:generateContent`, user('hi'), {
      'x-goog-api-key': 'nope-key',
    });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong.json)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'API key not valid. Please pass a valid API key.',
      details: expect.arrayContaining([
        expect.objectContaining({ reason: 'API_KEY_INVALID', domain: 'googleapis.com' }),
      ]),
    });
    expect(wrong.text).not.toContain('nope-key');
  });
});

describe('generateContent', () => {
  it('answers Echo with usage, modelVersion and a fresh responseId, pretty-printed', async () => {
    const first = await call(`/models/${model}:generateContent`, {
      systemInstruction: { parts: [{ text: 'be brief' }] },
      ...user('hello there'),
    });
    expect(first.type).toBe('application/json; charset=UTF-8');
    expect(first.text).toContain('\n  "candidates": [');
    expect(first.json).toMatchObject({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Echo: hello there' }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 3, totalTokenCount: 7 },
      modelVersion: model,
    });
    const second = await call(`/models/${model}:generateContent`, user('again'));
    expect((second.json as { responseId: string }).responseId).not.toBe(
      (first.json as { responseId: string }).responseId,
    );
  });

  it('maxOutputTokens cuts to that many words with MAX_TOKENS', async () => {
    const { json } = await call(`/models/${model}:generateContent`, {
      ...user('one two three'),
      generationConfig: { maxOutputTokens: 2 },
    });
    expect(json).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'Echo: one' }] }, finishReason: 'MAX_TOKENS' }],
    });
  });

  it('calls the first function when the text says tool, unless toolConfig says NONE', async () => {
    const tools = [{ functionDeclarations: [{ name: 'get_time' }, { name: 'get_weather' }] }];
    const called = await call(`/models/${model}:generateContent`, { ...user('use a tool'), tools });
    expect(called.json).toMatchObject({
      candidates: [
        { content: { parts: [{ functionCall: { name: 'get_time', args: {} } }] }, finishReason: 'STOP' },
      ],
    });
    const allowed = await call(`/models/${model}:generateContent`, {
      ...user('use a tool'),
      tools,
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    });
    expect(JSON.stringify(allowed.json)).toContain('"get_weather"');
    const none = await call(`/models/${model}:generateContent`, {
      ...user('use a tool'),
      tools,
      toolConfig: { functionCallingConfig: { mode: 'NONE' } },
    });
    expect(JSON.stringify(none.json)).toContain('Echo: use a tool');
  });

  it('answers a function result with text', async () => {
    const { json } = await call(`/models/${model}:generateContent`, {
      contents: [
        { role: 'user', parts: [{ text: 'use a tool' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_time', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_time', response: { time: '12:00' } } }] },
      ],
    });
    expect(json).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'Echo: {"time":"12:00"}' }] } }],
    });
  });

  it('"unsafe" stops with SAFETY and no content; "block prompt" blocks the prompt', async () => {
    const unsafe = (await call(`/models/${model}:generateContent`, user('unsafe words'))).json as {
      candidates: Array<Record<string, unknown>>;
    };
    expect(unsafe.candidates[0]).toMatchObject({ finishReason: 'SAFETY' });
    expect(unsafe.candidates[0]?.content).toBeUndefined();
    const blocked = (await call(`/models/${model}:generateContent`, user('block prompt'))).json;
    expect(blocked).toMatchObject({ promptFeedback: { blockReason: 'SAFETY' } });
    expect((blocked as Record<string, unknown>).candidates).toBeUndefined();
  });

  it.each([
    ['empty contents', { contents: [] }, 'contents is not specified'],
    ['no body', '', 'contents is not specified'],
    ['an unknown field', { ...user('x'), stream: true }, 'Unknown name "stream"'],
    [
      'an unknown generationConfig field',
      { ...user('x'), generationConfig: { max_tokens: 5 } },
      'Unknown name "max_tokens"',
    ],
    [
      'a bad role',
      { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
      'Please use a valid role: user, model.',
    ],
    ['empty parts', { contents: [{ role: 'user', parts: [] }] }, 'contents.parts must not be empty'],
    ['a part without data', { contents: [{ role: 'user', parts: [{}] }] }, "required oneof field 'data'"],
    ['temperature 3', { ...user('x'), generationConfig: { temperature: 3 } }, 'temperature value of 3'],
    [
      'a bad function name',
      { ...user('x'), tools: [{ functionDeclarations: [{ name: 'get weather' }] }] },
      'Invalid function name',
    ],
    [
      'an OBJECT schema without properties',
      {
        ...user('x'),
        tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: {} } }] }],
      },
      'should be non-empty for OBJECT type',
    ],
    ['unparseable JSON', '{"contents": [', 'Invalid JSON payload received'],
  ])('refuses %s with 400 INVALID_ARGUMENT', async (_name, body, message) => {
    const { status, json } = await call(`/models/${model}:generateContent`, body);
    expect(status).toBe(400);
    expect(errorOf(json)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(errorOf(json).message).toContain(message);
  });

  it('an unknown model or one without the method is 404 NOT_FOUND', async () => {
    const unknown = await call('/models/gemini-nope:generateContent', user('x'));
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.json).message).toBe(
      'models/gemini-nope is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
    );
    expect((await call('/models/text-embedding-004:generateContent', user('x'))).status).toBe(404);
    expect(
      (await call(`/models/${model}:embedContent`, { content: { parts: [{ text: 'x' }] } })).status,
    ).toBe(404);
    expect((await call(`/models/${model}:doMagic`, {})).status).toBe(404);
  });
});

describe('embeddings, countTokens, models', () => {
  it('embedContent and batchEmbedContents: deterministic unit vectors, outputDimensionality honoured', async () => {
    const one = await call('/models/text-embedding-004:embedContent', {
      content: { parts: [{ text: 'a' }] },
    });
    const values = (one.json as { embedding: { values: number[] } }).embedding.values;
    expect(values).toHaveLength(768);
    expect(Math.abs(values.reduce((s, v) => s + v * v, 0) - 1)).toBeLessThan(1e-6);
    const batch = await call('/models/text-embedding-004:batchEmbedContents', {
      requests: ['a', 'b'].map((text) => ({
        model: 'models/text-embedding-004',
        content: { parts: [{ text }] },
        outputDimensionality: 4,
      })),
    });
    const vectors = (batch.json as { embeddings: Array<{ values: number[] }> }).embeddings;
    expect(vectors.map((v) => v.values.length)).toEqual([4, 4]);
    expect(vectors[0]?.values).not.toEqual(vectors[1]?.values);
  });

  it('batchEmbedContents refuses an inner model that differs from the URL, or none', async () => {
    for (const inner of [{ model: 'models/other' }, {}]) {
      const { status } = await call('/models/text-embedding-004:batchEmbedContents', {
        requests: [{ ...inner, content: { parts: [{ text: 'a' }] } }],
      });
      expect(status).toBe(400);
    }
  });

  it('countTokens takes contents or generateContentRequest, not both', async () => {
    expect((await call(`/models/${model}:countTokens`, user('a b c'))).json).toMatchObject({
      totalTokens: 3,
    });
    const inner = await call(`/models/${model}:countTokens`, {
      generateContentRequest: {
        model: `models/${model}`,
        ...user('a b'),
        systemInstruction: { parts: [{ text: 'c' }] },
      },
    });
    expect(inner.json).toMatchObject({ totalTokens: 3 });
    const both = await call(`/models/${model}:countTokens`, {
      ...user('a'),
      generateContentRequest: user('a'),
    });
    expect(both.status).toBe(400);
  });

  it('models: pages by pageSize with an opaque token; get one; a foreign token is 400', async () => {
    const first = (await call('/models?pageSize=2')).json as {
      models: Array<{ name: string }>;
      nextPageToken: string;
    };
    expect(first.models.map((m) => m.name)).toEqual([`models/${model}`, 'models/text-embedding-004']);
    const second = (await call(`/models?pageSize=2&pageToken=${first.nextPageToken}`)).json as Record<
      string,
      unknown
    >;
    expect(second).toEqual({ models: [expect.objectContaining({ name: 'models/gemini-2.5-pro' })] });
    expect((await call('/models?pageToken=bogus')).status).toBe(400);
    expect((await call(`/models/${model}`)).json).toMatchObject({
      name: `models/${model}`,
      supportedGenerationMethods: expect.arrayContaining(['generateContent', 'countTokens']),
    });
    expect((await call('/models/nope')).status).toBe(404);
  });
});
