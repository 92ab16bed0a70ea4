import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, type BackendOptions, createBackend } from './backend.js';
import { FakeClock } from './clock.js';
import {
  AbortError,
  AccelerateError,
  AuthenticationError,
  CircuitOpenError,
  DeadlineExceededError,
  InvalidRequestError,
  QueueFullError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './errors/index.js';
import { type LoopbackServer, startLoopbackServer } from './testing/loopback-server.js';
import { waitFor } from './testing/wait-for.js';

const KEY = 'sk-test-0123456789abcdefSECRET';

let server: LoopbackServer;
let clock: FakeClock;
const backends: Backend[] = [];

beforeEach(async () => {
  server = await startLoopbackServer();
  clock = new FakeClock(1_700_000_000_000);
});

afterEach(async () => {
  for (const b of backends.splice(0)) await b.destroy();
  await server.close();
});

function make(overrides: Partial<BackendOptions> = {}): Backend {
  const backend = createBackend({
    provider: 'test',
    endpoints: [{ id: 'a', baseURL: server.url('/v1'), apiKey: KEY }],
    retry: { jitter: 'none', initialDelayMs: 1000, budget: false },
    clock,
    protocol: { requestIdHeaders: ['x-request-id'], sendRequestIdHeader: 'x-client-request-id' },
    ...overrides,
  });
  backends.push(backend);
  return backend;
}

const echo = {
  operation: 'echo',
  path: '/echo',
  json: { hello: 'world' },
  parse: (r: { body: { json(): Promise<unknown> } }) => r.body.json(),
};

/** Advances the fake clock once the pipeline sleeps before a retry (its only timer due within `ms`). */
async function advanceWhenSleeping(ms: number): Promise<void> {
  await waitFor(() => clock.nextTimerAt() === clock.now() + ms, `a ${ms} ms timer`);
  await clock.advance(ms);
}

describe('Backend.call', () => {
  it('sends the request with credentials and ids, and tracks it', async () => {
    server.handle((ex) =>
      ex.json(
        200,
        { got: JSON.parse(ex.body.toString()) },
        {
          'x-request-id': 'prov-1',
          'x-ratelimit-remaining-requests': '59',
          'x-ratelimit-reset-requests': '1s',
        },
      ),
    );
    const backend = make();
    const result = await backend.call(echo, { requestId: 'req_mine' });
    expect(result).toEqual({ got: { hello: 'world' } });
    const ex = server.exchanges[0]!;
    expect(ex.method).toBe('POST');
    expect(ex.url).toBe('/v1/echo');
    expect(ex.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(ex.headers['content-type']).toBe('application/json');
    expect(ex.headers['x-client-request-id']).toBe('req_mine');
    const record = backend.findRequest('req_mine')!;
    expect(record).toMatchObject({
      outcome: 'success',
      lane: 'a',
      providerRequestId: 'prov-1',
      operation: 'echo',
    });
    expect(record.attempts).toHaveLength(1);
    expect(backend.stats()).toMatchObject({ requests: 1, succeeded: 1, failed: 0 });
    expect(backend.endpoints()[0]?.rateLimit).toEqual({
      remainingRequests: 59,
      resetRequestsMs: 1000,
      observedAt: clock.now(),
    });
  });

  it('retries a 500 after the backoff delay and records the attempts', async () => {
    let n = 0;
    server.handle((ex) =>
      n++ === 0 ? ex.json(500, { error: { message: 'boom' } }) : ex.json(200, { ok: true }),
    );
    const backend = make();
    const pending = backend.call(echo);
    await advanceWhenSleeping(1000);
    await expect(pending).resolves.toEqual({ ok: true });
    const [record] = backend.recentRequests(1);
    expect(record?.attempts.map((a) => [a.status, a.errorCode, a.delayBeforeMs, a.delaySource])).toEqual([
      [500, 'server_error', 0, 'none'],
      [200, undefined, 1000, 'backoff'],
    ]);
    expect(backend.stats()).toMatchObject({ requests: 1, succeeded: 1, retries: 1, attempts: 2 });
  });

  it('honours retry-after and pauses the whole lane meanwhile', async () => {
    let n = 0;
    server.handle((ex) =>
      n++ === 0
        ? ex.json(429, { error: { message: 'slow down' } }, { 'retry-after': '3' })
        : ex.json(200, { ok: n }),
    );
    const backend = make();
    const pending = backend.call(echo);
    await waitFor(() => backend.lanes()[0]!.queue.pausedUntil !== undefined, 'lane pause');
    expect(backend.lanes()[0]!.queue.pausedUntil).toBe(clock.now() + 3000);
    await advanceWhenSleeping(3000);
    await expect(pending).resolves.toEqual({ ok: 2 });
    expect(backend.recentRequests(1)[0]?.attempts[1]).toMatchObject({
      delayBeforeMs: 3000,
      delaySource: 'retry-after',
    });
  });

  it('fails at once when the server asks for a wait beyond the cap, keeping the hint', async () => {
    server.handle((ex) => ex.json(429, { error: { message: 'later' } }, { 'retry-after-ms': '90000' }));
    const backend = make();
    const error = await backend.call(echo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 90000, attempts: 1, status: 429 });
    expect(server.exchanges).toHaveLength(1);
    // The lane is paused for the hint; a new call fails fast instead of queueing behind it for 90 s.
    await expect(backend.call(echo)).rejects.toMatchObject({ code: 'rate_limited', retryable: false });
    expect(server.exchanges).toHaveLength(1);
  });

  it('does not retry caller errors and maps statuses to the taxonomy', async () => {
    server.handle((ex) =>
      ex.url.endsWith('/bad')
        ? ex.json(400, { error: { message: 'bad field' } })
        : ex.json(401, { error: 'nope' }),
    );
    const backend = make();
    const bad = await backend.call({ ...echo, path: '/bad' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidRequestError);
    expect((bad as Error).message).toBe('bad field');
    await expect(backend.call(echo)).rejects.toBeInstanceOf(AuthenticationError);
    expect(server.exchanges).toHaveLength(2);
    expect(backend.lanes()[0]!.breaker.state).toBe('closed');
  });

  it('x-should-retry overrides the status class', async () => {
    server.handle((ex) => ex.json(500, { error: 'final' }, { 'x-should-retry': 'false' }));
    const backend = make();
    await expect(backend.call(echo)).rejects.toMatchObject({
      code: 'server_error',
      retryable: false,
      attempts: 1,
    });
  });

  it('opens the breaker after 5 failures and then fails fast without a network call', async () => {
    server.handle((ex) => ex.json(503, { error: 'down' }));
    const backend = make({ retry: { maxRetries: 0 } });
    for (let i = 0; i < 5; i++)
      await expect(backend.call(echo)).rejects.toMatchObject({ code: 'overloaded' });
    const error = await backend.call(echo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryAfterMs).toBe(30_000);
    expect(server.exchanges).toHaveLength(5);
    // Half-open after 30 s: one probe goes through and closes it.
    server.handle((ex) => ex.json(200, { ok: true }));
    await clock.advance(30_000);
    await expect(backend.call(echo)).resolves.toEqual({ ok: true });
    expect(backend.lanes()[0]!.breaker.state).toBe('closed');
    expect(backend.stats().endpoints.a?.trips).toBe(1);
  });

  it('times out a hung attempt and retries it', async () => {
    server.handleOnce(() => {}); // never answers
    server.handle((ex) => ex.json(200, { ok: true }));
    const backend = make({ timeouts: { attemptMs: 5000 } });
    const pending = backend.call(echo);
    await waitFor(() => server.exchanges.length === 1, 'first exchange');
    await clock.advance(5000);
    await advanceWhenSleeping(1000);
    await expect(pending).resolves.toEqual({ ok: true });
    expect(backend.recentRequests(1)[0]?.attempts[0]).toMatchObject({ errorCode: 'timeout' });
  });

  it('gives up with TimeoutError when every attempt hangs', async () => {
    server.handle(() => {});
    const backend = make({
      timeouts: { attemptMs: 100 },
      retry: { maxRetries: 1, jitter: 'none', initialDelayMs: 10 },
    });
    const pending = backend.call(echo).catch((e: unknown) => e);
    await waitFor(() => server.exchanges.length === 1, 'first');
    await clock.advance(100);
    await advanceWhenSleeping(10);
    await waitFor(() => server.exchanges.length === 2, 'second');
    await clock.advance(100);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ kind: 'attempt', attempts: 2, provider: 'test' });
  });

  it('sheds at once when the queue is full, and an abort while queued leaves without a network call', async () => {
    server.handle(() => {});
    const backend = make({ queue: { concurrency: 1, capacity: 1 } });
    const first = backend.call(echo).catch((e: unknown) => e);
    await waitFor(() => server.exchanges.length === 1, 'first in flight');
    const controller = new AbortController();
    const queued = backend.call(echo, { signal: controller.signal }).catch((e: unknown) => e);
    await expect(backend.call(echo)).rejects.toBeInstanceOf(QueueFullError);
    controller.abort();
    expect(await queued).toBeInstanceOf(AbortError);
    expect(backend.lanes()[0]!.queue.size).toBe(0);
    await backend.destroy();
    expect(await first).toBeInstanceOf(AccelerateError);
    expect(server.exchanges).toHaveLength(1);
  });

  it('aborts an in-flight request and frees its slot', async () => {
    server.handle(() => {});
    const backend = make({ queue: { concurrency: 1 } });
    const controller = new AbortController();
    const pending = backend.call(echo, { signal: controller.signal }).catch((e: unknown) => e);
    await waitFor(() => server.exchanges.length === 1, 'in flight');
    controller.abort(new Error('user cancelled'));
    expect(await pending).toBeInstanceOf(AbortError);
    expect(backend.lanes()[0]!.queue.pending).toBe(0);
    await server.exchanges[0]!.socketClosed;
    expect(backend.recentRequests(1)[0]).toMatchObject({ outcome: 'aborted', errorCode: 'aborted' });
  });

  it('stops retrying when the next wait would pass the deadline', async () => {
    server.handle((ex) => ex.json(500, { error: 'x' }));
    const backend = make({ retry: { jitter: 'none', initialDelayMs: 4000, budget: false } });
    const pending = backend.call(echo, { deadlineMs: 10_000 }).catch((e: unknown) => e);
    await advanceWhenSleeping(4000);
    const error = await pending;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).cause).toBeInstanceOf(ServerError);
    expect(server.exchanges).toHaveLength(2);
  });

  it('rejects bad options before any network call', async () => {
    const backend = make();
    await expect(backend.call(echo, { priority: 'urgent' as never })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(backend.call(echo, { deadlineMs: -1 })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(() => make({ endpoints: [{ baseURL: 'ftp://x' }] })).toThrow(InvalidRequestError);
    expect(() => make({ endpoints: [] })).toThrow(/at least one endpoint/);
    expect(server.exchanges).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('never shows the key in errors, records, stats or inspect output', async () => {
    server.handle((ex) => ex.json(401, { error: { message: `Incorrect API key provided: ${KEY}` } }));
    const backend = make();
    const error = (await backend.call(echo).catch((e: unknown) => e)) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    const surfaces = [
      error.message,
      String(error.stack),
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
      inspect(backend, { depth: 5 }),
      JSON.stringify(backend),
      JSON.stringify(backend.stats()),
      JSON.stringify(backend.recentRequests()),
      inspect(backend.lanes(), { depth: 5 }),
    ];
    for (const text of surfaces) expect(text).not.toContain(KEY);
    expect(error.message).toContain('[REDACTED]');
  });
});

describe('Backend.execute and adapters', () => {
  it('runs custom work through the pipeline with retries and tracking', async () => {
    const backend = make();
    let calls = 0;
    const pending = backend.execute('custom', async (ctx) => {
      calls++;
      expect(ctx.lane.id).toBe('a');
      expect(ctx.lane.apiKey()).toBe(KEY);
      if (ctx.attempt === 1) throw new ServerError('first fails');
      return `done on attempt ${ctx.attempt}`;
    });
    await advanceWhenSleeping(1000);
    await expect(pending).resolves.toBe('done on attempt 2');
    expect(calls).toBe(2);
    expect(backend.recentRequests(1)[0]).toMatchObject({ operation: 'custom', outcome: 'success' });
    await expect(
      backend.execute('x', async () => 1, { retry: false, priority: 'bogus' as never }),
    ).rejects.toThrow(InvalidRequestError);
  });

  it('wraps an unexpected exception from provider code as a ResponseFormatError', async () => {
    server.handle((ex) => ex.json(200, { shape: 'unexpected' }));
    const backend = make();
    const error = await backend
      .call({
        ...echo,
        parse: () => {
          throw new TypeError("Cannot read properties of undefined (reading 'choices')");
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_response', retryable: false });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('uses the adapter error mapping, then applies header hints', async () => {
    server.handle((ex) =>
      ex.json(429, { error: { code: 'insufficient_quota', message: 'pay up' } }, { 'retry-after': '1' }),
    );
    const backend = make({
      protocol: {
        parseError: (res) => {
          const code = (res.bodyJson as { error?: { code?: string } }).error?.code;
          return code === 'insufficient_quota'
            ? new (class extends AccelerateError {
                readonly code = 'quota_exceeded';
                constructor() {
                  super('quota gone', false, { providerCode: code });
                }
              })()
            : undefined;
        },
      },
    });
    const error = await backend.call(echo).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'quota_exceeded', retryable: false, status: 429, attempts: 1 });
    expect(server.exchanges).toHaveLength(1);
    // Quota is not health: the breaker saw nothing.
    expect(backend.lanes()[0]!.breaker.snapshot().consecutiveFailures).toBe(0);
  });

  it('publishes request events on diagnostics_channel', async () => {
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const seen: string[] = [];
    const onStart = (m: unknown) => seen.push(`start:${(m as { record: { id: string } }).record.id}`);
    const onEnd = (m: unknown) => seen.push(`end:${(m as { record: { outcome: string } }).record.outcome}`);
    subscribe('ipfs-accelerate:request:start', onStart);
    subscribe('ipfs-accelerate:request:end', onEnd);
    try {
      server.handle((ex) => ex.json(200, {}));
      await make().call(echo, { requestId: 'req_diag' });
    } finally {
      unsubscribe('ipfs-accelerate:request:start', onStart);
      unsubscribe('ipfs-accelerate:request:end', onEnd);
    }
    expect(seen).toEqual(['start:req_diag', 'end:success']);
  });

  it('publishes breaker transitions and queue sheds on diagnostics_channel', async () => {
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const seen: unknown[] = [];
    const onBreaker = (m: unknown) => seen.push(m);
    const onReject = (m: unknown) => seen.push(m);
    subscribe('ipfs-accelerate:breaker:state', onBreaker);
    subscribe('ipfs-accelerate:queue:reject', onReject);
    try {
      server.handle((ex) => ex.json(500, { error: 'down' }));
      const backend = make({ retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 1 } });
      await expect(backend.call(echo)).rejects.toBeInstanceOf(ServerError);
      backend.lanes()[0]!.breaker.reset();
      server.handle(() => {});
      const tight = make({ queue: { concurrency: 1, capacity: 0 } });
      void tight.call(echo).catch(() => {});
      await waitFor(() => server.exchanges.length === 2, 'one in flight');
      await expect(tight.call(echo, { requestId: 'req_shed' })).rejects.toBeInstanceOf(QueueFullError);
    } finally {
      unsubscribe('ipfs-accelerate:breaker:state', onBreaker);
      unsubscribe('ipfs-accelerate:queue:reject', onReject);
    }
    expect(seen).toEqual([
      expect.objectContaining({
        provider: 'test',
        lane: 'a',
        from: 'closed',
        to: 'open',
        reason: 'consecutive-failures',
      }),
      expect.objectContaining({ provider: 'test', lane: 'a', from: 'open', to: 'closed', reason: 'reset' }),
      { provider: 'test', lane: 'a', requestId: 'req_shed', size: 0, pending: 1 },
    ]);
  });

  it('refuses calls after close', async () => {
    const backend = make();
    await backend.close();
    await expect(backend.call(echo)).rejects.toThrow(/closed/);
    expect(() =>
      backend.stream({ ...echo, decode: (b) => b, mapper: () => ({ map: () => undefined }) }),
    ).toThrow(/closed/);
  });
});
