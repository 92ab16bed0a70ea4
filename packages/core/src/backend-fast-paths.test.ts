/**
 * The pipeline's fast paths keep the behaviour of the slow ones: a refusal at admission, the lazily made
 * attempt signal, a redactor kept between errors, an adapter that signs asynchronously.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, type BackendOptions, createBackend } from './backend.js';
import { FakeClock } from './clock.js';
import { CircuitOpenError, QueueFullError, ServerError, TimeoutError } from './errors/index.js';
import { type LoopbackServer, startLoopbackServer } from './testing/loopback-server.js';
import { waitFor } from './testing/wait-for.js';

const KEY = 'sk-fast-0123456789abcdefSECRET';
let server: LoopbackServer;
let clock: FakeClock;
const backends: Backend[] = [];

beforeEach(async () => {
  server = await startLoopbackServer();
  clock = new FakeClock(1_000);
});

afterEach(async () => {
  for (const b of backends.splice(0)) await b.destroy();
  await server.close();
});

function make(overrides: Partial<BackendOptions> = {}): Backend {
  const backend = createBackend({
    provider: 'fast',
    endpoints: [{ id: 'a', baseURL: server.url('/v1'), apiKey: KEY }],
    retry: { maxRetries: 0 },
    clock,
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

describe('admission refused at once', () => {
  it('fails a call the full queue refuses without sending it, and records it like any failure', async () => {
    const backend = make({ queue: { concurrency: 1, capacity: 0 } });
    const running = backend.call(echo);
    const exchange = await server.nextExchange();
    const shed = await backend.call(echo, { requestId: 'req-shed' }).catch((e: unknown) => e);
    expect(shed).toBeInstanceOf(QueueFullError);
    expect(shed).toMatchObject({ requestId: 'req-shed', provider: 'fast', attempts: 0 });
    expect((shed as Error).message).toBe('queue full: 0 waiting, 1 running');
    exchange.respond(200, '{"ok":true}', { 'content-type': 'application/json' });
    await expect(running).resolves.toEqual({ ok: true });
    const stats = backend.stats();
    expect(stats.errorsByCode).toEqual({ queue_full: 1 });
    expect(stats.requests).toBe(2);
    expect(backend.findRequest('req-shed')).toMatchObject({ outcome: 'error', errorCode: 'queue_full' });
  });

  it('fails a call at once when every breaker is open', async () => {
    const backend = make({ breaker: { consecutiveFailures: 1 } });
    server.handleOnce((ex) => ex.respond(500, '{"error":{"message":"down"}}'));
    await expect(backend.call(echo)).rejects.toBeInstanceOf(ServerError);
    await expect(backend.call(echo)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(backend.stats().errorsByCode).toMatchObject({ circuit_open: 1 });
  });
});

describe('the attempt signal', () => {
  it('is made when a parser asks for it, and aborts when the attempt times out', async () => {
    const backend = make({ timeouts: { attemptMs: 500 } });
    let aborted: unknown;
    let parsing = false;
    const call = backend.call({
      ...echo,
      parse: (_response, ctx) =>
        new Promise((_resolve, reject) => {
          parsing = true;
          expect(ctx.signal.aborted).toBe(false);
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason;
            reject(ctx.signal.reason);
          });
        }),
    });
    const outcome = call.catch((e: unknown) => e);
    (await server.nextExchange()).respond(200, '{}', { 'content-type': 'application/json' });
    await waitFor(() => parsing, 'the parser');
    await clock.advance(500);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(aborted).toBe(await outcome);
  });
});

describe('redaction across endpoint changes', () => {
  it('redacts a key set after earlier errors were redacted with the old one', async () => {
    const backend = make();
    server.handle((ex) =>
      ex.respond(400, JSON.stringify({ error: { message: `bad key ${ex.headers.authorization}` } })),
    );
    const before = (await backend.call(echo).catch((e: unknown) => e)) as Error;
    expect(before.message).not.toContain(KEY);
    const rotated = 'sk-rotated-9876543210fedcbaNEWKEY';
    backend.updateEndpoint('a', { apiKey: rotated });
    const after = (await backend.call(echo).catch((e: unknown) => e)) as Error;
    expect(after.message).toContain('[REDACTED]');
    expect(after.message).not.toContain(rotated);
    expect(after.message).not.toContain('NEWKEY');
  });
});

describe('an adapter that signs asynchronously', () => {
  it('is awaited before the request is sent', async () => {
    const backend = make({
      protocol: {
        authorize: async (req, lane) => {
          await Promise.resolve();
          req.headers['x-signed'] = `sig-${lane.id}`;
        },
      },
    });
    const call = backend.call(echo);
    const exchange = await server.nextExchange();
    expect(exchange.headers['x-signed']).toBe('sig-a');
    exchange.respond(200, '{"ok":1}', { 'content-type': 'application/json' });
    await expect(call).resolves.toEqual({ ok: 1 });
  });
});
