/** streamChat against a real loopback server, through a real core Backend: mapping, retries, commit point. */
import { type ChatStreamEvent, InvalidRequestError, StreamError } from '@ipfs-accelerate/core';
import { collect, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonFixture, textFixture } from './__fixtures__/fixtures.js';
import { type OperationsHarness, startOperationsHarness } from './test/operations-harness.js';

const errors = jsonFixture('errors.json');
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

/** The `data:` payloads of an SSE fixture, for streams that fail at a chosen point. */
function sseFrames(fixture: string): string[] {
  return textFixture(fixture)
    .split('\n\n')
    .filter((f) => f.startsWith('data: '))
    .map((f) => f.slice('data: '.length));
}

let h: OperationsHarness;

beforeEach(async () => {
  h = await startOperationsHarness();
});

afterEach(async () => {
  await h.close();
});

describe('streamChat', () => {
  it('streams text with include_usage and records the usage', async () => {
    h.server.reply({
      body: textFixture('chat-stream-text.sse'),
      headers: { 'content-type': 'text/event-stream' },
    });
    const stream = h.ops.streamChat(chat);
    const events = await collect(stream);
    expect(h.server.requests[0]?.json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(h.server.requests[0]?.headers.accept).toBe('text/event-stream');
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo!' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 } },
    ]);
    expect(h.backend.findRequest(stream.requestId)).toMatchObject({
      operation: 'stream-chat',
      outcome: 'success',
      usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 },
    });
  });

  it('streams tool-call deltas', async () => {
    h.server.reply({
      body: textFixture('chat-stream-tool-calls.sse'),
      headers: { 'content-type': 'text/event-stream' },
    });
    const events = await collect(h.ops.streamChat(chat));
    const args = events
      .filter((e): e is ChatStreamEvent & { type: 'tool-call-delta' } => e.type === 'tool-call-delta')
      .reduce<string[]>((acc, e) => {
        acc[e.index] = (acc[e.index] ?? '') + e.argumentsDelta;
        return acc;
      }, []);
    expect(args).toEqual(['{"location":"Boston"}', '{"zone":"EST"}']);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
  });

  it('retries an in-band error that comes before any content: two requests', async () => {
    h.server.reply(
      {
        sse: [
          {
            id: 'c1',
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: { role: 'assistant', content: '' } }],
          },
          {
            error: {
              message: 'The server had an error while processing your request.',
              type: 'server_error',
              param: null,
              code: null,
            },
          },
        ],
      },
      { body: textFixture('chat-stream-text.sse'), headers: { 'content-type': 'text/event-stream' } },
    );
    const stream = h.ops.streamChat(chat);
    const pending = collect(stream);
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 100, 'the backoff sleep');
    await h.clock.advance(100);
    const events = await pending;
    expect(h.server.requests).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'finish']);
    expect(h.backend.findRequest(stream.requestId)?.attempts.map((a) => a.errorCode)).toEqual([
      'server_error',
      undefined,
    ]);
  });

  it('turns an in-band error after content into a StreamError, without retrying', async () => {
    const [first, second] = sseFrames('chat-stream-text.sse');
    h.server.reply({
      sse: [
        first ?? '',
        second ?? '',
        { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } },
      ],
    });
    const seen: ChatStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of h.ops.streamChat(chat)) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: 'text-delta', text: 'Hel' }]);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).providerCode).toBe('server_error');
    expect(h.server.requests).toHaveLength(1);
  });

  it('does not retry a non-retryable in-band error (context length)', async () => {
    h.server.reply({ sse: [errors.context_length_exceeded as object] });
    await expect(collect(h.ops.streamChat(chat))).rejects.toBeInstanceOf(InvalidRequestError);
    expect(h.server.requests).toHaveLength(1);
  });
});
