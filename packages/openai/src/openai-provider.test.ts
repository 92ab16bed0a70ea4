/** Creation and configuration of the client: options, environment variables, the key check. No network. */
import { inspect } from 'node:util';
import { AuthenticationError, InvalidRequestError } from '@ipfs-accelerate/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpenAI, OPENAI_DEFAULT_BASE_URL } from './openai-provider.js';

const KEY = 'sk-proj-config-test-0123456789abcdefABCDEF';
const VARS = [
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_ORG_ID',
  'OPENAI_ORGANIZATION',
  'OPENAI_PROJECT_ID',
];

beforeEach(() => {
  // The developer's own variables must not leak into these tests.
  for (const name of VARS) vi.stubEnv(name, '');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createOpenAI', () => {
  it('refuses to start without a key, naming the variable', () => {
    expect(() => createOpenAI()).toThrow(AuthenticationError);
    expect(() => createOpenAI()).toThrow(/OPENAI_API_KEY/);
    expect(() => createOpenAI({ apiKey: '' })).toThrow(AuthenticationError);
    expect(() => createOpenAI({ endpoints: [{ apiKey: KEY }, { id: 'second' }] })).toThrow(
      AuthenticationError,
    );
  });

  it('uses the public base URL by default, and OPENAI_API_KEY', async () => {
    vi.stubEnv('OPENAI_API_KEY', KEY);
    const client = createOpenAI();
    expect(client.provider).toBe('openai');
    expect(client.endpoints()).toMatchObject([{ baseURL: OPENAI_DEFAULT_BASE_URL, hasApiKey: true }]);
    await client.close();
  });

  it('takes the base URL from OPENAI_BASE_URL, and options over the environment', async () => {
    vi.stubEnv('OPENAI_API_KEY', KEY);
    vi.stubEnv('OPENAI_BASE_URL', 'http://127.0.0.1:9/env/v1');
    const fromEnv = createOpenAI();
    expect(fromEnv.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:9/env/v1');
    const fromOptions = createOpenAI({ baseURL: 'http://127.0.0.1:9/opt/v1' });
    expect(fromOptions.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:9/opt/v1');
    await Promise.all([fromEnv.close(), fromOptions.close()]);
  });

  it('refuses bad options', () => {
    expect(() => createOpenAI(null as never)).toThrow(InvalidRequestError);
    expect(() => createOpenAI({ apiKey: KEY, organization: '' })).toThrow(/organization/);
    expect(() => createOpenAI({ apiKey: KEY, project: 7 as never })).toThrow(/project/);
    expect(() => createOpenAI({ apiKey: KEY, retry: { maxRetries: -1 } })).toThrow(InvalidRequestError);
  });

  it('spreads the control surface of the backend', async () => {
    const client = createOpenAI({
      apiKey: KEY,
      endpoints: [{ id: 'a' }, { id: 'b', apiKey: 'sk-other-key-000000' }],
    });
    expect(client.endpoints().map((e) => e.id)).toEqual(['a', 'b']);
    expect(client.stats()).toMatchObject({ requests: 0 });
    expect(client.recentRequests()).toEqual([]);
    client.removeEndpoint('b');
    expect(client.lanes()).toHaveLength(1);
    await client.close();
    await expect(client.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      /closed/,
    );
  });

  it('never shows the key when printed or serialised', async () => {
    const client = createOpenAI({ apiKey: KEY, organization: 'org-1' });
    for (const text of [
      inspect(client),
      inspect(client, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      JSON.stringify(client),
      String(Object.keys(client)),
    ]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('config-test');
    }
    expect(inspect(client)).toMatch(/^OpenAIClient .*hasApiKey: true/s);
    await client.close();
  });
});
