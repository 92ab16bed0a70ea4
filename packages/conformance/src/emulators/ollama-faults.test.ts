import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OllamaEmulator, startOllamaEmulator } from './ollama.js';

let emulator: OllamaEmulator;
beforeEach(async () => {
  emulator = await startOllamaEmulator();
});
afterEach(async () => {
  await emulator.close();
});

const CHAT = 'POST /api/chat';
const chat = (stream: boolean, init: RequestInit = {}, headers: Record<string, string> = {}) =>
  fetch(`${emulator.baseURL}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'one two three' }],
      stream,
    }),
    ...init,
  });
const lineTexts = async (response: Response) => (await response.text()).split('\n').filter(Boolean);
const contents = (lines: readonly string[]) =>
  lines.map((line) => (JSON.parse(line) as { message?: { content?: string } }).message?.content);
const FULL = ['Echo: ', 'one ', 'two ', 'three', ''];

describe('error shapes: {"error": "<message>"} with realistic messages per status', () => {
  it.each([
    [400, 'bad request'],
    [401, 'unauthorized'],
    [404, 'model "llama3.2" not found, try pulling it first'],
    [429, 'too many requests'],
    [500, 'internal server error'],
    [502, 'bad gateway'],
    [503, 'server busy, please try again.  maximum pending requests exceeded'],
  ])('error %i -> %s (streaming and not)', async (status, message) => {
    emulator.script(CHAT, [
      { kind: 'error', status },
      { kind: 'error', status },
    ]);
    for (const stream of [true, false]) {
      const response = await chat(stream);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.json()).toEqual({ error: message });
    }
  });

  it('error: the scripted message and headers win; no request-id or rate-limit headers', async () => {
    emulator.script(CHAT, [
      { kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '2' } },
    ]);
    const response = await chat(false);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ error: 'slow down' });
    const normal = await chat(false);
    const names = [...normal.headers.keys()];
    expect(names.filter((name) => /request-id|ratelimit/i.test(name))).toEqual([]);
  });

  it('status: replaces the reply with the given status and body', async () => {
    emulator.script(CHAT, [{ kind: 'status', status: 502, body: 'upstream gone' }]);
    const response = await chat(true);
    expect([response.status, await response.text()]).toEqual([502, 'upstream gone']);
  });
});

describe('every fault kind on /api/chat', () => {
  it('no fault: the full stream ends with the done object', async () => {
    expect(contents(await lineTexts(await chat(true)))).toEqual(FULL);
  });

  it('truncate: N chunks and no done object (stream); half the body (JSON)', async () => {
    emulator.script(CHAT, [
      { kind: 'truncate', afterEvents: 2 },
      { kind: 'truncate', afterEvents: 0 },
    ]);
    const lines = await lineTexts(await chat(true));
    expect(contents(lines)).toEqual(['Echo: ', 'one ']);
    expect(lines.some((line) => line.includes('"done":true'))).toBe(false);
    const half = await chat(false);
    expect(half.status).toBe(200);
    await expect(half.json()).rejects.toThrow(SyntaxError);
  });

  it('stream-error: status 200, N chunks, then {"error": ...}; no effect on a JSON reply', async () => {
    emulator.script(CHAT, [
      { kind: 'stream-error', afterEvents: 1 },
      { kind: 'stream-error', afterEvents: 0, message: 'model runner has unexpectedly stopped' },
      { kind: 'stream-error', afterEvents: 1 },
    ]);
    const first = await chat(true);
    expect(first.status).toBe(200);
    const lines = await lineTexts(first);
    expect(contents(lines.slice(0, 1))).toEqual(['Echo: ']);
    expect(lines.slice(1)).toEqual(['{"error":"an error was encountered while running the model"}']);
    expect(await lineTexts(await chat(true))).toEqual(['{"error":"model runner has unexpectedly stopped"}']);
    expect(((await (await chat(false)).json()) as { done: boolean }).done).toBe(true);
  });

  it('malformed: an unparseable first line, then the rest (stream); an unparseable body (JSON)', async () => {
    emulator.script(CHAT, [{ kind: 'malformed' }, { kind: 'malformed' }]);
    const lines = await lineTexts(await chat(true));
    expect(() => JSON.parse(lines[0] ?? '')).toThrow(SyntaxError);
    expect(contents(lines.slice(1))).toEqual(FULL);
    const body = await chat(false);
    expect(body.status).toBe(200);
    await expect(body.json()).rejects.toThrow(SyntaxError);
  });

  it('reset-after-headers: 200 and the first line (stream) or nothing (JSON), then a reset', async () => {
    emulator.script(CHAT, [{ kind: 'reset-after-headers' }, { kind: 'reset-after-headers' }]);
    const streamed = await chat(true);
    expect(streamed.status).toBe(200);
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received += Buffer.from(value).toString();
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(contents(received.split('\n').filter(Boolean))).toEqual(['Echo: ']);
    const whole = await chat(false);
    await expect(whole.text()).rejects.toThrow();
  });

  it('reset-before-headers: the connection resets, streaming or not', async () => {
    emulator.script(CHAT, [{ kind: 'reset-before-headers' }, { kind: 'reset-before-headers' }]);
    for (const stream of [true, false]) {
      const error = await chat(stream).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
    }
    expect((await chat(false)).status).toBe(200);
  });

  it('delay and drip: the normal reply, complete', async () => {
    emulator.script(CHAT, [
      { kind: 'delay', ms: 1 },
      { kind: 'drip', intervalMs: 1 },
      { kind: 'delay', ms: 1 },
      { kind: 'drip', intervalMs: 1 },
    ]);
    expect(contents(await lineTexts(await chat(true)))).toEqual(FULL);
    expect(contents(await lineTexts(await chat(true)))).toEqual(FULL);
    for (let i = 0; i < 2; i++) {
      expect(await (await chat(false)).json()).toMatchObject({ message: { content: 'Echo: one two three' } });
    }
  });

  it('hold: waits for release(); hang: never answers until the client aborts', async () => {
    emulator.script(CHAT, [{ kind: 'hold' }, { kind: 'hang' }, { kind: 'hang' }]);
    const held = chat(false);
    await vi.waitFor(() => expect(emulator.held).toBe(1));
    emulator.release();
    expect((await held).status).toBe(200);
    for (const stream of [true, false]) {
      const controller = new AbortController();
      const pending = chat(stream, { signal: controller.signal });
      await vi.waitFor(() => expect(emulator.inFlight).toBe(1));
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      await vi.waitFor(() => expect(emulator.inFlight).toBe(0));
    }
  });
});

describe('auth (Ollama cloud)', () => {
  it('with apiKeys, a missing or wrong bearer key is 401 unauthorized, never echoing the key', async () => {
    const cloud = await startOllamaEmulator({ apiKeys: ['sk-ollama-secret-1'] });
    try {
      const call = (authorization?: string) =>
        fetch(`${cloud.baseURL}/api/tags`, { headers: authorization ? { authorization } : {} });
      for (const authorization of [undefined, 'Bearer sk-wrong-key-123', 'sk-ollama-secret-1']) {
        const response = await call(authorization);
        expect(response.status).toBe(401);
        const text = await response.text();
        expect(text).toBe('{"error":"unauthorized"}');
      }
      expect((await call('Bearer sk-ollama-secret-1')).status).toBe(200);
      expect((await chat(false)).status).toBe(200);
    } finally {
      await cloud.close();
    }
  });
});
