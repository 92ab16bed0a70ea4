/** Creation and configuration: defaults, environment, options, the key kept secret. */
import { inspect } from 'node:util';
import { InvalidRequestError } from '@ipfs-accelerate/core';
import { describe, expect, it, vi } from 'vitest';
import { createOpea } from './opea-provider.js';
import { answer, client, KEY, open, server, useOpeaServer } from './test/opea-harness.js';

useOpeaServer();

describe('configuration', () => {
  it('defaults to the megaservice on port 8888', async () => {
    const c = createOpea();
    expect(c.endpoints()[0]?.baseURL).toBe('http://localhost:8888');
    expect(c.provider).toBe('opea');
    await c.close();
  });

  it("reads the seed's OPEA_API_ENDPOINT (its /v1 dropped), then OPEA_API_URL; options win", async () => {
    vi.stubEnv('OPEA_API_URL', 'http://127.0.0.1:9/port');
    const fromPort = createOpea();
    expect(fromPort.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:9/port');
    vi.stubEnv('OPEA_API_ENDPOINT', 'http://127.0.0.1:8000/v1/');
    const fromSeed = createOpea();
    expect(fromSeed.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:8000');
    const fromOptions = createOpea({ baseURL: 'http://127.0.0.1:7/v1' });
    expect(fromOptions.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:7');
    await Promise.all([fromPort.close(), fromSeed.close(), fromOptions.close()]);
  });

  it('refuses bad options', () => {
    expect(() => createOpea(null as never)).toThrow(InvalidRequestError);
    expect(() => createOpea({ baseURL: 'ftp://x' })).toThrow(InvalidRequestError);
    expect(() => createOpea({ model: '' })).toThrow(/model/);
    expect(() => createOpea({ paths: { chatqna: 'no-slash' } })).toThrow(/paths.chatqna/);
  });

  it('sends no Authorization without a key, and a bearer key from OPEA_API_KEY', async () => {
    server.reply({ json: answer });
    await client.chatQnA({ messages: 'q' });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    vi.stubEnv('OPEA_API_KEY', KEY);
    const keyed = open();
    server.reply({ json: answer });
    await keyed.chatQnA({ messages: 'q' });
    expect(server.requests[1]?.headers.authorization).toBe(`Bearer ${KEY}`);
    await keyed.destroy();
  });

  it('never shows the key when printed, serialised or in an error', async () => {
    const keyed = open({ apiKey: KEY, retry: { maxRetries: 0 } });
    server.reply({ status: 401, json: { detail: 'Invalid token' } });
    const error = await keyed.chatQnA({ messages: 'q' }).catch((e: unknown) => e);
    for (const text of [
      inspect(keyed),
      inspect(keyed, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      JSON.stringify(keyed),
      inspect(error, { depth: Number.POSITIVE_INFINITY }),
      JSON.stringify(keyed.recentRequests()),
    ]) {
      expect(text).not.toContain(KEY);
    }
    await keyed.destroy();
  });
});
