/** Test support shared by the Gemini emulator's tests: one emulator per file, and a raw HTTP call helper. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type GeminiEmulator, startGeminiEmulator } from './gemini.js';

/** The key the test emulator accepts. */
export const KEY = 'emulator-key';
/** The chat model the tests use. */
export const model = 'gemini-2.0-flash';

/** What {@link call} returns: the status, the body as JSON (when it parses) and as text, the content type. */
export interface RawReply {
  status: number;
  json: unknown;
  text: string;
  type: string | null;
}

/**
 * Starts one emulator for the calling test file (scripts cleared before each test, closed after all) and returns
 * it through a getter, with `call`: a POST of `body` (GET without one) to `path`, with the key by default.
 */
export function useGeminiEmulator(): {
  readonly emulator: GeminiEmulator;
  call(path: string, body?: unknown, headers?: Record<string, string>): Promise<RawReply>;
} {
  let emulator: GeminiEmulator | undefined;
  beforeAll(async () => {
    emulator = await startGeminiEmulator({
      apiKeys: [KEY],
      models: [model, 'text-embedding-004', 'gemini-2.5-pro'],
    });
  });
  beforeEach(() => emulator?.clearScripts());
  afterAll(async () => {
    await emulator?.close();
  });
  const started = (): GeminiEmulator => {
    if (!emulator) throw new Error('the emulator starts in beforeAll');
    return emulator;
  };
  return {
    get emulator() {
      return started();
    },
    async call(path, body, headers = { 'x-goog-api-key': KEY }) {
      const init: RequestInit = { method: body === undefined ? 'GET' : 'POST', headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const response = await fetch(`${started().baseURL}${path}`, init);
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text, type: response.headers.get('content-type') };
    },
  };
}

/** A generateContent body with one user turn. */
export const user = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });

/** The `error` object of a Gemini error body. */
export const errorOf = (json: unknown) =>
  (json as { error: { code: number; status: string; message: string; details?: unknown[] } }).error;
