import { describe, expect, it } from 'vitest';
import type { FrameMapper } from './backend.js';
import type { TokenUsage } from './capabilities.js';
import { StreamError } from './errors/index.js';
import { type CommittedStream, StreamIterator, type StreamSession } from './stream-iterator.js';
import { decodeSse, type SseEvent } from './streams/sse-decoder.js';

type Ev = { kind: 'text'; text: string } | { kind: 'end'; tokens: number };

/** Frames `data: <text>` in one body chunk per element of `chunks`, decoded by our SSE decoder. */
async function* body(chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
}

const sse = (...texts: string[]) => texts.map((t) => `data: ${t}\n\n`).join('');

function mapper(log: string[]): FrameMapper<SseEvent, Ev> {
  return {
    map(frame) {
      log.push(`map:${frame.data}`);
      if (frame.data === '[DONE]') return undefined;
      if (frame.data === 'boom') throw new Error('bad frame');
      if (frame.data.startsWith('pair:')) {
        const [a, b] = frame.data.slice(5).split(',');
        return [
          { kind: 'text', text: a as string },
          { kind: 'text', text: b as string },
        ];
      }
      if (frame.data.startsWith('end:')) return { kind: 'end', tokens: Number(frame.data.slice(4)) };
      return { kind: 'text', text: frame.data };
    },
    isTerminal: (frame) => frame.data === '[DONE]',
    flush: () => [{ kind: 'text', text: 'flushed' }],
  };
}

function harness(
  chunks: string[],
  options: {
    buffered?: Ev[];
    requireTerminal?: boolean;
    openError?: unknown;
    frames?: AsyncIterator<SseEvent>;
  } = {},
) {
  const log: string[] = [];
  let usage: TokenUsage | undefined;
  const session: StreamSession<SseEvent, Ev> = {
    async open(): Promise<CommittedStream<SseEvent, Ev>> {
      log.push('open');
      if (options.openError !== undefined) throw options.openError;
      return {
        frames: options.frames ?? decodeSse(body(chunks))[Symbol.asyncIterator](),
        mapper: mapper(log),
        buffered: options.buffered ?? [],
        ended: false,
        terminal: false,
        requireTerminal: options.requireTerminal ?? true,
      };
    },
    fail(error, u) {
      usage = u;
      log.push(`fail:${(error as Error).message}`);
      return new StreamError(`wrapped: ${(error as Error).message}`);
    },
    succeed(u) {
      usage = u;
      log.push('succeed');
    },
    abandon(u) {
      usage = u;
      log.push('abandon');
    },
    close() {
      log.push('close');
    },
    usage: (event) => (event.kind === 'end' ? { outputTokens: event.tokens } : undefined),
  };
  return { log, session, iterator: new StreamIterator(session), usage: () => usage };
}

async function drain(iterator: AsyncIterable<Ev>): Promise<string[]> {
  const out: string[] = [];
  for await (const event of iterator) out.push(event.kind === 'text' ? event.text : `end:${event.tokens}`);
  return out;
}

describe('StreamIterator', () => {
  it('hands out buffered events, then frames one at a time, then the flush, and records the usage', async () => {
    const { iterator, log, usage } = harness([sse('a', 'pair:b,c'), sse('end:7', '[DONE]', 'ignored')], {
      buffered: [{ kind: 'text', text: 'early' }],
    });
    expect(await drain(iterator)).toEqual(['early', 'a', 'b', 'c', 'end:7', 'flushed']);
    expect(log).toEqual(['open', 'map:a', 'map:pair:b,c', 'map:end:7', 'map:[DONE]', 'succeed', 'close']);
    expect(usage()).toEqual({ outputTokens: 7 });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('maps lazily: nothing past the events the consumer took', async () => {
    const { iterator, log } = harness([sse('a', 'b', 'c', '[DONE]')]);
    expect((await iterator.next()).value).toEqual({ kind: 'text', text: 'a' });
    expect(log).toEqual(['open', 'map:a']);
    expect(await iterator.return()).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['open', 'map:a', 'abandon', 'close']);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('fails a body that ends without its terminator, after handing out what came', async () => {
    const { iterator, log } = harness([sse('a')]);
    expect((await iterator.next()).value).toEqual({ kind: 'text', text: 'a' });
    await expect(iterator.next()).rejects.toThrow('wrapped: stream ended before its terminator (truncated)');
    expect(log.slice(-2)).toEqual(['fail:stream ended before its terminator (truncated)', 'close']);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('ends normally without a terminator when none is required', async () => {
    const { iterator } = harness([sse('a')], { requireTerminal: false });
    expect(await drain(iterator)).toEqual(['a', 'flushed']);
  });

  it('fails through the session when a frame is bad, whether it was buffered or read', async () => {
    const buffered = harness([sse('a', 'boom', '[DONE]')]);
    expect((await buffered.iterator.next()).value).toEqual({ kind: 'text', text: 'a' });
    await expect(buffered.iterator.next()).rejects.toThrow('wrapped: bad frame');
    expect(buffered.log.slice(-2)).toEqual(['fail:bad frame', 'close']);

    const read = harness([sse('a'), sse('boom')]);
    expect((await read.iterator.next()).value).toEqual({ kind: 'text', text: 'a' });
    await expect(read.iterator.next()).rejects.toThrow('wrapped: bad frame');
  });

  it('fails through the session when opening fails, and a return() before the start does nothing', async () => {
    const { iterator, log } = harness([], { openError: new Error('refused') });
    await expect(iterator.next()).rejects.toThrow('wrapped: refused');
    expect(log).toEqual(['open', 'fail:refused', 'close']);

    const idle = harness([sse('a')]);
    await idle.iterator.return();
    expect(idle.log).toEqual([]);
    expect(await idle.iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('queues calls made while a pull is under way, as an async generator does', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slow(): AsyncGenerator<SseEvent> {
      await gate;
      yield { event: 'message', data: 'a' };
      yield { event: 'message', data: '[DONE]' };
    }
    const { iterator, log } = harness([], { frames: slow() });
    const first = iterator.next();
    const second = iterator.next();
    const ended = iterator.return();
    release();
    expect((await first).value).toEqual({ kind: 'text', text: 'a' });
    expect(await second).toEqual({ done: false, value: { kind: 'text', text: 'flushed' } });
    expect(await ended).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['open', 'map:a', 'map:[DONE]', 'abandon', 'close']);
  });

  it('throw() after the start fails the stream; before it, rethrows as is', async () => {
    const started = harness([sse('a', '[DONE]')]);
    await started.iterator.next();
    await expect(started.iterator.throw(new Error('consumer'))).rejects.toThrow('wrapped: consumer');
    expect(started.log.slice(-2)).toEqual(['fail:consumer', 'close']);

    const fresh = harness([sse('a')]);
    await expect(fresh.iterator.throw(new Error('early'))).rejects.toThrow('early');
    expect(fresh.log).toEqual([]);
  });

  it('is its own async iterator and disposable', async () => {
    const { iterator, log } = harness([sse('a', '[DONE]')]);
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
    await iterator.next();
    await iterator[Symbol.asyncDispose]();
    expect(log.slice(-2)).toEqual(['abandon', 'close']);
  });
});
