import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenAIEmulator, type OpenAIEmulatorOptions, startOpenAIEmulator } from './openai-compatible.js';
import { maskApiKey, openAIError } from './openai-compatible-errors.js';

const started: OpenAIEmulator[] = [];
async function start(options?: OpenAIEmulatorOptions): Promise<OpenAIEmulator> {
  const emulator = await startOpenAIEmulator(options);
  started.push(emulator);
  return emulator;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()));
});

type ErrorBody = { error: Record<string, unknown> };
const json = async <T = ErrorBody>(response: Response | Promise<Response>) =>
  (await (await response).json()) as T;
const chatBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
const chat = (emulator: OpenAIEmulator, authorization = 'Bearer test-key') =>
  fetch(`${emulator.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: chatBody,
  });

describe('OpenAI error shapes', () => {
  it.each([
    [429, undefined, undefined, 'requests', 'rate_limit_exceeded'],
    [429, undefined, 'Rate limit reached on tokens per min (TPM)', 'tokens', 'rate_limit_exceeded'],
    [429, 'insufficient_quota', undefined, 'insufficient_quota', 'insufficient_quota'],
    [400, 'context_length_exceeded', undefined, 'invalid_request_error', 'context_length_exceeded'],
    [401, undefined, undefined, 'invalid_request_error', 'invalid_api_key'],
    [404, undefined, undefined, 'invalid_request_error', null],
    [500, undefined, undefined, 'server_error', null],
    [503, undefined, undefined, 'server_error', 'overloaded'],
  ])('%i %s %s -> type %s, code %s', (status, code, message, type, expectedCode) => {
    const error = openAIError(status, code, message);
    expect(error).toMatchObject({ type, code: expectedCode });
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  it('the error fault answers in OpenAI shape with the fault headers', async () => {
    const emulator = await start();
    emulator.script('POST /v1/chat/completions', [
      { kind: 'error', status: 429, headers: { 'retry-after': '1', 'retry-after-ms': '250' } },
      { kind: 'error', status: 429, code: 'insufficient_quota' },
    ]);
    const limited = await chat(emulator);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('250');
    expect(limited.headers.get('x-request-id')).toBe('req_0');
    expect(await limited.json()).toEqual({
      error: {
        message: expect.stringContaining('Rate limit'),
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect((await json(chat(emulator))).error.type).toBe('insufficient_quota');
  });

  it('unknown routes are 404 Invalid URL', async () => {
    const emulator = await start();
    const response = await fetch(`${emulator.baseURL}/completions/nope`, {
      headers: { authorization: 'Bearer test-key' },
    });
    expect(response.status).toBe(404);
    expect((await json(response)).error).toMatchObject({
      message: 'Invalid URL (GET /v1/completions/nope)',
    });
  });
});

describe('auth', () => {
  it('401 without a key and with a wrong key; the key is never echoed', async () => {
    const emulator = await start({ apiKeys: ['sk-proj-right-0000'] });
    const missing = await chat(emulator, '');
    expect(missing.status).toBe(401);
    expect((await json(missing)).error.message).toMatch(/didn't provide an API key/);
    const secret = 'sk-proj-very-secret-wxyz';
    const wrong = await chat(emulator, `Bearer ${secret}`);
    const text = await wrong.text();
    expect(wrong.status).toBe(401);
    expect(JSON.parse(text).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(text).toContain('sk-...wxyz');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('very-secret');
    expect(maskApiKey('short')).toBe('***');
    expect((await chat(emulator, 'Bearer sk-proj-right-0000')).status).toBe(200);
    expect(inspect(emulator, { depth: 5 })).not.toContain('sk-proj-right-0000');
  });

  it('apiKeys [] turns auth off', async () => {
    const emulator = await start({ apiKeys: [] });
    expect((await chat(emulator, '')).status).toBe(200);
  });
});

describe('headers and options', () => {
  it('sends the OpenAI headers on every response', async () => {
    const emulator = await start({ extraHeaders: { 'openai-organization': 'org-emulator' } });
    for (const response of [await chat(emulator), await chat(emulator, 'Bearer bad-key')]) {
      expect(response.headers.get('openai-version')).toBe('2020-10-01');
      expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(0);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10000');
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('10000000');
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+h)?(\d+m)?[\d.]+(ms|s)$/);
      expect(response.headers.get('x-ratelimit-reset-tokens')).toBe('6m0s');
      expect(response.headers.get('openai-organization')).toBe('org-emulator');
    }
    const third = await chat(emulator);
    expect(third.headers.get('x-request-id')).toBe('req_2');
    expect(third.headers.get('x-ratelimit-remaining-requests')).toBe('9997');
    expect(Number(third.headers.get('x-ratelimit-remaining-tokens'))).toBe(10_000_000 - 6);
  });

  it('takes a path prefix, models, a provider label and decoration hooks', async () => {
    const emulator = await start({
      pathPrefix: '/openai/v1',
      models: ['llama-3.1-8b-instant'],
      provider: 'groq',
      decorateCompletion: (completion) => ({ ...completion, x_groq: { id: 'req_x' } }),
      decorateChunk: (chunk, info) => (info.last ? { ...chunk, x_groq: { id: 'req_x' } } : chunk),
    });
    expect(emulator.baseURL).toBe(`${emulator.origin}/openai/v1`);
    expect(emulator.provider).toBe('groq');
    const send = (stream: boolean) =>
      fetch(`${emulator.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'llama-3.1-8b-instant',
          messages: [{ role: 'user', content: 'hi' }],
          stream,
        }),
      });
    expect((await json<Record<string, unknown>>(send(false))).x_groq).toEqual({ id: 'req_x' });
    const frames = (await (await send(true)).text()).split('\n\n').filter(Boolean);
    expect(JSON.parse(frames.at(-2)!.slice(6)).x_groq).toEqual({ id: 'req_x' });
    expect(JSON.parse(frames[0]!.slice(6)).x_groq).toBeUndefined();
    const models = await fetch(`${emulator.baseURL}/models`, {
      headers: { authorization: 'Bearer test-key' },
    });
    expect((await json<{ data: { owned_by: string }[] }>(models)).data[0]?.owned_by).toBe('groq');
  });
});
