import { inspect } from 'node:util';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOllama } from './ollama-client.js';

const KEY = 'ollama-secret-7f3a9c2e11d04b5a';

let server: ScriptedServer;

beforeEach(async () => {
  vi.stubEnv('OLLAMA_API_KEY', '');
  vi.stubEnv('OLLAMA_HOST', '');
  vi.stubEnv('OLLAMA_API_URL', '');
  server = await startScriptedServer();
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

describe('secrets', () => {
  it('never shows the key in util.inspect, JSON or the ledger of the client', async () => {
    const client = createOllama({ baseURL: server.origin, apiKey: KEY });
    server.reply({ status: 200, json: { version: '0.5.1' } });
    await client.version();
    expect(inspect(client, { depth: 10 })).not.toContain(KEY);
    expect(inspect(client)).toContain('OllamaClient');
    expect(JSON.stringify(client)).not.toContain(KEY);
    expect(JSON.stringify(client.endpoints())).not.toContain(KEY);
    expect(JSON.stringify(client.recentRequests())).not.toContain(KEY);
    expect(client.endpoints()[0]?.hasApiKey).toBe(true);
    await client.close();
  });

  it('never shows the key in an error, even when the server echoes it', async () => {
    const client = createOllama({ baseURL: server.origin, apiKey: KEY, retry: { maxRetries: 0 } });
    server.reply({ status: 401, json: { error: `invalid api key ${KEY}` } });
    const error = await client.version().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401 });
    expect((error as Error).message).not.toContain(KEY);
    expect(inspect(error)).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
    await client.close();
  });

  it('reads the key from OLLAMA_API_KEY and sends it as a bearer token', async () => {
    vi.stubEnv('OLLAMA_API_KEY', KEY);
    const client = createOllama({ baseURL: server.origin });
    server.reply({ status: 200, json: { version: '0.5.1' } });
    await client.version();
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(inspect(client, { depth: 10 })).not.toContain(KEY);
    await client.close();
  });

  it('sends no Authorization header without a key', async () => {
    const client = createOllama({ baseURL: server.origin });
    server.reply({ status: 200, json: { version: '0.5.1' } });
    await client.version();
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(client.endpoints()[0]?.hasApiKey).toBe(false);
    await client.close();
  });
});

describe('the client surface', () => {
  it('is the ollama provider with the control surface of its backend', async () => {
    const client = createOllama({ baseURL: server.origin, retry: { maxRetries: 0 } });
    expect(client.provider).toBe('ollama');
    server.reply(
      { status: 200, json: { version: '0.5.1' } },
      { status: 200, json: { models: [] } },
      { ndjson: [{ status: 'pulling manifest' }, { status: 'success' }] },
    );
    await client.version();
    await client.listModels();
    for await (const _ of client.pull({ model: 'llama3.2' })) {
      // progress
    }
    expect(client.recentRequests().map((r) => r.operation)).toEqual(['pull', 'list-models', 'version']);
    expect(client.stats().endpoints).toHaveProperty(client.endpoints()[0]?.id ?? 'missing');
    client.resetStats();
    await client.close();
    await expect(client.version()).rejects.toMatchObject({ name: 'InvalidRequestError' });
  });

  it('honours the caller abort signal', async () => {
    const client = createOllama({ baseURL: server.origin });
    const controller = new AbortController();
    controller.abort();
    await expect(client.version({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(0);
    await client.close();
  });
});
