import { afterEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../clock.js';
import { clientHarness } from './client-harness.js';

interface Options {
  baseURL: string;
  clock: FakeClock;
  name?: string;
}

const destroyed: string[] = [];
const fake = (options: Options) => ({
  options,
  destroy: async () => {
    destroyed.push(options.name ?? 'default');
  },
});

describe('clientHarness', () => {
  const harness = clientHarness({
    basePath: '/v1',
    create: fake,
    defaults: (server, clock): Options => ({ baseURL: server.baseURL, clock }),
  });
  afterEach(async () => {
    await harness.stop();
    destroyed.splice(0);
  });

  it('refuses to hand out a server or client before start', () => {
    expect(() => harness.server).toThrow(/not started/);
    expect(() => harness.client).toThrow(/not started/);
  });

  it('starts a server, clock and default client; reopen merges over the defaults, replace does not', async () => {
    await harness.start();
    expect(harness.client.options.baseURL).toBe(harness.server.baseURL);
    expect(harness.server.baseURL.endsWith('/v1')).toBe(true);
    expect(harness.clock.now()).toBe(1_700_000_000_000);
    await harness.reopen({ name: 'reopened' });
    expect(harness.client.options).toMatchObject({ name: 'reopened', baseURL: harness.server.baseURL });
    await harness.replace({ baseURL: 'http://127.0.0.1:1', clock: harness.clock, name: 'replaced' });
    expect(harness.client.options.baseURL).toBe('http://127.0.0.1:1');
    expect(destroyed).toEqual(['default', 'reopened']);
    await harness.stop();
    expect(destroyed).toEqual(['default', 'reopened', 'replaced']);
    expect(() => harness.client).toThrow(/not started/);
  });
});
