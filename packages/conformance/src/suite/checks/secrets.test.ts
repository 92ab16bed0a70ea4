import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { type BackendControl, DIAGNOSTIC_CHANNELS } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { geminiSubject } from '../../subjects/gemini.js';
import { ollamaSubject } from '../../subjects/ollama.js';
import { openaiSubject } from '../../subjects/openai.js';
import { CONFORMANCE_API_KEY, runCheck } from '../runner.js';
import type { ConformanceSubject, SubjectClientOptions } from '../types.js';
import { secretChecks } from './secrets.js';

const [check] = secretChecks;
if (check === undefined) throw new Error('secretChecks is empty');

describe('the secrets check', () => {
  it('is one check of the errors group', () => {
    expect(secretChecks).toHaveLength(1);
    expect(check.group).toBe('errors');
  });

  it.each([
    ['OpenAI (Bearer key)', openaiSubject],
    ['Gemini (x-goog-api-key, never ?key=)', geminiSubject],
  ])('passes on %s', async (_name, subject) => {
    const result = await runCheck(subject() as unknown as ConformanceSubject, check);
    expect(result.detail).toBeUndefined();
    expect(result.status).toBe('pass');
  });

  it('applies where the key is optional too (Ollama sends it as a bearer token) and passes', async () => {
    const result = await runCheck(ollamaSubject() as unknown as ConformanceSubject, check);
    expect(result).toMatchObject({ status: 'pass' });
  });
});

/** Where a leaky client puts the key. */
type Leak = 'error message' | 'url' | 'inspect' | 'diagnostics' | 'stats' | 'records';

/**
 * The OpenAI subject with a client that leaks the key of its endpoint in one place: each must make the
 * check fail, naming the place and without printing the key itself.
 */
function leakySubject(leak: Leak): ConformanceSubject {
  const base = openaiSubject() as unknown as ConformanceSubject;
  const endpointOf = new WeakMap<BackendControl, { baseURL: string; key: string }>();
  return {
    ...base,
    createClient(options: SubjectClientOptions) {
      const client = base.createClient(options);
      const endpoint = options.endpoints[0];
      const key = endpoint?.apiKey ?? '';
      const leaky: BackendControl = { ...client };
      if (leak === 'inspect') {
        Object.defineProperty(leaky, inspect.custom, { value: () => `LeakyClient(${key})` });
      }
      if (leak === 'stats') leaky.stats = () => ({ ...client.stats(), debugKey: key });
      if (leak === 'records') {
        leaky.recentRequests = (limit) => [
          ...client.recentRequests(limit),
          { note: `sent with ${key}` } as unknown as ReturnType<BackendControl['recentRequests']>[number],
        ];
      }
      endpointOf.set(leaky, { baseURL: endpoint?.baseURL ?? '', key });
      return leaky;
    },
    async call(client, tag, options) {
      const { baseURL, key } = endpointOf.get(client) ?? { baseURL: '', key: '' };
      if (leak === 'url') {
        // A client that puts the key in the query string, as Gemini's `?key=` does.
        const response = await fetch(`${baseURL}/models?key=${key}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        await response.arrayBuffer();
      }
      if (leak === 'diagnostics') {
        diagnosticsChannel.channel(DIAGNOSTIC_CHANNELS.requestStart).publish({ debug: { key } });
      }
      try {
        return await base.call(client, tag, options);
      } catch (error) {
        // Written after the core redacted the error: the check must see it.
        if (leak === 'error message') (error as Error).message += ` (sent with key ${key})`;
        throw error;
      }
    },
  };
}

describe('the secrets check fails a client that leaks the key', () => {
  it.each<[Leak, RegExp]>([
    ['error message', /error\.message|String\(error\)/],
    ['url', /the URL of request \d+ \(GET\)/],
    ['inspect', /util\.inspect\(the client\)/],
    ['diagnostics', /diagnostics ipfs-accelerate:request:start/],
    ['stats', /the client\.stats\(\)/],
    ['records', /the client\.recentRequests\(\)/],
  ])('in its %s', async (leak, where) => {
    const result = await runCheck(leakySubject(leak), check);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/^the key shows in \d+ place\(s\)/);
    expect(result.detail).toMatch(where);
    expect(result.detail).toContain('«key»');
    expect(result.detail).not.toContain(CONFORMANCE_API_KEY);
  });
});
