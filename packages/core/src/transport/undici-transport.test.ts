import { createServer } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../clock.js';
import {
  AbortError,
  ConnectionError,
  DeadlineExceededError,
  InvalidRequestError,
  ResponseFormatError,
  ResponseTooLargeError,
  TimeoutError,
} from '../errors/index.js';
import { type LoopbackServer, startLoopbackServer } from '../testing/loopback-server.js';
import { DEFAULT_TRANSPORT_OPTIONS, type HttpRequest, UndiciTransport } from './undici-transport.js';

// Long enough that undici's own (real-time) header/body timers can never fire during a test: the
// fake clock drives ours.
const FIRST_BYTE_MS = 60_000;
const IDLE_MS = 30_000;

/** Observes a promise without awaiting it, so a test can assert that it is still pending. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

async function refusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

let server: LoopbackServer;
let clock: FakeClock;
let transport: UndiciTransport;

beforeEach(async () => {
  server = await startLoopbackServer();
  clock = new FakeClock();
  transport = new UndiciTransport({ clock });
});

afterEach(async () => {
  await transport.destroy();
  await server.close();
});

function get(path = '/', extra: Partial<HttpRequest> = {}): HttpRequest {
  return { url: server.url(path), method: 'GET', ...extra };
}

describe('UndiciTransport: requests and responses', () => {
  it('sends method, path, headers and a string body; returns status, lower-case headers and text', async () => {
    server.handle((ex) =>
      ex.respond(201, `got ${ex.method} ${ex.url} ${ex.headers['x-test']} ${ex.body}`, { 'X-Reply': 'yes' }),
    );
    const res = await transport.request({
      url: server.url('/a/b?q=1#frag'),
      method: 'POST',
      headers: { 'X-Test': 'abc', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-reply']).toBe('yes');
    expect(res.body.consumed).toBe(false);
    expect(await res.body.text()).toBe('got POST /a/b?q=1 abc hello');
    expect(res.body.consumed).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('sends Uint8Array and async-iterable bodies', async () => {
    server.handle((ex) => ex.respond(200, ex.body));
    const bytes = await transport.request({ ...get(), method: 'PUT', body: new Uint8Array([1, 2, 3]) });
    expect([...(await bytes.body.bytes())]).toEqual([1, 2, 3]);
    async function* parts() {
      yield new TextEncoder().encode('ab');
      yield new TextEncoder().encode('cd');
    }
    const streamed = await transport.request({ ...get(), method: 'POST', body: parts() });
    expect(await streamed.body.text()).toBe('abcd');
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    server.handle((ex) => ex.respond(200, 'ok'));
    for (let i = 0; i < 3; i++) {
      const res = await transport.request(get(`/${i}`));
      expect(await res.body.text()).toBe('ok');
      // undici hands a socket back to the pool one event-loop turn after a response ends (to catch
      // servers that close despite keep-alive); a request in the same turn would open a second one.
      await flushMicrotasks();
    }
    expect(server.connectionCount).toBe(1);
    expect(new Set(server.exchanges.map((ex) => ex.socketId))).toEqual(new Set([0]));
  });

  it('parses JSON, strips a BOM from text, and reads an empty body', async () => {
    server.handleOnce((ex) => ex.json(200, { a: [1, 'x'] }));
    expect(await (await transport.request(get())).body.json()).toEqual({ a: [1, 'x'] });
    server.handleOnce((ex) => ex.respond(200, '\uFEFFtext'));
    expect(await (await transport.request(get())).body.text()).toBe('text');
    server.handleOnce((ex) => ex.respond(204));
    const empty = await transport.request(get());
    expect(empty.status).toBe(204);
    expect((await empty.body.bytes()).length).toBe(0);
  });

  it('json() on a malformed body -> ResponseFormatError with a short excerpt, not the whole body', async () => {
    const garbage = `<html>${'x'.repeat(10_000)}</html>`;
    server.handle((ex) => ex.respond(502, garbage));
    const res = await transport.request(get());
    const error = await res.body.json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    const { message, status } = error as ResponseFormatError;
    expect(status).toBe(502);
    expect(message).toContain('<html>xxx');
    expect(message.length).toBeLessThan(300);
    server.handleOnce((ex) => ex.respond(200, ''));
    const emptyJson = await (await transport.request(get())).body.json().catch((e: unknown) => e);
    expect(emptyJson).toBeInstanceOf(ResponseFormatError);
  });

  it('iterates chunks as the server drips them', async () => {
    const pending = transport.request(get());
    const ex = await server.nextExchange();
    ex.writeHead(200, { 'content-type': 'text/plain' });
    const res = await pending;
    const iterator = res.body[Symbol.asyncIterator]();
    const decoder = new TextDecoder();
    for (const part of ['one', 'two', 'three']) {
      await ex.write(part);
      const { value, done } = await iterator.next();
      expect(done).toBe(false);
      expect(decoder.decode(value)).toBe(part);
    }
    ex.end();
    expect((await iterator.next()).done).toBe(true);
  });

  it('delivers a large body intact through the iterator (back-pressure pauses and resumes the socket)', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    server.handle((ex) => ex.respond(200, big));
    const res = await transport.request(get());
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it('skips 1xx informational responses and resolves with the final one', async () => {
    server.handle((ex) => {
      ex.res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      ex.respond(200, 'final');
    });
    const res = await transport.request(get());
    expect(res.status).toBe(200);
    expect(await res.body.text()).toBe('final');
  });

  it('maps a dispatcher that throws synchronously', async () => {
    const throwing = {
      dispatch: () => {
        throw Object.assign(new Error('boom'), { code: 'ECONNRESET' });
      },
    } as unknown as Dispatcher;
    const t = new UndiciTransport({ dispatcher: throwing, clock });
    await expect(t.request(get())).rejects.toBeInstanceOf(ConnectionError);
  });

  it('does not follow redirects', async () => {
    server.handle((ex) => ex.respond(302, '', { location: '/elsewhere' }));
    const res = await transport.request(get('/start'));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/elsewhere');
    await res.body.text();
    expect(server.exchanges.map((ex) => ex.url)).toEqual(['/start']);
  });

  it('passes explicit undici timeouts: 0 by default, our values when given', async () => {
    const agent = new Agent();
    const seen: Dispatcher.DispatchOptions[] = [];
    const spy = {
      dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
        seen.push(options);
        return agent.dispatch(options, handler);
      },
    } as unknown as Dispatcher;
    server.handle((ex) => ex.respond(200, 'ok'));
    const spied = new UndiciTransport({ dispatcher: spy, clock });
    await (await spied.request(get())).body.text();
    await (await spied.request(get('/', { firstByteTimeoutMs: 1234, idleTimeoutMs: 567 }))).body.text();
    expect(seen.map((o) => [o.headersTimeout, o.bodyTimeout])).toEqual([
      [0, 0],
      [1234, 567],
    ]);
    await spied.close();
    expect(agent.closed).toBe(false); // a supplied dispatcher is not ours to close
    await agent.close();
  });
});

describe('UndiciTransport: validation before any I/O', () => {
  it.each([
    ['ftp://127.0.0.1/x'],
    ['file:///etc/passwd'],
    ['/relative/path'],
    ['not a url'],
    ['http://user:pass@127.0.0.1/'],
  ])('rejects the URL %s with InvalidRequestError', async (url) => {
    await expect(transport.request({ url, method: 'GET' })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(server.connectionCount).toBe(0);
  });

  it('rejects header values with CR or LF without echoing the value', async () => {
    for (const value of ['sk-secret\r\nx-evil: 1', 'sk-secret\nx', 'sk-secret\r']) {
      const error = await transport
        .request(get('/', { headers: { 'x-api-key': value } }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toContain('x-api-key');
      expect(JSON.stringify((error as InvalidRequestError).toJSON())).not.toContain('sk-secret');
    }
    await expect(transport.request(get('/', { headers: { 'x\r\ny': 'v' } }))).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(server.connectionCount).toBe(0);
  });

  it('rejects bad methods, timeouts and limits', async () => {
    await expect(transport.request({ url: server.url(), method: '' })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(transport.request(get('/', { firstByteTimeoutMs: -1 }))).rejects.toThrow(
      /firstByteTimeoutMs/,
    );
    await expect(transport.request(get('/', { idleTimeoutMs: 0 }))).rejects.toThrow(/idleTimeoutMs/);
    await expect(transport.request(get('/', { maxResponseBytes: Number.NaN }))).rejects.toThrow(
      /maxResponseBytes/,
    );
    expect(server.connectionCount).toBe(0);
  });

  it('validates its options', () => {
    expect(() => new UndiciTransport({ connections: 0 })).toThrow(InvalidRequestError);
    expect(() => new UndiciTransport({ connectTimeoutMs: Number.NaN })).toThrow(/connectTimeoutMs/);
    expect(() => new UndiciTransport({ maxResponseBytes: -1 })).toThrow(/maxResponseBytes/);
    expect(() => new UndiciTransport({ dispatcher: new Agent(), connections: 2 })).toThrow(/dispatcher/);
    expect(DEFAULT_TRANSPORT_OPTIONS).toEqual({
      connections: 64,
      connectTimeoutMs: 10_000,
      keepAliveTimeoutMs: 4_000,
      maxResponseBytes: 32 * 1024 * 1024,
    });
  });

  it('refuses requests after close()', async () => {
    await transport.close();
    const error = await transport.request(get()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
  });
});

describe('UndiciTransport: timeouts on the injected clock', () => {
  it('first-byte timeout when the server never sends headers', async () => {
    const state = track(transport.request(get('/', { firstByteTimeoutMs: FIRST_BYTE_MS })));
    const ex = await server.nextExchange();
    await clock.advance(FIRST_BYTE_MS - 1);
    expect(state.settled).toBe(false);
    await clock.advance(1);
    expect(state.error).toBeInstanceOf(TimeoutError);
    expect((state.error as TimeoutError).kind).toBe('first-byte');
    expect((state.error as TimeoutError).retryable).toBe(true);
    await ex.socketClosed; // the request was destroyed, not left running
    expect(clock.pendingTimers).toBe(0);
  });

  it('idle timeout when the server sends one chunk and stalls', async () => {
    const pending = transport.request(get('/', { idleTimeoutMs: IDLE_MS }));
    const ex = await server.nextExchange();
    ex.writeHead(200);
    await ex.write('first');
    const iterator = (await pending).body[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const next = track(iterator.next());
    await clock.advance(IDLE_MS - 1);
    expect(next.settled).toBe(false);
    await clock.advance(1);
    expect(next.error).toBeInstanceOf(TimeoutError);
    expect((next.error as TimeoutError).kind).toBe('idle');
    await ex.socketClosed;
  });

  it('measures idle as the gap between chunks, not the total time (one timer, re-armed lazily)', async () => {
    const pending = transport.request(get('/', { idleTimeoutMs: 1_000 }));
    const ex = await server.nextExchange();
    ex.writeHead(200);
    const iterator = (await pending).body[Symbol.asyncIterator]();
    await clock.advance(600);
    await ex.write('a');
    expect((await iterator.next()).done).toBe(false);
    const timersAfterChunk = clock.pendingTimers;
    expect(timersAfterChunk).toBe(1); // a chunk does not add timers
    const next = track(iterator.next());
    await clock.advance(600); // 1200 since headers, 600 since the chunk
    expect(next.settled).toBe(false);
    await clock.advance(400);
    expect(next.error).toBeInstanceOf(TimeoutError);
    expect((next.error as TimeoutError).kind).toBe('idle');
  });

  it('idle timeout applies to text() too', async () => {
    const pending = transport.request(get('/', { idleTimeoutMs: IDLE_MS }));
    const ex = await server.nextExchange();
    ex.writeHead(200);
    await ex.write('partial');
    const text = track((await pending).body.text());
    await clock.advance(IDLE_MS);
    expect(text.error).toBeInstanceOf(TimeoutError);
    expect((text.error as TimeoutError).kind).toBe('idle');
  });

  it('a completed exchange leaves no timers and no abort listener behind', async () => {
    server.handle((ex) => ex.respond(200, 'ok'));
    const controller = new AbortController();
    const res = await transport.request(
      get('/', { firstByteTimeoutMs: FIRST_BYTE_MS, idleTimeoutMs: IDLE_MS, signal: controller.signal }),
    );
    await res.body.text();
    expect(clock.pendingTimers).toBe(0);
    controller.abort(); // must not throw or touch the finished exchange
  });
});

describe('UndiciTransport: connection failures', () => {
  it('connection refused -> retryable ConnectionError with the socket error as cause', async () => {
    const port = await refusedPort();
    const error = await transport
      .request({
        url: `http://127.0.0.1:${port}/`,
        method: 'GET',
        headers: { authorization: 'Bearer sk-secret' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(true);
    expect((error as ConnectionError).message).toContain('ECONNREFUSED');
    expect(JSON.stringify((error as ConnectionError).toJSON())).not.toContain('sk-secret');
  });

  it('reset before headers -> ConnectionError', async () => {
    server.handleOnce((ex) => ex.reset());
    await expect(transport.request(get())).rejects.toBeInstanceOf(ConnectionError);
    server.handleOnce((ex) => ex.destroy());
    await expect(transport.request(get())).rejects.toBeInstanceOf(ConnectionError);
  });

  it('reset after headers, mid-body -> the read fails with ConnectionError', async () => {
    const pending = transport.request(get());
    const ex = await server.nextExchange();
    ex.writeHead(200, { 'content-length': '100' });
    await ex.write('ten bytes!');
    const iterator = (await pending).body[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    ex.reset();
    await expect(iterator.next()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('a body cut short (FIN before content-length) -> text() fails with ConnectionError', async () => {
    const pending = transport.request(get());
    const ex = await server.nextExchange();
    ex.writeHead(200, { 'content-length': '100' });
    await ex.write('ten bytes!');
    const text = (await pending).body.text();
    ex.destroy();
    await expect(text).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe('UndiciTransport: size limit', () => {
  it('a streamed (chunked) body over the limit -> ResponseTooLargeError and the connection is closed', async () => {
    const limited = new UndiciTransport({ clock, maxResponseBytes: 1_000 });
    try {
      const pending = limited.request(get());
      const ex = await server.nextExchange();
      ex.writeHead(200);
      await ex.write('x'.repeat(600));
      const text = track((await pending).body.text());
      await ex.write('x'.repeat(600));
      await ex.socketClosed;
      await clock.advance(0);
      expect(text.error).toBeInstanceOf(ResponseTooLargeError);
      expect((text.error as ResponseTooLargeError).limitBytes).toBe(1_000);
      expect((text.error as ResponseTooLargeError).status).toBe(200);
    } finally {
      await limited.destroy();
    }
  });

  it('a declared content-length over the limit fails the body without reading it', async () => {
    server.handle((ex) => ex.respond(200, 'y'.repeat(5_000)));
    const res = await transport.request(get('/', { maxResponseBytes: 4_999 }));
    expect(res.status).toBe(200);
    await expect(res.body.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
    const exact = await transport.request(get('/', { maxResponseBytes: 5_000 }));
    expect((await exact.body.text()).length).toBe(5_000);
  });

  it('HEAD: a large declared content-length describes no body and is not over the limit', async () => {
    server.handle((ex) => {
      ex.res.writeHead(200, { 'content-length': '999999999' });
      ex.res.end();
    });
    const head = await transport.request({ ...get(), method: 'HEAD', maxResponseBytes: 10 });
    expect(head.headers['content-length']).toBe('999999999');
    expect((await head.body.bytes()).length).toBe(0);
  });

  it('the limit applies to the iterator as well', async () => {
    server.handle((ex) => ex.respond(200, 'z'.repeat(2_000)));
    const res = await transport.request(get('/', { maxResponseBytes: 1_500 }));
    const read = async () => {
      for await (const _ of res.body) {
        // drain
      }
    };
    await expect(read()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});

describe('UndiciTransport: abort', () => {
  it('an already aborted signal rejects before any I/O', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const error = await transport.request(get('/', { signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toEqual(new Error('stop'));
    expect(server.connectionCount).toBe(0);
  });

  it('abort before headers -> AbortError (cause = reason), and the request is destroyed', async () => {
    const controller = new AbortController();
    const state = track(transport.request(get('/', { signal: controller.signal })));
    const ex = await server.nextExchange();
    const reason = new Error('user gave up');
    controller.abort(reason);
    await clock.advance(0);
    expect(state.error).toBeInstanceOf(AbortError);
    expect((state.error as AbortError).cause).toBe(reason);
    await ex.socketClosed;
  });

  it('abort while the request still waits for a connection rejects at once and never sends it', async () => {
    const single = new UndiciTransport({ clock, connections: 1 });
    try {
      const first = single.request(get('/first'));
      const ex = await server.nextExchange();
      const controller = new AbortController();
      const queued = track(
        single.request(get('/queued', { signal: controller.signal, firstByteTimeoutMs: FIRST_BYTE_MS })),
      );
      controller.abort();
      await clock.advance(0);
      expect(queued.error).toBeInstanceOf(AbortError);
      expect(clock.pendingTimers).toBe(0);
      ex.respond(200, 'done');
      expect(await (await first).body.text()).toBe('done');
      server.handle((e) => e.respond(200, 'later'));
      expect(await (await single.request(get('/after'))).body.text()).toBe('later');
      expect(server.exchanges.map((e) => e.url)).toEqual(['/first', '/after']);
    } finally {
      await single.destroy();
    }
  });

  it('an AccelerateError reason (the attempt timeout) is thrown as is', async () => {
    const controller = new AbortController();
    const state = track(transport.request(get('/', { signal: controller.signal })));
    await server.nextExchange();
    const attemptTimeout = new TimeoutError('attempt timed out', { kind: 'attempt' });
    controller.abort(attemptTimeout);
    await clock.advance(0);
    expect(state.error).toBe(attemptTimeout);
  });

  it('abort mid-body -> the read fails with AbortError, or the AccelerateError reason as is', async () => {
    for (const reason of [undefined, new DeadlineExceededError()]) {
      const controller = new AbortController();
      const pending = transport.request(get('/', { signal: controller.signal }));
      const ex = await server.nextExchange();
      ex.writeHead(200);
      await ex.write('part');
      const iterator = (await pending).body[Symbol.asyncIterator]();
      await iterator.next();
      const next = track(iterator.next());
      controller.abort(reason);
      await clock.advance(0);
      if (reason === undefined) expect(next.error).toBeInstanceOf(AbortError);
      else expect(next.error).toBe(reason);
      await ex.socketClosed;
    }
  });
});

describe('UndiciTransport: cancel', () => {
  it('cancel() frees the socket, is idempotent and marks the body consumed', async () => {
    const pending = transport.request(get());
    const ex = await server.nextExchange();
    ex.writeHead(200);
    await ex.write('never read');
    const res = await pending;
    res.body.cancel('not needed');
    res.body.cancel();
    expect(res.body.consumed).toBe(true);
    await ex.socketClosed;
    await expect(res.body.text()).rejects.toBeInstanceOf(TypeError);
    expect(() => res.body[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it('breaking out of for-await cancels the body and closes the socket', async () => {
    const pending = transport.request(get());
    const ex = await server.nextExchange();
    ex.writeHead(200);
    await ex.write('chunk');
    for await (const chunk of (await pending).body) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    await ex.socketClosed;
  });

  it('a pending iterator read ends when the body is cancelled elsewhere; a pending text() rejects', async () => {
    const pending = transport.request(get());
    const ex = await server.nextExchange();
    ex.writeHead(200);
    const res = await pending;
    const iterator = res.body[Symbol.asyncIterator]();
    const next = iterator.next();
    res.body.cancel();
    expect(await next).toEqual({ done: true, value: undefined });

    const pending2 = transport.request(get());
    const ex2 = await server.nextExchange();
    ex2.writeHead(200);
    const res2 = await pending2;
    const text = res2.body.text();
    res2.body.cancel();
    await expect(text).rejects.toBeInstanceOf(AbortError);
  });

  it('cancel() after the body fully arrived is harmless: the connection is reused', async () => {
    server.handle((ex) => ex.respond(200, 'small'));
    const first = await transport.request(get());
    const iterator = first.body[Symbol.asyncIterator]();
    while (!(await iterator.next()).done) {
      // read to the end
    }
    first.body.cancel();
    await flushMicrotasks();
    const second = await transport.request(get());
    expect(await second.body.text()).toBe('small');
    expect(server.connectionCount).toBe(1);
  });
});
