import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from './backend.js';
import { FakeClock } from './clock.js';
import { EndpointPool, normalizeBaseURL } from './endpoints.js';
import { CircuitOpenError, InvalidRequestError } from './errors/index.js';
import { type LoopbackServer, startLoopbackServer } from './testing/loopback-server.js';

const echo = { operation: 'echo', path: '/x', parse: () => 'ok' };

describe('normalizeBaseURL', () => {
  it('accepts http(s), strips trailing slashes, refuses the rest', () => {
    expect(normalizeBaseURL('http://127.0.0.1:8080/v1/')).toBe('http://127.0.0.1:8080/v1');
    expect(() => normalizeBaseURL('file:///etc/passwd')).toThrow(InvalidRequestError);
    expect(() => normalizeBaseURL('not a url')).toThrow(InvalidRequestError);
    expect(() => normalizeBaseURL('http://user:pw@host')).toThrow(/credentials/);
  });
});

describe('EndpointPool', () => {
  const clock = new FakeClock();
  const make = (strategy: 'least-loaded' | 'round-robin' | 'failover') =>
    new EndpointPool(
      [
        { id: 'a', baseURL: 'http://127.0.0.1:1' },
        { id: 'b', baseURL: 'http://127.0.0.1:2', weight: 2 },
        { id: 'c', baseURL: 'http://127.0.0.1:3' },
      ],
      strategy,
      { clock, breaker: { consecutiveFailures: 1 } },
    );

  it('round-robin cycles and skips an open breaker', () => {
    const pool = make('round-robin');
    expect([0, 1, 2, 3].map(() => pool.select().id)).toEqual(['a', 'b', 'c', 'a']);
    pool.get('b')!.breaker.acquire().failure();
    expect([0, 1, 2].map(() => pool.select().id)).toEqual(['c', 'a', 'c']);
  });

  it('failover takes the first healthy lane in order', () => {
    const pool = make('failover');
    expect(pool.select().id).toBe('a');
    pool.get('a')!.breaker.acquire().failure();
    expect(pool.select().id).toBe('b');
    expect(pool.select(pool.get('b')).id).toBe('c');
  });

  it('least-loaded weighs running and waiting work by concurrency and weight', () => {
    const pool = make('least-loaded');
    const a = pool.get('a')!;
    const b = pool.get('b')!;
    const c = pool.get('c')!;
    const held = [a.queue.tryAcquire(), a.queue.tryAcquire(), c.queue.tryAcquire(), b.queue.tryAcquire()];
    // a: 2/5, b: 1/(5*2), c: 1/5 -> b
    expect(pool.select().id).toBe('b');
    for (const p of held) p?.release();
  });

  it('fails fast with the soonest retryAfterMs when every breaker is open', () => {
    const pool = make('least-loaded');
    for (const lane of pool.lanes()) lane.breaker.acquire().failure();
    const error = (() => {
      try {
        pool.select();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryAfterMs).toBe(30_000);
  });

  it('adds, updates and removes lanes at run time', () => {
    const pool = make('round-robin');
    const d = pool.add({ baseURL: 'http://127.0.0.1:4', apiKey: 'secret-key-d-123' });
    expect(d.id).toBe('endpoint_0');
    expect(() => pool.add({ id: 'a', baseURL: 'http://127.0.0.1:5' })).toThrow(/already exists/);
    pool.update('a', { queue: { concurrency: 9 }, apiKey: 'new-key-a-456789' });
    expect(pool.get('a')!.queue.concurrency).toBe(9);
    expect(pool.get('a')!.apiKey()).toBe('new-key-a-456789');
    pool.remove('b');
    expect(pool.lanes().map((l) => l.id)).toEqual(['a', 'c', 'endpoint_0']);
    expect(() => pool.remove('zzz')).toThrow(/unknown endpoint/);
    expect(inspect(pool.lanes(), { depth: 6 })).not.toMatch(/secret-key-d-123|new-key-a-456789/);
  });
});

describe('multiplexing through the backend', () => {
  let one: LoopbackServer;
  let two: LoopbackServer;
  let backend: Backend | undefined;
  beforeEach(async () => {
    one = await startLoopbackServer({ handler: (ex) => ex.json(200, {}) });
    two = await startLoopbackServer({ handler: (ex) => ex.json(200, {}) });
  });
  afterEach(async () => {
    await backend?.destroy();
    await one.close();
    await two.close();
  });

  it('sends each endpoint its own key and honours round-robin', async () => {
    backend = createBackend({
      provider: 'mux',
      strategy: 'round-robin',
      endpoints: [
        { id: 'one', baseURL: one.url(), apiKey: 'key-one-111111' },
        { id: 'two', baseURL: two.url(), apiKey: 'key-two-222222' },
      ],
    });
    for (let i = 0; i < 4; i++) await backend.call(echo);
    expect(one.exchanges.map((e) => e.headers.authorization)).toEqual([
      'Bearer key-one-111111',
      'Bearer key-one-111111',
    ]);
    expect(two.exchanges.map((e) => e.headers.authorization)).toEqual([
      'Bearer key-two-222222',
      'Bearer key-two-222222',
    ]);
    const stats = backend.stats();
    expect(stats.endpoints.one?.requests).toBe(2);
    expect(stats.endpoints.two?.requests).toBe(2);
    backend.resetStats('one');
    expect(backend.stats().endpoints.one?.requests).toBe(0);
    expect(backend.stats().endpoints.two?.requests).toBe(2);
    expect(() => backend?.resetStats('nope')).toThrow(InvalidRequestError);
  });

  it('keeps each endpoint within its own concurrency limit', async () => {
    const gauge = (server: LoopbackServer) => {
      const g = { now: 0, max: 0 };
      server.handle(async (ex) => {
        g.now++;
        g.max = Math.max(g.max, g.now);
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        g.now--;
        ex.json(200, {});
      });
      return g;
    };
    const g1 = gauge(one);
    const g2 = gauge(two);
    backend = createBackend({
      provider: 'mux',
      endpoints: [
        { id: 'one', baseURL: one.url(), queue: { concurrency: 2 } },
        { id: 'two', baseURL: two.url(), queue: { concurrency: 3 } },
      ],
    });
    await Promise.all(Array.from({ length: 40 }, () => backend!.call(echo)));
    expect(one.exchanges.length + two.exchanges.length).toBe(40);
    expect(g1.max).toBe(2);
    expect(g2.max).toBe(3);
  });

  it('avoids a failing endpoint: a retry after a 5xx goes to the other one', async () => {
    one.handle((ex) => ex.json(500, { error: 'broken' }));
    backend = createBackend({
      provider: 'mux',
      strategy: 'failover',
      retry: { initialDelayMs: 0, budget: false },
      endpoints: [
        { id: 'one', baseURL: one.url() },
        { id: 'two', baseURL: two.url() },
      ],
    });
    for (let i = 0; i < 7; i++) await backend.call(echo);
    // Each call fails once on `one`, then its retry lands on `two`, until `one`'s breaker opens after 5.
    expect(one.exchanges).toHaveLength(5);
    expect(two.exchanges).toHaveLength(7);
    expect(backend.lanes()[0]!.breaker.state).toBe('open');
  });
});
