import { inspect } from 'node:util';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGemini, GEMINI_DEFAULT_BASE_URL } from './gemini-client.js';

const KEY = 'AIzaSy-gemini-secret-7f3a9c2e11d04b5a';
const model = 'gemini-2.0-flash';
const messages = [{ role: 'user' as const, content: 'hello' }];

const answer = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'Hi there' }] }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
  modelVersion: 'gemini-2.0-flash',
  responseId: 'resp-abc',
};

let server: ScriptedServer;

beforeEach(async () => {
  vi.stubEnv('GEMINI_API_KEY', '');
  vi.stubEnv('GOOGLE_API_KEY', '');
  vi.stubEnv('GEMINI_BASE_URL', '');
  server = await startScriptedServer({ basePath: '/v1beta' });
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

describe('the key', () => {
  it('goes in the x-goog-api-key header, never in a URL', async () => {
    const client = createGemini({ baseURL: server.baseURL, apiKey: KEY });
    server.reply({ json: answer }, { json: { models: [] } });
    await client.chat({ model, messages });
    await client.listModels();
    expect(server.requests.map((r) => r.headers['x-goog-api-key'])).toEqual([KEY, KEY]);
    expect(server.requests.every((r) => !r.url.includes(KEY) && !r.url.includes('key='))).toBe(true);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    await client.close();
  });

  it('is required: none at all is an AuthenticationError at creation, naming the variables', () => {
    expect(() => createGemini({ baseURL: server.baseURL })).toThrowError(
      expect.objectContaining({
        name: 'AuthenticationError',
        message: expect.stringContaining('GEMINI_API_KEY / GOOGLE_API_KEY'),
      }),
    );
  });

  it('comes from GEMINI_API_KEY, else GOOGLE_API_KEY; an explicit apiKey wins', async () => {
    vi.stubEnv('GOOGLE_API_KEY', 'google-key');
    const fromGoogle = createGemini({ baseURL: server.baseURL });
    vi.stubEnv('GEMINI_API_KEY', 'gemini-key');
    const fromGemini = createGemini({ baseURL: server.baseURL });
    const explicit = createGemini({ baseURL: server.baseURL, apiKey: 'explicit-key' });
    server.reply({ json: answer }, { json: answer }, { json: answer });
    for (const client of [fromGoogle, fromGemini, explicit]) await client.chat({ model, messages });
    expect(server.requests.map((r) => r.headers['x-goog-api-key'])).toEqual([
      'google-key',
      'gemini-key',
      'explicit-key',
    ]);
    await Promise.all([fromGoogle.close(), fromGemini.close(), explicit.close()]);
  });

  it('never shows in util.inspect, JSON, the ledger or an error that echoes it', async () => {
    const client = createGemini({ baseURL: server.baseURL, apiKey: KEY, retry: { maxRetries: 0 } });
    server.reply(
      { json: answer },
      {
        status: 400,
        json: {
          error: {
            code: 400,
            message: `API key not valid: ${KEY}`,
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
          },
        },
      },
    );
    await client.chat({ model, messages });
    const error = await client.chat({ model, messages }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AuthenticationError',
      status: 400,
      providerCode: 'API_KEY_INVALID',
    });
    for (const text of [
      inspect(client, { depth: 10 }),
      JSON.stringify(client),
      JSON.stringify(client.recentRequests()),
      JSON.stringify(client.endpoints()),
      (error as Error).message,
      inspect(error),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain(KEY);
    }
    expect(inspect(client)).toContain('GeminiClient');
    expect(client.endpoints()[0]?.hasApiKey).toBe(true);
    await client.close();
  });

  it('may not be smuggled in through headers', () => {
    expect(() => createGemini({ apiKey: KEY, headers: { 'X-Goog-Api-Key': 'other' } })).toThrowError(
      expect.objectContaining({ name: 'InvalidRequestError' }),
    );
  });
});

describe('the base URL', () => {
  it('defaults to the v1beta API, and GEMINI_BASE_URL overrides it', async () => {
    const byDefault = createGemini({ apiKey: KEY });
    expect(byDefault.endpoints()[0]?.baseURL).toBe(GEMINI_DEFAULT_BASE_URL);
    vi.stubEnv('GEMINI_BASE_URL', server.baseURL);
    const fromEnv = createGemini({ apiKey: KEY });
    server.reply({ json: answer });
    await fromEnv.chat({ model, messages });
    expect(server.requests[0]?.url).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    await Promise.all([byDefault.close(), fromEnv.close()]);
  });

  it('addresses `models/…` names and encodes the id; bad names fail before any request', async () => {
    const client = createGemini({ baseURL: server.baseURL, apiKey: KEY });
    server.reply({ json: answer }, { json: answer });
    await client.chat({ model: 'models/gemini-2.0-flash', messages });
    await client.chat({ model: 'tunedModels/my model', messages });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1beta/models/gemini-2.0-flash:generateContent',
      '/v1beta/tunedModels/my%20model:generateContent',
    ]);
    for (const bad of ['', 'models/', 'a/b', 'x:generateContent']) {
      await expect(client.chat({ model: bad, messages })).rejects.toMatchObject({
        name: 'InvalidRequestError',
      });
    }
    expect(server.requests).toHaveLength(2);
    await client.close();
  });
});

describe('the client surface', () => {
  it('is the gemini provider with the control surface and operation names in the ledger', async () => {
    const client = createGemini({ baseURL: server.baseURL, apiKey: KEY });
    expect(client.provider).toBe('gemini');
    server.reply(
      { json: answer },
      { json: { totalTokens: 7 } },
      { json: { name: 'models/gemini-2.0-flash', supportedGenerationMethods: ['generateContent'] } },
    );
    await client.chat({ model, messages });
    expect(await client.countTokens({ model, messages })).toMatchObject({ totalTokens: 7 });
    expect(await client.getModel(model)).toMatchObject({ id: model, ownedBy: 'google' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1beta/models/gemini-2.0-flash:generateContent',
      'POST /v1beta/models/gemini-2.0-flash:countTokens',
      'GET /v1beta/models/gemini-2.0-flash',
    ]);
    expect(client.recentRequests().map((r) => r.operation)).toEqual(['get-model', 'count-tokens', 'chat']);
    expect(client.stats().endpoints).toHaveProperty(client.endpoints()[0]?.id ?? 'missing');
    await client.close();
    await expect(client.chat({ model, messages })).rejects.toMatchObject({ name: 'InvalidRequestError' });
  });

  it('records responseId as the provider request id, on the result and in the ledger', async () => {
    const client = createGemini({ baseURL: server.baseURL, apiKey: KEY });
    server.reply({ json: answer });
    const result = await client.chat({ model, messages }, { requestId: 'req_gemini_1' });
    expect(result).toMatchObject({ requestId: 'req_gemini_1', providerRequestId: 'resp-abc' });
    expect(client.findRequest('req_gemini_1')).toMatchObject({
      providerRequestId: 'resp-abc',
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
    });
    await client.close();
  });

  it('counts tokens as {contents}, or as {generateContentRequest} when there is more than contents', async () => {
    const client = createGemini({ baseURL: server.baseURL, apiKey: KEY });
    server.reply({ json: { totalTokens: 3 } }, { json: {} });
    await client.countTokens({ model, messages });
    const withSystem = await client.countTokens({
      model,
      messages: [{ role: 'system', content: 'be brief' }, ...messages],
    });
    expect(withSystem.totalTokens).toBe(0);
    expect(server.requests[0]?.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] });
    expect(server.requests[1]?.json).toEqual({
      generateContentRequest: {
        model: 'models/gemini-2.0-flash',
        contents: [{ role: 'user', parts: [{ text: 'hello' }] }],
        systemInstruction: { parts: [{ text: 'be brief' }] },
      },
    });
    await client.close();
  });

  it('honours the caller abort signal', async () => {
    const client = createGemini({ baseURL: server.baseURL, apiKey: KEY });
    const controller = new AbortController();
    controller.abort();
    await expect(client.chat({ model, messages }, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(server.requests).toHaveLength(0);
    await client.close();
  });
});
