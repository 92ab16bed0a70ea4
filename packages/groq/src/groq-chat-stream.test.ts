/** Groq chat streams against a real loopback server: x_groq ids, final usage and timings, in-band errors. */
import { ServerError, StreamError } from '@ipfs-accelerate/core';
import { collect, waitFor } from '@ipfs-accelerate/core/testing';
import { describe, expect, it } from 'vitest';
import {
  chatRequest,
  chunk,
  groqStream,
  groqUsage,
  STREAM_ID,
  useClientHarness,
} from './test/client-harness.js';

const h = useClientHarness();

const TIMINGS = { queueTime: 0.0123, promptTime: 0.0005, completionTime: 0.008, totalTime: 0.0085 };

describe('streamChat', () => {
  it('streams deltas, then one finish with x_groq usage and timings; the ledger has the x_groq id', async () => {
    h.server.reply({ sse: groqStream });
    const stream = h.client.streamChat(chatRequest);
    const events = await collect(stream);
    expect(h.server.requests[0]?.json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(h.server.requests[0]?.headers.accept).toBe('text/event-stream');
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      {
        type: 'finish',
        finishReason: 'stop',
        usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 },
        timings: TIMINGS,
      },
    ]);
    expect(h.client.findRequest(stream.requestId)).toMatchObject({
      operation: 'stream-chat',
      outcome: 'success',
      providerRequestId: STREAM_ID,
      usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 },
    });
  });

  it('takes usage and timings from a top-level usage chunk too (include_usage), without x_groq', async () => {
    h.server.reply({
      sse: [
        chunk({ content: 'ok' }),
        chunk({}, 'stop'),
        { ...chunk({}), choices: [], usage: groqUsage },
        '[DONE]',
      ],
    });
    const events = await collect(h.client.streamChat(chatRequest));
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 },
      timings: TIMINGS,
    });
  });

  it('maps delta.reasoning to reasoning deltas', async () => {
    h.server.reply({
      sse: [
        chunk({ role: 'assistant', reasoning: 'Two plus ' }, null, { id: STREAM_ID }),
        chunk({ reasoning: 'two.' }),
        chunk({ content: '4' }),
        chunk({}, 'stop', { id: STREAM_ID, usage: groqUsage }),
        '[DONE]',
      ],
    });
    const events = await collect(h.client.streamChat(chatRequest));
    expect(events.map((e) => e.type)).toEqual(['reasoning-delta', 'reasoning-delta', 'text-delta', 'finish']);
    expect(events[0]).toEqual({ type: 'reasoning-delta', text: 'Two plus ' });
  });

  it('retries an x_groq.error before any content, and ends with StreamError when it follows content', async () => {
    const stopped = (message: string) => ({
      ...chunk({}),
      choices: [],
      x_groq: { id: STREAM_ID, error: message },
    });
    h.server.reply(
      {
        sse: [
          chunk({ role: 'assistant', content: '' }, null, { id: STREAM_ID }),
          stopped('upstream stopped'),
        ],
      },
      { sse: groqStream },
    );
    const pending = collect(h.client.streamChat(chatRequest));
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 100, 'the backoff sleep');
    await h.clock.advance(100);
    const events = await pending;
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'finish']);
    expect(h.server.requests).toHaveLength(2);
    const record = h.client.recentRequests(1)[0];
    expect(record?.attempts.map((a) => a.errorCode ?? null)).toEqual(['server_error', null]);

    h.server.reply({ sse: [chunk({ content: 'partial' }), stopped('model crashed'), '[DONE]'] });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of h.client.streamChat(chatRequest)) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StreamError);
    expect((failure as StreamError).cause).toBeInstanceOf(ServerError);
    expect(String((failure as Error).message)).toContain('model crashed');
    expect(seen).toEqual(['text-delta']);
    expect(h.server.requests).toHaveLength(3);
  });

  it('throws the mapped error of an OpenAI-style error chunk', async () => {
    await h.reopen({ retry: { maxRetries: 0 } });
    h.server.reply({
      sse: [{ error: { message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded' } }],
    });
    const failure = await collect(h.client.streamChat(chatRequest)).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 'rate_limited',
      provider: 'groq',
      providerCode: 'rate_limit_exceeded',
    });
  });

  it('a stream cut before [DONE] is a StreamError', async () => {
    h.server.reply({ sse: groqStream.slice(0, 3) });
    const failure = await collect(h.client.streamChat(chatRequest)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StreamError);
  });
});
