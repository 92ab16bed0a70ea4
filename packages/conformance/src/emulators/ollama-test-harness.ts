/** Test support shared by the Ollama emulator's tests: a fresh emulator per test, and raw HTTP helpers. */
import { afterEach, beforeEach } from 'vitest';
import { type OllamaEmulator, startOllamaEmulator } from './ollama.js';

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/**
 * Starts an emulator before each test of the calling file and closes it after; returns it through a getter, with
 * `send` (any method, a JSON body) and `post`.
 */
export function useOllamaEmulator(): {
  readonly emulator: OllamaEmulator;
  send(method: string, path: string, body?: unknown): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
} {
  let emulator: OllamaEmulator | undefined;
  beforeEach(async () => {
    emulator = await startOllamaEmulator();
  });
  afterEach(async () => {
    await emulator?.close();
  });
  const started = (): OllamaEmulator => {
    if (!emulator) throw new Error('the emulator starts in beforeEach');
    return emulator;
  };
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${started().baseURL}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    get emulator() {
      return started();
    },
    send,
    post: (path, body) => send('POST', path, body),
  };
}

/** The body of a response as a JSON object. */
export const json = async (response: Response | Promise<Response>) => (await (await response).json()) as Json;

/** The NDJSON lines of a response, parsed. */
export const lines = async (response: Response | Promise<Response>) =>
  (await (await response).text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Json);

/** A chat body with one user message. */
export const user = (content: string) => ({ model: 'llama3.2', messages: [{ role: 'user', content }] });
