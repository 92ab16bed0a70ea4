import { type ChatStreamEvent, FakeClock } from '@ipfs-accelerate/core';
import { collect, type ScriptedServer, startScriptedServer, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGemini, type GeminiClient } from './gemini-client.js';

const model = 'gemini-2.0-flash';
const messages = [{ role: 'user' as const, content: 'count' }];
const SSE = { 'content-type': 'text/event-stream' };

/** SSE frames as Google writes them: `data: <json>` and CRLF CRLF. */
function sse(...chunks: Array<object | string>): string {
  return chunks.map((c) => (typeof c === 'string' ? c : `data: ${JSON.stringify(c)}\r\n\r\n`)).join('');
}

function textChunk(text: string, extra: Record<string, unknown> = {}): object {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...extra }],
    usageMetadata: { promptTokenCount: 1, totalTokenCount: 1 },
    modelVersion: model,
    responseId: 'stream-1',
  };
}

const finalChunk = textChunk('three', { finishReason: 'STOP' });
(finalChunk as { usageMetadata: object }).usageMetadata = {
  promptTokenCount: 1,
  candidatesTokenCount: 3,
  totalTokenCount: 4,
};
const errorLine = (code: number, status: string) =>
  `${JSON.stringify({ error: { code, message: `failed with ${status}`, status } })}\n`;

let server: ScriptedServer;
let clock: FakeClock;
let client: GeminiClient;

beforeEach(async () => {
  server = await startScriptedServer({ basePath: '/v1beta' });
  clock = new FakeClock();
  client = createGemini({
    baseURL: server.baseURL,
    apiKey: 'test-key',
    clock,
    retry: { jitter: 'none', initialDelayMs: 100, budget: false },
  });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

/** Advances the fake clock once the pipeline sleeps for exactly `ms`. */
async function advanceWhenSleeping(ms: number): Promise<void> {
  await waitFor(() => clock.nextTimerAt() === clock.now() + ms, `a ${ms} ms sleep`);
  await clock.advance(ms);
}

describe('streamChat', () => {
  it('yields text deltas, then one finish with usage; alt=sse; responseId in the ledger', async () => {
    server.reply({ headers: SSE, body: sse(textChunk('one '), textChunk('two '), finalChunk) });
    const stream = client.streamChat({ model, messages });
    const events = await collect(stream);
    expect(events).toEqual([
      { type: 'text-delta', text: 'one ' },
      { type: 'text-delta', text: 'two ' },
      { type: 'text-delta', text: 'three' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 3, totalTokens: 4 } },
    ]);
    expect(server.requests[0]?.url).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(client.findRequest(stream.requestId)).toMatchObject({
      outcome: 'success',
      providerRequestId: 'stream-1',
      usage: { outputTokens: 3 },
    });
  });

  it('maps thoughts to reasoning deltas and function calls to whole tool-call deltas', async () => {
    server.reply({
      headers: SSE,
      body: sse(
        { candidates: [{ content: { parts: [{ text: 'hmm', thought: true }] } }] },
        {
          candidates: [
            {
              content: { parts: [{ functionCall: { name: 'get_time', args: { tz: 'UTC' } } }] },
              finishReason: 'STOP',
            },
          ],
        },
      ),
    });
    const events = await collect(client.streamChat({ model, messages }));
    expect(events).toEqual<ChatStreamEvent[]>([
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'tool-call-delta', index: 0, id: 'call_0', name: 'get_time', argumentsDelta: '{"tz":"UTC"}' },
      { type: 'finish', finishReason: 'tool-calls' },
    ]);
  });

  it('a blocked prompt ends with a content-filter finish', async () => {
    server.reply({ headers: SSE, body: sse({ promptFeedback: { blockReason: 'SAFETY' } }) });
    expect(await collect(client.streamChat({ model, messages }))).toEqual([
      { type: 'finish', finishReason: 'content-filter' },
    ]);
  });

  it('a bare error line before any content is retried like the error it names', async () => {
    server.reply(
      { headers: SSE, body: errorLine(503, 'UNAVAILABLE') },
      { headers: SSE, body: sse(textChunk('one '), finalChunk) },
    );
    const pending = collect(client.streamChat({ model, messages }));
    await advanceWhenSleeping(100);
    const events = await pending;
    expect(events.map((e) => e.type)).toEqual(['text-delta', 'text-delta', 'finish']);
    expect(server.requests).toHaveLength(2);
    expect(client.recentRequests(1)[0]?.attempts[0]?.errorCode).toBe('overloaded');
  });

  it('a bare error line after content is a StreamError carrying the status, never replayed', async () => {
    server.reply({ headers: SSE, body: sse(textChunk('one ')) + errorLine(500, 'INTERNAL') });
    const seen: ChatStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of client.streamChat({ model, messages })) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ type: 'text-delta', text: 'one ' }]);
    expect(error).toMatchObject({ name: 'StreamError', providerCode: 'INTERNAL', status: 500 });
    expect(server.requests).toHaveLength(1);
  });

  it('a body that ends without a finish reason is truncated: StreamError after content', async () => {
    server.reply({ headers: SSE, body: sse(textChunk('one '), textChunk('two ')) });
    await expect(collect(client.streamChat({ model, messages }))).rejects.toMatchObject({
      name: 'StreamError',
      message: expect.stringContaining('truncated'),
    });
    expect(client.lanes()[0]?.queue.pending).toBe(0);
  });

  it('a body cut before any content is retried', async () => {
    server.reply({ headers: SSE, body: '' }, { headers: SSE, body: sse(finalChunk) });
    const pending = collect(client.streamChat({ model, messages }));
    await advanceWhenSleeping(100);
    expect((await pending).map((e) => e.type)).toEqual(['text-delta', 'finish']);
  });

  it('a 429 with RetryInfo waits exactly the server delay', async () => {
    server.reply(
      {
        status: 429,
        json: {
          error: {
            code: 429,
            message: 'You exceeded your current quota',
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
          },
        },
      },
      { headers: SSE, body: sse(finalChunk) },
    );
    const stream = client.streamChat({ model, messages });
    const pending = collect(stream);
    await advanceWhenSleeping(37_000);
    await pending;
    expect(
      client.findRequest(stream.requestId)?.attempts.map((a) => [a.delayBeforeMs, a.delaySource]),
    ).toEqual([
      [0, 'none'],
      [37_000, 'provider'],
    ]);
  });

  it('a malformed chunk is a typed error', async () => {
    server.reply({ headers: SSE, body: 'data: {"candidates":[\r\n\r\n' });
    await expect(collect(client.streamChat({ model, messages }))).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });
});
