import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from './backend.js';
import { backendControl, readEnv, resolveEndpoints } from './client.js';
import { AuthenticationError } from './errors/index.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('resolveEndpoints', () => {
  const defaults = {
    provider: 'x',
    baseURL: 'http://127.0.0.1:1',
    baseURLEnv: ['X_URL'],
    apiKeyEnv: ['X_KEY', 'X_KEY2'],
  };

  it('options win over the environment, which wins over the default', () => {
    expect(resolveEndpoints({}, defaults)).toEqual([{ baseURL: 'http://127.0.0.1:1', apiKey: undefined }]);
    process.env.X_URL = 'http://127.0.0.1:2';
    process.env.X_KEY2 = ' k2 ';
    expect(resolveEndpoints({}, defaults)).toEqual([{ baseURL: 'http://127.0.0.1:2', apiKey: 'k2' }]);
    expect(resolveEndpoints({ baseURL: 'http://127.0.0.1:3', apiKey: 'k3' }, defaults)).toEqual([
      { baseURL: 'http://127.0.0.1:3', apiKey: 'k3' },
    ]);
  });

  it('fills multiplexed endpoints from the defaults', () => {
    expect(
      resolveEndpoints(
        {
          apiKey: 'shared',
          endpoints: [{ id: 'a' }, { id: 'b', apiKey: 'own', baseURL: 'http://127.0.0.1:9' }],
        },
        defaults,
      ),
    ).toEqual([
      { id: 'a', baseURL: 'http://127.0.0.1:1', apiKey: 'shared' },
      { id: 'b', baseURL: 'http://127.0.0.1:9', apiKey: 'own' },
    ]);
  });

  it('refuses a hosted API without a key before any network call', () => {
    expect(() => resolveEndpoints({}, { ...defaults, requireApiKey: true })).toThrow(AuthenticationError);
    expect(() => resolveEndpoints({}, { ...defaults, requireApiKey: true })).toThrow(/X_KEY \/ X_KEY2/);
  });
});

describe('readEnv and backendControl', () => {
  it('reads the first non-blank variable', () => {
    process.env.A1 = '  ';
    process.env.A2 = 'v';
    expect(readEnv('A0', 'A1', 'A2')).toBe('v');
    expect(readEnv('A0')).toBeUndefined();
  });

  it('binds the control methods of a backend', async () => {
    const backend = createBackend({ provider: 'p', endpoints: [{ id: 'e', baseURL: 'http://127.0.0.1:1' }] });
    const control = backendControl(backend);
    expect(control.endpoints().map((e) => e.id)).toEqual(['e']);
    const id = control.addEndpoint({ baseURL: 'http://127.0.0.1:2' });
    control.updateEndpoint(id, { weight: 3 });
    expect(control.lanes()[1]?.weight).toBe(3);
    control.removeEndpoint(id);
    expect(control.stats().requests).toBe(0);
    control.resetStats();
    expect(control.recentRequests()).toEqual([]);
    expect(control.findRequest('req_x')).toBeUndefined();
    await control.close();
    await control.destroy();
  });
});
