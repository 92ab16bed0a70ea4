import { ApiError, FinishReason, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiEmulator, startGeminiEmulator } from './gemini.js';
import { geminiErrorFault } from './gemini-errors.js';

// The official client is the judge: if it cannot use the emulator, the emulator is wrong.
const KEY = 'fidelity-key';
const model = 'gemini-2.0-flash';
const embedModel = 'text-embedding-004';
const GENERATE = `POST /v1beta/models/${model}:generateContent`;
const STREAM = `POST /v1beta/models/${model}:streamGenerateContent`;

let emulator: GeminiEmulator;
let ai: GoogleGenAI;
beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKeys: [KEY] });
  // js-genai joins `baseUrl` and `apiVersion` itself (3.x defaults to v1; our client and the scripts use v1beta);
  // it retries only when `httpOptions.retryOptions` is set, so leaving it out keeps its retries off.
  ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: emulator.origin, apiVersion: 'v1beta' } });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

async function drainStream(
  stream: AsyncIterable<{ text?: string }>,
): Promise<{ texts: string[]; error: unknown }> {
  const texts: string[] = [];
  try {
    for await (const chunk of stream) texts.push(chunk.text ?? '');
    return { texts, error: undefined };
  } catch (error) {
    return { texts, error };
  }
}

describe('official @google/genai client against the emulator', () => {
  it('generateContent: text, finish reason, usage, responseId; the key in x-goog-api-key', async () => {
    const response = await ai.models.generateContent({
      model,
      contents: 'hello official client',
      config: { temperature: 0, maxOutputTokens: 50, systemInstruction: 'be brief' },
    });
    expect(response.text).toBe('Echo: hello official client');
    expect(response.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 5,
      candidatesTokenCount: 4,
      totalTokenCount: 9,
    });
    expect(response.responseId).toMatch(/^gemini-emu-\d+$/);
    expect(response.modelVersion).toBe(model);
    const sent = emulator.requests.at(-1);
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(sent?.query.get('key')).toBeNull();
    expect(sent?.json).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'hello official client' }] }],
      systemInstruction: { parts: [{ text: 'be brief' }] },
      generationConfig: { temperature: 0, maxOutputTokens: 50 },
    });
  });

  it("the SDK's default API version (v1) is served too", async () => {
    const v1 = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: emulator.origin } });
    const response = await v1.models.generateContent({ model, contents: 'version one' });
    expect(response.text).toBe('Echo: version one');
    expect(emulator.requests.at(-1)?.path).toBe(`/v1/models/${model}:generateContent`);
    const missing = await v1.models
      .generateContent({ model: 'nope', contents: 'x' })
      .catch((e: unknown) => e);
    expect((missing as Error).message).toContain('not found for API version v1,');
  });

  it('generateContent with maxOutputTokens: MAX_TOKENS, and JSON mode', async () => {
    const cut = await ai.models.generateContent({
      model,
      contents: 'one two three',
      config: { maxOutputTokens: 2 },
    });
    expect(cut.text).toBe('Echo: one');
    expect(cut.candidates?.[0]?.finishReason).toBe(FinishReason.MAX_TOKENS);
    const json = await ai.models.generateContent({
      model,
      contents: 'data',
      config: { responseMimeType: 'application/json' },
    });
    expect(JSON.parse(json.text ?? '')).toEqual({ echo: 'data' });
  });

  it('generateContentStream: chunks concatenate to the text, the last carries finishReason and usage', async () => {
    const stream = await ai.models.generateContentStream({ model, contents: 'stream these words' });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.text).join('')).toBe('Echo: stream these words');
    expect(chunks.length).toBe(4);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ candidatesTokenCount: 4 });
    expect(new Set(chunks.map((c) => c.responseId)).size).toBe(1);
    expect(emulator.requests.at(-1)?.query.get('alt')).toBe('sse');
  });

  it('function calling: functionCalls with their arguments', async () => {
    const response = await ai.models.generateContent({
      model,
      contents: 'call the tool please',
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather of a city',
                parameters: { type: 'OBJECT' as never, properties: { city: { type: 'STRING' as never } } },
              },
            ],
          },
        ],
      },
    });
    expect(response.functionCalls).toEqual([{ name: 'get_weather', args: {} }]);
  });

  it('a SAFETY stop has no text; a blocked prompt has a block reason', async () => {
    const unsafe = await ai.models.generateContent({ model, contents: 'something unsafe' });
    expect(unsafe.candidates?.[0]?.finishReason).toBe(FinishReason.SAFETY);
    expect(unsafe.text).toBeUndefined();
    const blocked = await ai.models.generateContent({ model, contents: 'please block prompt' });
    expect(blocked.promptFeedback?.blockReason).toBe('SAFETY');
    expect(blocked.candidates).toBeUndefined();
  });

  it('embedContent, one and several (the SDK uses batchEmbedContents), with outputDimensionality', async () => {
    const one = await ai.models.embedContent({ model: embedModel, contents: 'first text' });
    expect(one.embeddings).toHaveLength(1);
    expect(one.embeddings?.[0]?.values).toHaveLength(768);
    const several = await ai.models.embedContent({
      model: embedModel,
      contents: ['first text', 'second text'],
      config: { outputDimensionality: 8, taskType: 'SEMANTIC_SIMILARITY' },
    });
    const [a, b] = several.embeddings ?? [];
    expect(a?.values).toHaveLength(8);
    expect(b?.values).toHaveLength(8);
    expect(a?.values).not.toEqual(b?.values);
    expect(emulator.requests.at(-1)?.path).toBe(`/v1beta/models/${embedModel}:batchEmbedContents`);
  });

  it('countTokens', async () => {
    const counted = await ai.models.countTokens({ model, contents: 'how many tokens is this' });
    expect(counted.totalTokens).toBe(5);
  });

  it('models.list pages through pageSize, and models.get', async () => {
    const pager = await ai.models.list({ config: { pageSize: 1 } });
    const names: string[] = [];
    for await (const m of pager) names.push(m.name ?? '');
    expect(names).toEqual([`models/${model}`, `models/${embedModel}`]);
    expect(emulator.requests.filter((r) => r.path === '/v1beta/models').length).toBe(2);
    const got = await ai.models.get({ model });
    expect(got).toMatchObject({ name: `models/${model}`, inputTokenLimit: 1_048_576 });
    expect(got.supportedActions).toContain('generateContent');
  });

  it('a scripted 429 with RetryInfo: ApiError with status 429 and the RetryInfo detail, no SDK retry', async () => {
    emulator.script(GENERATE, [geminiErrorFault(429, { retryDelay: '37s' })]);
    const before = emulator.requests.length;
    const error = await ai.models.generateContent({ model, contents: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    const body = JSON.parse((error as ApiError).message) as { error: { status: string; details: unknown[] } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '37s',
    });
    expect(emulator.requests.length - before).toBe(1);
  });

  it('an unknown model and a wrong key: ApiError 404 and 400 API_KEY_INVALID', async () => {
    const missing = await ai.models
      .generateContent({ model: 'gemini-nope', contents: 'hi' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
    expect((missing as Error).message).toContain('models/gemini-nope is not found for API version v1beta');
    const wrong = new GoogleGenAI({
      apiKey: 'wrong-key',
      httpOptions: { baseUrl: emulator.origin, apiVersion: 'v1beta' },
    });
    const denied = await wrong.models.generateContent({ model, contents: 'hi' }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 400 });
    expect((denied as Error).message).toContain('API_KEY_INVALID');
    expect((denied as Error).message).not.toContain('wrong-key');
  });

  it('an in-band stream error: ApiError before any chunk, a thrown error after chunks', async () => {
    emulator.script(STREAM, [
      { kind: 'stream-error', afterEvents: 0, code: 'UNAVAILABLE' },
      { kind: 'stream-error', afterEvents: 1 },
    ]);
    const first = await drainStream(
      await ai.models.generateContentStream({ model, contents: 'one two three' }),
    );
    expect(first.texts).toEqual([]);
    expect(first.error).toBeInstanceOf(ApiError);
    expect((first.error as ApiError).status).toBe(503);
    const second = await drainStream(
      await ai.models.generateContentStream({ model, contents: 'one two three' }),
    );
    expect(second.texts).toEqual(['Echo: ']);
    expect(second.error).toBeInstanceOf(Error);
  });

  it('a truncated stream ends without a finish reason (the SDK cannot tell; our client can)', async () => {
    emulator.script(STREAM, [{ kind: 'truncate', afterEvents: 2 }]);
    const { texts, error } = await drainStream(
      await ai.models.generateContentStream({ model, contents: 'one two three' }),
    );
    expect(error).toBeUndefined();
    expect(texts).toEqual(['Echo: ', 'one ']);
  });
});
