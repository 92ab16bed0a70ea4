import { afterEach, describe, expect, it, vi } from 'vitest';
import { exampleProtocol, startExampleEmulator } from './example-protocol.js';
import { startEmulator } from './start-emulator.js';
import type { Emulator } from './types.js';

const started: Emulator[] = [];
async function start(apiKeys: readonly string[] = []): Promise<Emulator> {
  const emulator = await startExampleEmulator(apiKeys);
  started.push(emulator);
  return emulator;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()));
});

describe('startEmulator', () => {
  it('listens on 127.0.0.1 and exposes origin and baseURL', async () => {
    const emulator = await start();
    expect(emulator.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.baseURL).toBe(`${emulator.origin}/api`);
  });

  it('logs every request with path, query, headers, body, parsed JSON and index', async () => {
    const emulator = await start();
    await fetch(`${emulator.baseURL}/echo?x=1&y=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      body: '{"a":1}',
    });
    await fetch(`${emulator.baseURL}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    await fetch(`${emulator.baseURL}/items/a%20b`);
    const [first, second, third] = emulator.requests;
    expect(first).toMatchObject({ method: 'POST', path: '/api/echo', json: { a: 1 }, index: 0 });
    expect(first?.query.get('y')).toBe('2');
    expect(first?.headers['x-trace']).toBe('t1');
    expect(first?.body.toString()).toBe('{"a":1}');
    expect(typeof first?.receivedAt).toBe('number');
    expect(second).toMatchObject({ index: 1, json: undefined });
    expect(second?.body.toString()).toBe('hi');
    expect(third).toMatchObject({ method: 'GET', path: '/api/items/a%20b', index: 2 });
  });

  it('keeps only the most recent requests when the log is capped', async () => {
    const emulator = await startEmulator(exampleProtocol(), { requestLogLimit: 2 });
    started.push(emulator);
    for (let i = 0; i < 3; i++) await fetch(`${emulator.baseURL}/ping`);
    expect(emulator.requests.map((request) => request.index)).toEqual([1, 2]);
    const silent = await startEmulator(exampleProtocol(), { requestLogLimit: 0 });
    started.push(silent);
    const response = await fetch(`${silent.baseURL}/ping`);
    expect(response.headers.get('x-request-id')).toBe('example-0');
    expect(silent.requests).toEqual([]);
  });

  it('passes decoded path parameters to handlers', async () => {
    const emulator = await start();
    expect(await (await fetch(`${emulator.baseURL}/items/a%2Fb`)).json()).toEqual({ id: 'a/b' });
  });

  it('answers unknown routes with a provider-shaped 404', async () => {
    const emulator = await start();
    const response = await fetch(`${emulator.baseURL}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { status: 404, code: 'error', message: 'HTTP 404' } });
    expect((await fetch(`${emulator.baseURL}/ping`, { method: 'DELETE' })).status).toBe(404);
  });

  it('checks auth before faults, except hang and reset-before-headers', async () => {
    const emulator = await start(['secret']);
    emulator.script('GET /api/ping', [{ kind: 'status', status: 500 }, { kind: 'reset-before-headers' }]);
    const denied = await fetch(`${emulator.baseURL}/ping`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { code: 'unauthorized' } });
    await expect(fetch(`${emulator.baseURL}/ping`)).rejects.toThrow();
    const allowed = await fetch(`${emulator.baseURL}/ping`, { headers: { 'x-api-key': 'secret' } });
    expect(await allowed.json()).toEqual({ ok: true });
  });

  it('consumes route scripts in order and the wildcard script for any route', async () => {
    const emulator = await start();
    emulator.script('GET /api/ping', [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
    ]);
    emulator.script('*', [{ kind: 'status', status: 503 }]);
    const statuses: number[] = [];
    for (const path of ['/ping', '/items/1', '/ping', '/ping', '/items/1']) {
      statuses.push((await fetch(`${emulator.baseURL}${path}`)).status);
    }
    expect(statuses).toEqual([500, 503, 502, 200, 200]);
  });

  it('matches scripts on the path without the query', async () => {
    const emulator = await start();
    emulator.script('GET /api/ping', [{ kind: 'status', status: 418 }]);
    expect((await fetch(`${emulator.baseURL}/ping?debug=1`)).status).toBe(418);
  });

  it('clearScripts drops pending faults', async () => {
    const emulator = await start();
    emulator.script('*', [{ kind: 'status', status: 500 }]);
    emulator.clearScripts();
    expect((await fetch(`${emulator.baseURL}/ping`)).status).toBe(200);
  });

  it('counts in-flight requests, the high-water mark and connections under concurrent holds', async () => {
    const emulator = await start();
    emulator.script('GET /api/ping', [{ kind: 'hold' }, { kind: 'hold' }, { kind: 'hold' }]);
    const pending = [1, 2, 3].map(() => fetch(`${emulator.baseURL}/ping`).then((r) => r.json()));
    await vi.waitFor(() => expect(emulator.held).toBe(3));
    expect(emulator.inFlight).toBe(3);
    expect(emulator.maxInFlight).toBe(3);
    expect(emulator.openConnections).toBe(3);
    emulator.release(2);
    await vi.waitFor(() => expect(emulator.inFlight).toBe(1));
    expect(emulator.maxInFlight).toBe(3);
    emulator.resetGauges();
    expect(emulator.maxInFlight).toBe(1);
    emulator.release();
    expect(await Promise.all(pending)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(emulator.inFlight).toBe(0);
    emulator.resetGauges();
    expect(emulator.maxInFlight).toBe(0);
  });

  it('turns a throwing handler into a provider-shaped 500', async () => {
    const emulator = await startEmulator({
      name: 'broken',
      pathPrefix: '',
      routes: {
        'GET /boom': () => {
          throw new Error('kaput');
        },
      },
      errorReply: (spec) => ({ kind: 'json', status: spec.status, body: { message: spec.message } }),
      errorFrame: () => '',
    });
    started.push(emulator);
    const response = await fetch(`${emulator.baseURL}/boom`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Emulator route failed: kaput' });
  });

  it('close() ends hanging requests and stops listening', async () => {
    const emulator = await start();
    emulator.script('*', [{ kind: 'hang' }, { kind: 'hold' }]);
    const hanging = fetch(`${emulator.baseURL}/ping`).catch((e: unknown) => e);
    const holding = fetch(`${emulator.baseURL}/ping`).catch((e: unknown) => e);
    await vi.waitFor(() => expect(emulator.inFlight).toBe(2));
    await emulator.close();
    expect(await hanging).toBeInstanceOf(TypeError);
    expect(await holding).toBeInstanceOf(TypeError);
    expect(emulator.openConnections).toBe(0);
    expect(emulator.inFlight).toBe(0);
    await expect(fetch(`${emulator.origin}/api/ping`)).rejects.toThrow();
  });
});
