/**
 * Security properties of the core, end to end through `createBackend` on loopback servers: redirects are
 * never followed (so credentials never reach another origin), only absolute http(s) base URLs without
 * credentials are accepted, header values with CR or LF never leave the process, response bodies and SSE
 * events are capped with the socket released, and the key never shows in what a user can observe (there is
 * no logger in the core: diagnostics events, records, stats and `util.inspect` are its only output).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  type BackendOptions,
  type CallSpec,
  createBackend,
  type StreamSpec,
} from '../backend.js';
import { FakeClock } from '../clock.js';
import {
  AccelerateError,
  InvalidRequestError,
  ResponseFormatError,
  ResponseTooLargeError,
} from '../errors/index.js';
import { decodeSse, type SseEvent } from '../streams/sse-decoder.js';
import { type LoopbackServer, startLoopbackServer } from '../testing/loopback-server.js';
import { DIAGNOSTIC_CHANNELS } from '../tracking/diagnostics.js';
import { UndiciTransport } from './undici-transport.js';

const KEY = 'key-under-test-7f3a9c2e51d04b86';
const REDIRECTS = [301, 302, 303, 307, 308] as const;

let server: LoopbackServer;
let other: LoopbackServer;
let clock: FakeClock;
const backends: Backend[] = [];

beforeEach(async () => {
  server = await startLoopbackServer();
  other = await startLoopbackServer({ handler: (ex) => ex.json(200, { stolen: true }) });
  clock = new FakeClock(1_700_000_000_000);
});

afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.destroy();
  await server.close();
  await other.close();
});

function make(overrides: Partial<BackendOptions> = {}): Backend {
  const backend = createBackend({
    provider: 'test',
    endpoints: [{ id: 'a', baseURL: server.url('/v1'), apiKey: KEY }],
    retry: { jitter: 'none', initialDelayMs: 100, budget: false },
    clock,
    ...overrides,
  });
  backends.push(backend);
  return backend;
}

/** A call whose parse ignores the body: it succeeds on any response the pipeline lets through. */
const anyBody: CallSpec<string> = {
  operation: 'post',
  path: '/thing',
  json: { a: 1 },
  parse: async (response) => {
    await response.body.text();
    return 'parsed';
  },
};

const jsonBody: CallSpec<unknown> = { operation: 'json', path: '/thing', parse: (r) => r.body.json() };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Every text a user could see of an error: message, stack, String, JSON and inspect, causes included. */
function errorTexts(error: unknown): string {
  const texts = [inspect(error, { depth: 10 }), String(error), JSON.stringify(error)];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    texts.push(current.message, current.stack ?? '');
    current = current.cause;
  }
  return texts.join('\n');
}

describe('redirects are never followed', () => {
  it.each(REDIRECTS)(
    'transport: a %i to another origin comes back as is and the other origin receives nothing',
    async (status) => {
      server.handle((ex) => ex.respond(status, '', { location: other.url('/steal') }));
      const transport = new UndiciTransport({ clock });
      try {
        const response = await transport.request({
          url: server.url('/start'),
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}` },
          body: '{}',
        });
        expect(response.status).toBe(status);
        expect(response.headers.location).toBe(other.url('/steal'));
        await response.body.text();
      } finally {
        await transport.destroy();
      }
      expect(server.exchanges).toHaveLength(1);
      expect(other.connectionCount).toBe(0);
    },
  );

  it.each(REDIRECTS)(
    'createBackend: a %i is a typed, non-retried error with its status; the credentials stay home',
    async (status) => {
      server.handle((ex) =>
        // A body that would parse as a success: a redirect must fail whatever it carries.
        ex.json(status, { ok: true }, { location: other.url('/steal') }),
      );
      const backend = make({ retry: { maxRetries: 3, jitter: 'none', budget: false } });
      for (const spec of [anyBody, jsonBody] as CallSpec<unknown>[]) {
        const error = await rejection(backend.call(spec));
        expect(AccelerateError.isInstance(error)).toBe(true);
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect((error as AccelerateError).status).toBe(status);
        expect((error as AccelerateError).retryable).toBe(false);
        expect((error as AccelerateError).provider).toBe('test');
      }
      expect(server.exchanges).toHaveLength(2);
      expect(server.exchanges[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(other.connectionCount).toBe(0);
      expect(other.exchanges).toHaveLength(0);
      // A redirect says nothing about the endpoint's health.
      expect(backend.lanes()[0]?.breaker.state).toBe('closed');
    },
  );

  it('a relative Location is not followed either, and a redirect on a stream is a typed error', async () => {
    server.handle((ex) => ex.respond(307, '', { location: '/v1/elsewhere' }));
    const backend = make();
    await expect(backend.call(anyBody)).rejects.toMatchObject({ status: 307, code: 'invalid_request' });
    const stream = backend.stream({
      operation: 'stream',
      path: '/stream',
      json: {},
      decode: (body) => decodeSse(body),
      mapper: () => ({ map: (frame: SseEvent) => frame.data }),
    });
    const error = await rejection(
      (async () => {
        for await (const _ of stream) {
          // nothing arrives
        }
      })(),
    );
    expect(AccelerateError.isInstance(error)).toBe(true);
    expect((error as AccelerateError).status).toBe(307);
    expect(server.exchanges.map((ex) => ex.url)).toEqual(['/v1/thing', '/v1/stream']);
  });
});

describe('only absolute http(s) base URLs, without credentials, query or fragment', () => {
  const SECRET = 'hunter2-secret-value';
  const BAD = [
    'file:///etc/passwd',
    'ftp://127.0.0.1/pub',
    'javascript:alert(1)',
    'data:text/plain,hello',
    'ws://127.0.0.1:1/socket',
    'wss://127.0.0.1:1/socket',
    '/v1',
    'v1/chat',
    '//127.0.0.1/v1',
    '',
    `http://user:${SECRET}@127.0.0.1/v1`,
    `https://:${SECRET}@127.0.0.1/v1`,
    `http://user:${SECRET}@[not-a-host/v1`,
    `htt p://user:${SECRET}@127.0.0.1/v1`,
    `http:user:${SECRET}@[::1/v1`,
    `http://127.0.0.1/v1?key=${SECRET}`,
    `http://127.0.0.1/v1#${SECRET}`,
  ];

  it.each(BAD)('createBackend refuses %j with InvalidRequestError, quoting no secret', (baseURL) => {
    let error: unknown;
    try {
      make({ endpoints: [{ baseURL, apiKey: KEY }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(errorTexts(error)).not.toContain(SECRET);
  });

  it('addEndpoint and updateEndpoint refuse them too, leaving the endpoints as they were', async () => {
    const backend = make();
    for (const baseURL of BAD) {
      expect(() => backend.addEndpoint({ baseURL })).toThrow(InvalidRequestError);
      expect(() => backend.updateEndpoint('a', { baseURL, weight: 3 })).toThrow(InvalidRequestError);
    }
    expect(backend.endpoints()).toMatchObject([{ id: 'a', baseURL: server.url('/v1'), weight: 1 }]);
    server.handle((ex) => ex.json(200, { ok: true }));
    await expect(backend.call(jsonBody)).resolves.toEqual({ ok: true });
  });

  it('per request: a URL an adapter rewrote to another scheme or with credentials fails before any I/O', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', `http://u:${SECRET}@127.0.0.1:1/x`]) {
      const backend = make({
        protocol: {
          authorize(request) {
            request.url = new URL(url);
          },
        },
        retry: { maxRetries: 2, budget: false },
      });
      const error = await rejection(backend.call(anyBody));
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(errorTexts(error)).not.toContain(SECRET);
    }
    expect(server.connectionCount).toBe(0);
  });

  it('per request: the transport refuses them before any I/O', async () => {
    const transport = new UndiciTransport({ clock });
    try {
      // A query string is fine in a request URL (only a base URL must not have one).
      const urls = BAD.filter((url) => !/[?#]/.test(url));
      for (const url of [...urls, 'http://[::1', server.url('/').replace('http:', 'ws:')]) {
        const error = await rejection(transport.request({ url, method: 'GET' }));
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect(errorTexts(error)).not.toContain(SECRET);
      }
    } finally {
      await transport.destroy();
    }
    expect(server.connectionCount).toBe(0);
  });
});

describe('header values with CR or LF never leave the process', () => {
  const INJECTED = ['sk-injected\r\nx-evil: 1', 'sk-injected\nx-evil: 1', 'sk-injected\r'];

  it.each(INJECTED)('an apiKey %j is refused when the client is built, without echoing it', (apiKey) => {
    let error: unknown;
    try {
      make({ endpoints: [{ baseURL: server.url('/v1'), apiKey }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(errorTexts(error)).not.toContain('sk-injected');
  });

  it('endpoint headers, addEndpoint and updateEndpoint refuse them too, leaving the lane as it was', async () => {
    for (const value of INJECTED) {
      expect(() =>
        make({ endpoints: [{ baseURL: server.url('/v1'), headers: { 'x-custom': value } }] }),
      ).toThrow(InvalidRequestError);
    }
    const backend = make();
    expect(() => backend.addEndpoint({ baseURL: server.url('/v1'), apiKey: INJECTED[0] })).toThrow(
      InvalidRequestError,
    );
    expect(() => backend.updateEndpoint('a', { apiKey: INJECTED[1], weight: 2 })).toThrow(
      InvalidRequestError,
    );
    expect(() => backend.updateEndpoint('a', { headers: { 'x-custom': INJECTED[2] as string } })).toThrow(
      InvalidRequestError,
    );
    expect(backend.endpoints()).toMatchObject([{ id: 'a', weight: 1 }]);
    server.handle((ex) => ex.json(200, { auth: ex.headers.authorization, custom: ex.headers['x-custom'] }));
    await expect(backend.call(jsonBody)).resolves.toEqual({ auth: `Bearer ${KEY}` });
  });

  it('protocol, operation, per-call and adapter-made headers fail the request before any I/O', async () => {
    const value = INJECTED[0] as string;
    const cases: Array<{ options: Partial<BackendOptions>; spec: CallSpec<string>; headers?: object }> = [
      { options: { protocol: { headers: { 'x-version': value } } }, spec: anyBody },
      { options: {}, spec: { ...anyBody, headers: { 'x-operation': value } } },
      { options: {}, spec: anyBody, headers: { 'x-per-call': value } },
      {
        options: {
          protocol: {
            authorize(request) {
              request.headers['x-api-key'] = value;
            },
          },
        },
        spec: anyBody,
      },
    ];
    for (const { options, spec, headers } of cases) {
      const backend = make({ ...options, retry: { maxRetries: 2, budget: false } });
      const error = await rejection(
        backend.call(
          spec,
          headers === undefined ? undefined : { headers: headers as Record<string, string> },
        ),
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(errorTexts(error)).not.toContain('sk-injected');
      expect(JSON.stringify(backend.recentRequests())).not.toContain('sk-injected');
    }
    expect(server.connectionCount).toBe(0);
  });
});

describe('response bodies are capped and the socket released', () => {
  it('a JSON body over maxResponseBytes is a ResponseTooLargeError; the connection closes, the slot frees', async () => {
    const backend = make({ maxResponseBytes: 1_000, retry: { maxRetries: 0 } });
    // Declared length over the limit: refused without reading it.
    server.handleOnce((ex) => ex.json(200, { pad: 'x'.repeat(5_000) }));
    const declared = await rejection(backend.call(jsonBody));
    expect(declared).toBeInstanceOf(ResponseTooLargeError);
    expect((declared as ResponseTooLargeError).limitBytes).toBe(1_000);
    await server.exchanges[0]?.socketClosed;
    // Chunked, no declared length: cut when the running total passes the limit.
    const pending = backend.call(jsonBody);
    const ex = await server.nextExchange();
    ex.writeHead(200, { 'content-type': 'application/json' });
    await ex.write(`{"pad":"${'y'.repeat(600)}`);
    await ex.write('y'.repeat(600));
    const chunked = await rejection(pending);
    expect(chunked).toBeInstanceOf(ResponseTooLargeError);
    expect((chunked as ResponseTooLargeError).status).toBe(200);
    await ex.socketClosed;
    await server.waitForOpenConnections(0);
    expect(backend.lanes()[0]?.queue.pending).toBe(0);
    expect(backend.stats()).toMatchObject({ requests: 2, failed: 2 });
  });

  it('an SSE event over maxEventBytes is a typed error; the stream socket closes and the slot frees', async () => {
    const backend = make({ retry: { maxRetries: 0 } });
    const spec: StreamSpec<SseEvent, string> = {
      operation: 'stream',
      path: '/stream',
      json: {},
      decode: (body) => decodeSse(body, { maxEventBytes: 100 }),
      mapper: () => ({ map: (frame) => frame.data }),
    };
    // First a content event (the stream is committed), then one that never ends.
    const seen: string[] = [];
    const drained = (async () => {
      for await (const event of backend.stream(spec)) seen.push(event);
    })();
    const ex = await server.nextExchange();
    ex.writeHead(200, { 'content-type': 'text/event-stream' });
    await ex.write('data: first\n\n');
    await ex.write(`data: ${'z'.repeat(60)}`);
    await ex.write('z'.repeat(60));
    const error = await rejection(drained);
    expect(AccelerateError.isInstance(error)).toBe(true);
    expect((error as AccelerateError).code).toMatch(/^(invalid_response|stream_error)$/);
    expect(errorTexts(error)).toMatch(/100/);
    expect(seen).toEqual(['first']);
    await ex.socketClosed;
    expect(backend.lanes()[0]?.queue.pending).toBe(0);

    // Before any content: the same limit, a ResponseFormatError, and the socket closes too.
    const early = (async () => {
      for await (const _ of backend.stream(spec)) {
        // nothing is dispatched
      }
    })();
    const second = await server.nextExchange();
    second.writeHead(200, { 'content-type': 'text/event-stream' });
    await second.write(`data: ${'q'.repeat(200)}`);
    expect(await rejection(early)).toBeInstanceOf(ResponseFormatError);
    await second.socketClosed;
    await server.waitForOpenConnections(0);
    expect(backend.lanes()[0]?.queue.pending).toBe(0);
  });
});

describe('the key never reaches what a user can observe (the core has no logger)', () => {
  it('diagnostics events, records, stats, inspect and errors of a backend never show the key', async () => {
    const published: string[] = [];
    const listener = (message: unknown, name: string | symbol): void => {
      published.push(`${String(name)} ${inspect(message, { depth: 10 })}`);
    };
    const names = Object.values(DIAGNOSTIC_CHANNELS);
    for (const name of names) diagnosticsChannel.subscribe(name, listener);
    try {
      const backend = make({ retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 1 } });
      server.handle((ex) => {
        // A service that echoes the credential it got, in the body and in a header.
        const echoed = String(ex.headers.authorization);
        if (ex.url.endsWith('/ok')) ex.json(200, { ok: true, echoed }, { 'x-echo': echoed });
        else ex.json(401, { error: { message: `invalid credential: ${echoed}` } }, { 'x-echo': echoed });
      });
      await expect(backend.call({ ...jsonBody, path: '/ok' })).resolves.toMatchObject({ ok: true });
      const auth = await rejection(backend.call(jsonBody));
      expect((auth as AccelerateError).code).toBe('authentication_failed');
      server.handle((ex) =>
        ex.json(500, { error: { message: `upstream said ${ex.headers.authorization}` } }),
      );
      const failed = await rejection(backend.call(jsonBody));
      expect((failed as AccelerateError).code).toBe('server_error');
      expect(published.length).toBeGreaterThan(0);
      const observed = [
        ...published,
        errorTexts(auth),
        errorTexts(failed),
        inspect(backend, { depth: 10 }),
        JSON.stringify(backend),
        JSON.stringify(backend.stats()),
        JSON.stringify(backend.recentRequests()),
        inspect(backend.lanes(), { depth: 10 }),
      ].join('\n');
      expect(observed).toContain('[REDACTED]');
      expect(observed).not.toContain(KEY);
    } finally {
      for (const name of names) diagnosticsChannel.unsubscribe(name, listener);
    }
  });
});
