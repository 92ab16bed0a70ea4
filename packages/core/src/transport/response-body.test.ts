import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { AbortError, type AccelerateError, ResponseTooLargeError, TimeoutError } from '../errors/index.js';
import { type BodySource, StreamedResponseBody, type StreamedResponseBodyOptions } from './response-body.js';

class FakeSource implements BodySource {
  readonly calls: string[] = [];
  aborted: AccelerateError | undefined;
  pause(): void {
    this.calls.push('pause');
  }
  resume(): void {
    this.calls.push('resume');
  }
  abort(error: AccelerateError): void {
    this.calls.push('abort');
    this.aborted = error;
  }
}

function setup(options: Partial<StreamedResponseBodyOptions> = {}) {
  const clock = new FakeClock();
  const source = new FakeSource();
  let settled = 0;
  const body = new StreamedResponseBody(source, {
    status: 200,
    maxBytes: Number.POSITIVE_INFINITY,
    idleTimeoutMs: undefined,
    clock,
    onSettled: () => settled++,
    ...options,
  });
  return { clock, source, body, settledCount: () => settled };
}

const bytes = (n: number, fill = 97) => new Uint8Array(n).fill(fill);

describe('StreamedResponseBody', () => {
  it('pauses the source at the high-water mark and resumes below half of it', async () => {
    const { body, source } = setup({ highWaterMark: 100 });
    for (let i = 0; i < 5; i++) body.push(bytes(25));
    expect(source.calls).toEqual(['pause']); // once, at 100 buffered bytes
    const iterator = body[Symbol.asyncIterator]();
    await iterator.next(); // 100 buffered
    await iterator.next(); // 75
    expect(source.calls).toEqual(['pause']);
    await iterator.next(); // 50: resume
    expect(source.calls).toEqual(['pause', 'resume']);
  });

  it('does not pause while text()/bytes() collect the whole body', async () => {
    const { body, source } = setup({ highWaterMark: 10 });
    body.push(bytes(20)); // read not started: pauses
    const all = body.bytes();
    expect(source.calls).toEqual(['pause', 'resume']);
    body.push(bytes(20));
    body.push(bytes(20));
    body.end();
    expect((await all).length).toBe(60);
    expect(source.calls).toEqual(['pause', 'resume']);
  });

  it('delivers chunks in order to a waiting reader and ends', async () => {
    const { body, settledCount } = setup();
    const iterator = body[Symbol.asyncIterator]();
    const first = iterator.next();
    body.push(bytes(1, 1));
    body.push(bytes(1, 2));
    body.end();
    expect((await first).value).toEqual(bytes(1, 1));
    expect((await iterator.next()).value).toEqual(bytes(1, 2));
    expect((await iterator.next()).done).toBe(true);
    expect(settledCount()).toBe(1);
  });

  it('rejects a second concurrent next()', async () => {
    const { body } = setup();
    const iterator = body[Symbol.asyncIterator]();
    const first = iterator.next();
    await expect(iterator.next()).rejects.toBeInstanceOf(TypeError);
    body.end();
    expect((await first).done).toBe(true);
  });

  it('counts the limit over every chunk and aborts the source', async () => {
    const { body, source } = setup({ maxBytes: 10 });
    const all = body.text();
    body.push(bytes(6));
    body.push(bytes(5));
    const error = await all.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(source.aborted).toBe(error);
    body.push(bytes(5)); // late chunks are dropped silently
  });

  it('idle timer: one timer, lazily re-armed, paused time excluded', async () => {
    const { body, clock } = setup({ idleTimeoutMs: 100, highWaterMark: 10 });
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(60);
    body.push(bytes(1));
    body.push(bytes(1));
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(60); // timer fired at 100, 40 ms after the last chunk: re-armed for 60 more
    expect(clock.pendingTimers).toBe(1);
    body.push(bytes(10)); // reaches the mark: paused
    await clock.advance(1_000); // paused: the timer lapses without failing
    expect(clock.pendingTimers).toBe(0);
    const iterator = body[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    await iterator.next(); // drained: resumed, timer re-armed from now
    expect(clock.pendingTimers).toBe(1);
    const next = iterator.next();
    const outcome = next.catch((e: unknown) => e);
    await clock.advance(99);
    await clock.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).kind).toBe('idle');
    expect(clock.pendingTimers).toBe(0);
  });

  it('cancel(): idempotent, aborts the source once, ends a pending read', async () => {
    const { body, source, settledCount } = setup({ idleTimeoutMs: 100 });
    const iterator = body[Symbol.asyncIterator]();
    const pending = iterator.next();
    body.cancel('why');
    body.cancel();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(source.calls).toEqual(['abort']);
    expect(source.aborted).toBeInstanceOf(AbortError);
    expect((source.aborted as AbortError).cause).toBe('why');
    expect(settledCount()).toBe(1);
    expect(body.consumed).toBe(true);
  });

  it('cancel() after the end does not abort the source', () => {
    const { body, source } = setup();
    body.push(bytes(3));
    body.end();
    body.cancel();
    expect(source.calls).toEqual([]);
  });

  it('a failure drops buffered chunks and is reported at once', async () => {
    const { body } = setup();
    body.push(bytes(3));
    const failure = new TimeoutError('x', { kind: 'idle' });
    body.fail(failure);
    const iterator = body[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBe(failure);
  });

  it('can be read only once', async () => {
    const { body } = setup();
    body.end();
    expect(await body.text()).toBe('');
    await expect(body.json()).rejects.toBeInstanceOf(TypeError);
    await expect(body.bytes()).rejects.toBeInstanceOf(TypeError);
  });
});
