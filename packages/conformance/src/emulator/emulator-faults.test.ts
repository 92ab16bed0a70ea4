import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startExampleEmulator } from './example-protocol.js';
import type { Emulator } from './types.js';

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startExampleEmulator();
});
afterEach(async () => {
  await emulator.close();
});

const ping = (init?: RequestInit): Promise<Response> => fetch(`${emulator.baseURL}/ping`, init);
const stream = (count = 3): Promise<Response> =>
  fetch(`${emulator.baseURL}/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count }),
  });
const frames = (text: string): string[] => text.split('\n\n').filter((frame) => frame !== '');
const causeCode = (error: unknown): unknown =>
  ((error as Error).cause as { code?: unknown } | undefined)?.code;

describe('faults that replace the reply', () => {
  it('status: answers with the given status, JSON or raw body and headers', async () => {
    emulator.script('GET /api/ping', [
      { kind: 'status', status: 503, body: { busy: true }, headers: { 'retry-after': '2' } },
      { kind: 'status', status: 502, body: '<html>bad gateway</html>' },
      { kind: 'status', status: 204 },
    ]);
    const first = await ping();
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.headers.get('x-request-id')).toBe('example-0');
    expect(await first.json()).toEqual({ busy: true });
    const second = await ping();
    expect([second.status, second.headers.get('content-type'), await second.text()]).toEqual([
      502,
      'text/plain; charset=utf-8',
      '<html>bad gateway</html>',
    ]);
    expect((await ping()).status).toBe(204);
    expect(await (await ping()).json()).toEqual({ ok: true });
  });

  it('error: builds the provider-shaped error body and keeps fault headers', async () => {
    emulator.script('GET /api/ping', [
      { kind: 'error', status: 429, code: 'slow_down', message: 'wait', headers: { 'retry-after-ms': '10' } },
      { kind: 'error', status: 500 },
    ]);
    const limited = await ping();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('10');
    expect(await limited.json()).toEqual({ error: { status: 429, code: 'slow_down', message: 'wait' } });
    const failed = await ping();
    expect(await failed.json()).toEqual({ error: { status: 500, code: 'error', message: 'HTTP 500' } });
  });
});

describe('faults that postpone the reply', () => {
  it('delay: answers normally afterwards', async () => {
    emulator.script('GET /api/ping', [{ kind: 'delay', ms: 5 }]);
    const response = await ping();
    expect(await response.json()).toEqual({ ok: true });
  });

  it('hold: waits for release(), oldest first', async () => {
    emulator.script('POST /api/echo', [{ kind: 'hold' }, { kind: 'hold' }]);
    const echo = (n: number): Promise<unknown> =>
      fetch(`${emulator.baseURL}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n }),
      }).then((r) => r.json());
    const first = echo(1);
    await vi.waitFor(() => expect(emulator.held).toBe(1));
    const second = echo(2);
    await vi.waitFor(() => expect(emulator.held).toBe(2));
    const settled: unknown[] = [];
    void first.then((v) => settled.push(v));
    void second.then((v) => settled.push(v));
    emulator.release(1);
    expect(await first).toEqual({ n: 1 });
    expect(settled).toEqual([{ n: 1 }]);
    expect(emulator.held).toBe(1);
    emulator.release();
    expect(await second).toEqual({ n: 2 });
    expect(emulator.held).toBe(0);
  });

  it('hang: never answers until the client aborts, and the request leaves the gauges', async () => {
    emulator.script('GET /api/ping', [{ kind: 'hang' }]);
    const controller = new AbortController();
    const pending = ping({ signal: controller.signal });
    await vi.waitFor(() => expect(emulator.requests.length).toBe(1));
    expect(emulator.inFlight).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(emulator.inFlight).toBe(0));
  });

  it('a held client that gives up is no longer held', async () => {
    emulator.script('GET /api/ping', [{ kind: 'hold' }]);
    const controller = new AbortController();
    const pending = ping({ signal: controller.signal });
    await vi.waitFor(() => expect(emulator.held).toBe(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(emulator.held).toBe(0));
    expect(emulator.inFlight).toBe(0);
  });
});

describe('connection faults', () => {
  it('reset-before-headers: the client sees a connection reset', async () => {
    emulator.script('GET /api/ping', [{ kind: 'reset-before-headers' }]);
    const error = await ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(causeCode(error)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(await (await ping()).json()).toEqual({ ok: true });
  });

  it('reset-after-headers: status and headers arrive, then the body fails', async () => {
    emulator.script('GET /api/ping', [{ kind: 'reset-after-headers' }]);
    const response = await ping();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('example-0');
    await expect(response.text()).rejects.toThrow();
  });

  it('reset-after-headers on a stream: the first frame arrives, then the body fails', async () => {
    emulator.script('POST /api/stream', [{ kind: 'reset-after-headers' }]);
    const response = await stream();
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const received: string[] = [];
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received.push(Buffer.from(value).toString());
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(received.join('')).toBe('data: {"start":true}\n\n');
  });
});

describe('faults that shape the body', () => {
  it('stream without faults: preamble, frames, terminator', async () => {
    const text = await (await stream(2)).text();
    expect(frames(text)).toEqual(['data: {"start":true}', 'data: {"n":1}', 'data: {"n":2}', 'data: [END]']);
  });

  it('truncate: N content frames after the preamble and no terminator; JSON: half the body', async () => {
    emulator.script('POST /api/stream', [
      { kind: 'truncate', afterEvents: 2 },
      { kind: 'truncate', afterEvents: 0 },
    ]);
    emulator.script('GET /api/ping', [{ kind: 'truncate', afterEvents: 0 }]);
    expect(frames(await (await stream(5)).text())).toEqual([
      'data: {"start":true}',
      'data: {"n":1}',
      'data: {"n":2}',
    ]);
    expect(frames(await (await stream(5)).text())).toEqual(['data: {"start":true}']);
    const half = await ping();
    expect(half.status).toBe(200);
    expect(await half.text()).toBe('{"ok"');
  });

  it('malformed: an unparseable JSON body, or an unparseable frame after the preamble', async () => {
    emulator.script('GET /api/ping', [{ kind: 'malformed' }]);
    emulator.script('POST /api/stream', [{ kind: 'malformed' }]);
    const body = await ping();
    expect(body.status).toBe(200);
    await expect(body.json()).rejects.toThrow(SyntaxError);
    const sent = frames(await (await stream(1)).text());
    expect(sent[0]).toBe('data: {"start":true}');
    expect(() => JSON.parse(sent[1]!.slice('data: '.length))).toThrow(SyntaxError);
    expect(sent.slice(2)).toEqual(['data: {"n":1}', 'data: [END]']);
  });

  it('stream-error: N content frames, the in-band error frame, then the end', async () => {
    emulator.script('POST /api/stream', [
      { kind: 'stream-error', afterEvents: 1, code: 'overloaded', message: 'busy' },
      { kind: 'stream-error', afterEvents: 0 },
    ]);
    const first = await stream(3);
    expect(first.status).toBe(200);
    expect(frames(await first.text())).toEqual([
      'data: {"start":true}',
      'data: {"n":1}',
      'data: {"error":{"code":"overloaded","message":"busy"}}',
    ]);
    expect(frames(await (await stream(3)).text())).toEqual([
      'data: {"start":true}',
      'data: {"error":{"code":"stream_error","message":"failed"}}',
    ]);
  });

  it('drip: every frame arrives, in order, as separate writes', async () => {
    emulator.script('POST /api/stream', [{ kind: 'drip', intervalMs: 1 }]);
    emulator.script('GET /api/ping', [{ kind: 'drip', intervalMs: 1 }]);
    const response = await stream(4);
    const reader = response.body!.getReader();
    const reads: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads.push(Buffer.from(value).toString());
    }
    expect(reads.length).toBeGreaterThan(1);
    expect(frames(reads.join(''))).toEqual([
      'data: {"start":true}',
      'data: {"n":1}',
      'data: {"n":2}',
      'data: {"n":3}',
      'data: {"n":4}',
      'data: [END]',
    ]);
    expect(await (await ping()).json()).toEqual({ ok: true });
  });
});
