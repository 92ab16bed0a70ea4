import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, createBackend, type StreamSpec } from './backend.js';
import { FakeClock } from './clock.js';
import { AbortError, InvalidRequestError, ServerError, StreamError } from './errors/index.js';
import { decodeSse, type SseEvent } from './streams/sse-decoder.js';
import {
  type LoopbackExchange,
  type LoopbackServer,
  startLoopbackServer,
} from './testing/loopback-server.js';
import { collect, waitFor } from './testing/wait-for.js';

type Ev = { type: 'delta'; text: string } | { type: 'finish'; tokens: number };

let server: LoopbackServer;
let clock: FakeClock;
let backend: Backend;

beforeEach(async () => {
  server = await startLoopbackServer();
  clock = new FakeClock(0);
  backend = createBackend({
    provider: 'sse-test',
    endpoints: [{ id: 'a', baseURL: server.url(), apiKey: 'k-123456789' }],
    retry: { jitter: 'none', initialDelayMs: 100, budget: false },
    timeouts: { idleMs: 2000 },
    clock,
  });
});

afterEach(async () => {
  await backend.destroy();
  await server.close();
});

const spec: StreamSpec<SseEvent, Ev> = {
  operation: 'stream',
  path: '/stream',
  json: { stream: true },
  decode: (body) => decodeSse(body),
  mapper: () => ({
    map(frame) {
      if (frame.data === '[DONE]') return undefined;
      const data = JSON.parse(frame.data) as { text?: string; tokens?: number; error?: { message: string } };
      if (data.error) throw new ServerError(data.error.message);
      if (data.tokens !== undefined) return { type: 'finish', tokens: data.tokens };
      return { type: 'delta', text: data.text ?? '' };
    },
    isTerminal: (frame) => frame.data === '[DONE]',
  }),
  isContent: (e) => e.type === 'delta',
  usage: (e) => (e.type === 'finish' ? { outputTokens: e.tokens } : undefined),
};

const sseHeaders = { 'content-type': 'text/event-stream' };
const frame = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function sendAll(ex: LoopbackExchange, frames: string[]): void {
  ex.writeHead(200, sseHeaders);
  ex.end(frames.join(''));
}

describe('Backend.stream', () => {
  it('yields events in order, records usage and frees the slot', async () => {
    server.handle((ex) =>
      sendAll(ex, [frame({ text: 'Hel' }), frame({ text: 'lo' }), frame({ tokens: 2 }), frame('[DONE]')]),
    );
    const stream = backend.stream(spec);
    expect(stream.requestId).toMatch(/^req_/);
    const events = await collect(stream);
    expect(events).toEqual([
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo' },
      { type: 'finish', tokens: 2 },
    ]);
    expect(backend.lanes()[0]!.queue.pending).toBe(0);
    expect(backend.findRequest(stream.requestId)).toMatchObject({
      outcome: 'success',
      streamed: true,
      usage: { outputTokens: 2 },
    });
  });

  it('retries an in-band error that arrives before any content', async () => {
    server.handleOnce((ex) => sendAll(ex, [frame({ error: { message: 'overloaded' } })]));
    server.handle((ex) => sendAll(ex, [frame({ text: 'ok' }), frame('[DONE]')]));
    const pending = collect(backend.stream(spec));
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'backoff sleep');
    await clock.advance(100);
    expect(await pending).toEqual([{ type: 'delta', text: 'ok' }]);
    expect(server.exchanges).toHaveLength(2);
  });

  it('retries a stream cut before its first content event', async () => {
    server.handleOnce((ex) => {
      ex.writeHead(200, sseHeaders);
      ex.end(': keep-alive\n\n');
    });
    server.handle((ex) => sendAll(ex, [frame({ text: 'second' }), frame('[DONE]')]));
    const pending = collect(backend.stream(spec));
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'backoff sleep');
    await clock.advance(100);
    expect(await pending).toEqual([{ type: 'delta', text: 'second' }]);
  });

  it('a truncation after content is a StreamError and is never replayed', async () => {
    server.handle((ex) => sendAll(ex, [frame({ text: 'partial' })]));
    const seen: Ev[] = [];
    const error = await (async () => {
      for await (const e of backend.stream(spec)) seen.push(e);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: 'delta', text: 'partial' }]);
    expect(error).toBeInstanceOf(StreamError);
    expect(server.exchanges).toHaveLength(1);
    expect(backend.lanes()[0]!.queue.pending).toBe(0);
  });

  it('an in-band error after content becomes a StreamError carrying it', async () => {
    server.handle((ex) =>
      sendAll(ex, [frame({ text: 'a' }), frame({ error: { message: 'mid-stream failure' } })]),
    );
    const error = await collect(backend.stream(spec)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).message).toContain('mid-stream failure');
    expect((error as StreamError).cause).toBeInstanceOf(ServerError);
  });

  it('leaving the loop early closes the socket and frees the slot', async () => {
    let exchange: LoopbackExchange | undefined;
    server.handle(async (ex) => {
      exchange = ex;
      ex.writeHead(200, sseHeaders);
      await ex.write(frame({ text: 'one' }));
    });
    const stream = backend.stream(spec);
    for await (const e of stream) {
      expect(e).toEqual({ type: 'delta', text: 'one' });
      break;
    }
    await exchange!.socketClosed;
    expect(backend.lanes()[0]!.queue.pending).toBe(0);
    expect(backend.findRequest(stream.requestId)).toMatchObject({ outcome: 'aborted' });
  });

  it('an abort mid-stream ends the iterator with AbortError and closes the socket', async () => {
    let exchange: LoopbackExchange | undefined;
    server.handle(async (ex) => {
      exchange = ex;
      ex.writeHead(200, sseHeaders);
      await ex.write(frame({ text: 'one' }));
    });
    const controller = new AbortController();
    const seen: Ev[] = [];
    const error = await (async () => {
      for await (const e of backend.stream(spec, { signal: controller.signal })) {
        seen.push(e);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(AbortError);
    await exchange!.socketClosed;
    expect(backend.lanes()[0]!.queue.pending).toBe(0);
  });

  it('a stalled stream fails on the idle timeout, not the breaker', async () => {
    server.handle(async (ex) => {
      ex.writeHead(200, sseHeaders);
      await ex.write(frame({ text: 'one' }));
    });
    const seen: Ev[] = [];
    const pending = (async () => {
      for await (const e of backend.stream(spec)) seen.push(e);
    })().catch((e: unknown) => e);
    await waitFor(() => seen.length === 1, 'first event');
    await clock.advance(2000);
    const error = await pending;
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).cause).toMatchObject({ code: 'timeout', kind: 'idle' });
    expect(backend.lanes()[0]!.breaker.snapshot().consecutiveFailures).toBe(0);
  });

  it('can be iterated once only', async () => {
    server.handle((ex) => sendAll(ex, [frame({ text: 'x' }), frame('[DONE]')]));
    const stream = backend.stream(spec);
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(InvalidRequestError);
  });
});
