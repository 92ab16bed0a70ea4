import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { normalizeOllamaHost, resolveOllamaBaseURL } from './ollama-base-url.js';
import { createOllama } from './ollama-client.js';

function clearEnv(): void {
  vi.stubEnv('OLLAMA_HOST', '');
  vi.stubEnv('OLLAMA_API_URL', '');
  vi.stubEnv('OLLAMA_API_KEY', '');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('normalizeOllamaHost', () => {
  it.each([
    ['http://localhost:11434', 'http://localhost:11434'],
    ['http://localhost:11434/', 'http://localhost:11434'],
    ['localhost:11434', 'http://localhost:11434'],
    ['localhost', 'http://localhost:11434'],
    ['0.0.0.0:11434', 'http://127.0.0.1:11434'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['http://0.0.0.0:8080', 'http://127.0.0.1:8080'],
    [':11500', 'http://127.0.0.1:11500'],
    ['[::]:11434', 'http://[::1]:11434'],
    ['  10.0.0.5:9999  ', 'http://10.0.0.5:9999'],
    ['https://ollama.example.com', 'https://ollama.example.com'],
    ['http://gpu-box', 'http://gpu-box'],
    ['ollama.com', 'https://ollama.com'],
    ['https://proxy.example.com/ollama/', 'https://proxy.example.com/ollama'],
  ])('%s -> %s', (host, expected) => {
    expect(normalizeOllamaHost(host)).toBe(expected);
  });

  it('refuses what is not a host', () => {
    expect(() => normalizeOllamaHost('')).toThrow(/non-empty/);
    expect(() => normalizeOllamaHost('http://')).toThrow(/not a valid URL/);
  });
});

describe('resolveOllamaBaseURL', () => {
  beforeEach(clearEnv);

  it('defaults to the local server', () => {
    expect(resolveOllamaBaseURL({})).toBe('http://127.0.0.1:11434');
  });

  it('reads OLLAMA_HOST in its server forms', () => {
    vi.stubEnv('OLLAMA_HOST', '0.0.0.0:11434');
    expect(resolveOllamaBaseURL({})).toBe('http://127.0.0.1:11434');
    vi.stubEnv('OLLAMA_HOST', 'gpu-box:8000');
    expect(resolveOllamaBaseURL({})).toBe('http://gpu-box:8000');
    vi.stubEnv('OLLAMA_HOST', 'https://ollama.internal');
    expect(resolveOllamaBaseURL({})).toBe('https://ollama.internal');
  });

  it("strips the /api suffix of the seed's OLLAMA_API_URL", () => {
    vi.stubEnv('OLLAMA_API_URL', 'http://localhost:11434/api');
    expect(resolveOllamaBaseURL({})).toBe('http://localhost:11434');
    vi.stubEnv('OLLAMA_API_URL', 'http://gpu-box:11434/api/');
    expect(resolveOllamaBaseURL({})).toBe('http://gpu-box:11434');
  });

  it('prefers options over OLLAMA_HOST over OLLAMA_API_URL', () => {
    vi.stubEnv('OLLAMA_API_URL', 'http://from-api-url:11434/api');
    expect(resolveOllamaBaseURL({})).toBe('http://from-api-url:11434');
    vi.stubEnv('OLLAMA_HOST', 'from-host:11434');
    expect(resolveOllamaBaseURL({})).toBe('http://from-host:11434');
    expect(resolveOllamaBaseURL({ host: 'option-host' })).toBe('http://option-host:11434');
    expect(resolveOllamaBaseURL({ baseURL: 'http://option-base:1' })).toBe('http://option-base:1');
  });

  it('accepts baseURL and host together only when they agree', () => {
    expect(resolveOllamaBaseURL({ baseURL: 'http://a:11434', host: 'a:11434' })).toBe('http://a:11434');
    expect(() => resolveOllamaBaseURL({ baseURL: 'http://a:11434', host: 'b:11434' })).toThrow(/same option/);
  });
});

describe('createOllama against a server found through the environment', () => {
  let server: ScriptedServer;

  beforeEach(async () => {
    clearEnv();
    server = await startScriptedServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it.each([
    ['OLLAMA_HOST', (port: number) => `0.0.0.0:${port}`],
    ['OLLAMA_HOST', (port: number) => `:${port}`],
    ['OLLAMA_HOST', (port: number) => `http://127.0.0.1:${port}/`],
    ['OLLAMA_API_URL', (port: number) => `http://127.0.0.1:${port}/api`],
  ])('%s', async (name, value) => {
    vi.stubEnv(name, value(server.port));
    const client = createOllama({ retry: { maxRetries: 0 } });
    server.reply({ status: 200, json: { version: '0.12.3' } });
    expect(await client.version()).toBe('0.12.3');
    expect(server.requests[0]?.url).toBe('/api/version');
    expect(client.endpoints()[0]?.baseURL).toBe(`http://127.0.0.1:${server.port}`);
    await client.close();
  });

  it('uses the host option and normalises endpoint base URLs', async () => {
    const client = createOllama({
      host: `127.0.0.1:${server.port}`,
      endpoints: [{ id: 'a' }, { id: 'b', baseURL: `0.0.0.0:${server.port}` }],
    });
    expect(client.endpoints().map((e) => [e.id, e.baseURL])).toEqual([
      ['a', `http://127.0.0.1:${server.port}`],
      ['b', `http://127.0.0.1:${server.port}`],
    ]);
    await client.close();
  });
});
