import { FakeClock } from '@ipfs-accelerate/core';
import { collect, waitFor } from '@ipfs-accelerate/core/testing';
import { describe, expect, it } from 'vitest';
import type { ClaudeOptions } from './claude-client.js';
import { hi, overloadedFrame, SSE, textStream, useClaudeHarness } from './test/claude-harness.js';

// streamChat through the whole pipeline, against a scripted server.
const harness = useClaudeHarness();
const client = (options?: ClaudeOptions) => harness.client(options);

describe('streamChat', () => {
  it('maps named events to deltas and one finish; the ledger gets usage and the request id', async () => {
    const c = client();
    harness.server.reply({
      body: textStream('Hello stream world'),
      headers: { ...SSE, 'request-id': 'req_stream' },
    });
    const stream = c.streamChat(hi);
    const out = await collect(stream);
    expect(out.map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe('Hello stream world');
    expect(out.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 4, outputTokens: 6, totalTokens: 10 },
    });
    expect(out.filter((e) => e.type === 'finish')).toHaveLength(1);
    expect(harness.server.requests[0]?.json).toMatchObject({ stream: true, max_tokens: 1024 });
    expect(harness.server.requests[0]?.headers.accept).toBe('text/event-stream');
    expect(c.findRequest(stream.requestId)).toMatchObject({
      outcome: 'success',
      providerRequestId: 'req_stream',
      usage: { inputTokens: 4, outputTokens: 6 },
    });
  });

  it('an overloaded_error event before any content is retried', async () => {
    const clock = new FakeClock();
    const c = client({ clock, retry: { maxRetries: 1, jitter: 'none', initialDelayMs: 100 } });
    const preamble = textStream('x').split('event: content_block_delta')[0] ?? '';
    harness.server.reply(
      { body: preamble + overloadedFrame, headers: SSE },
      { body: textStream('second try'), headers: SSE },
    );
    const pending = collect(c.streamChat(hi));
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'the backoff sleep');
    await clock.advance(100);
    const out = await pending;
    expect(out.map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe('second try');
    expect(harness.server.requests).toHaveLength(2);
  });

  it('an error event after content is a StreamError, not replayed', async () => {
    const c = client({ retry: { maxRetries: 3 } });
    const [head] = textStream('one two three').split('event: content_block_stop');
    harness.server.reply({ body: head + overloadedFrame, headers: SSE });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const e of c.streamChat(hi)) if (e.type === 'text-delta') seen.push(e.text);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StreamError', code: 'stream_error' });
    expect(seen.join('')).toBe('one two three');
    expect(harness.server.requests).toHaveLength(1);
  });

  it('a stream cut before message_stop is a StreamError', async () => {
    const c = client();
    const [head] = textStream('one two three').split('event: message_stop');
    harness.server.reply({ body: head ?? '', headers: SSE });
    await expect(collect(c.streamChat(hi))).rejects.toMatchObject({ code: 'stream_error' });
  });
});
