/** Creation and configuration of the client: options, environment variables, the key check. No network. */
import { inspect } from 'node:util';
import { AuthenticationError, InvalidRequestError } from '@ipfs-accelerate/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGroq, GROQ_DEFAULT_BASE_URL } from './groq-provider.js';

const KEY = 'gsk_configtest0123456789abcdefABCDEFconfig';

beforeEach(() => {
  // The developer's own variables must not leak into these tests.
  vi.stubEnv('GROQ_API_KEY', '');
  vi.stubEnv('GROQ_BASE_URL', '');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createGroq', () => {
  it('refuses to start without a key, naming the variable', () => {
    expect(() => createGroq()).toThrow(AuthenticationError);
    expect(() => createGroq()).toThrow(/GROQ_API_KEY/);
    expect(() => createGroq({ apiKey: '' })).toThrow(AuthenticationError);
    expect(() => createGroq({ endpoints: [{ apiKey: KEY }, { id: 'second' }] })).toThrow(AuthenticationError);
  });

  it('uses the public base URL by default, and GROQ_API_KEY', async () => {
    vi.stubEnv('GROQ_API_KEY', KEY);
    const client = createGroq();
    expect(client.provider).toBe('groq');
    expect(GROQ_DEFAULT_BASE_URL).toBe('https://api.groq.com/openai/v1');
    expect(client.endpoints()).toMatchObject([{ baseURL: GROQ_DEFAULT_BASE_URL, hasApiKey: true }]);
    await client.close();
  });

  it('takes the base URL from GROQ_BASE_URL, and options over the environment', async () => {
    vi.stubEnv('GROQ_API_KEY', KEY);
    vi.stubEnv('GROQ_BASE_URL', 'http://127.0.0.1:9/env/openai/v1');
    const fromEnv = createGroq();
    expect(fromEnv.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:9/env/openai/v1');
    const fromOptions = createGroq({ baseURL: 'http://127.0.0.1:9/opt/openai/v1' });
    expect(fromOptions.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:9/opt/openai/v1');
    await Promise.all([fromEnv.close(), fromOptions.close()]);
  });

  it('refuses bad options before anything else', () => {
    expect(() => createGroq(null as never)).toThrow(InvalidRequestError);
    expect(() => createGroq({ apiKey: KEY, serviceTier: 'cheap' as never })).toThrow(/serviceTier/);
    expect(() => createGroq({ apiKey: KEY, headers: { 'x-n': 1 } as never })).toThrow(/headers/);
    expect(() => createGroq({ apiKey: KEY, retry: { maxRetries: -1 } })).toThrow(InvalidRequestError);
  });

  it('spreads the control surface of the backend', async () => {
    const client = createGroq({
      apiKey: KEY,
      endpoints: [{ id: 'a' }, { id: 'b', apiKey: 'gsk_other000000000000000000' }],
    });
    expect(client.endpoints().map((e) => e.id)).toEqual(['a', 'b']);
    expect(client.stats()).toMatchObject({ requests: 0 });
    expect(client.recentRequests()).toEqual([]);
    client.removeEndpoint('b');
    expect(client.lanes()).toHaveLength(1);
    await client.close();
    await expect(
      client.chat({ model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toThrow(/closed/);
  });

  it('never shows the key when printed or serialised', async () => {
    const client = createGroq({ apiKey: KEY, serviceTier: 'flex' });
    for (const text of [
      inspect(client),
      inspect(client, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      JSON.stringify(client),
      String(Object.keys(client)),
    ]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('configtest');
    }
    expect(inspect(client)).toMatch(/^GroqClient .*hasApiKey: true/s);
    await client.close();
  });
});
