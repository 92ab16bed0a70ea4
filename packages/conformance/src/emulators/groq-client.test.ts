import { OverloadedError, StreamError } from '@ipfs-accelerate/core';
import { createGroq, type GroqChatStreamEvent, type GroqClient } from '@ipfs-accelerate/groq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GroqEmulator, startGroqEmulator } from './groq.js';

// This repository's Groq client against the Groq emulator: the pair must agree on the wire.
let emulator: GroqEmulator;
let client: GroqClient;
beforeEach(async () => {
  emulator = await startGroqEmulator();
  client = createGroq({
    apiKey: 'test-key',
    baseURL: emulator.baseURL,
    retry: { maxRetries: 1, initialDelayMs: 0, jitter: 'none' },
  });
});
afterEach(async () => {
  await client.close();
  await emulator.close();
});

const model = 'llama-3.1-8b-instant';
const messages = [{ role: 'user' as const, content: 'hello from the core' }];
const collect = async (stream: AsyncIterable<GroqChatStreamEvent>): Promise<GroqChatStreamEvent[]> => {
  const events: GroqChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
};
const TIMINGS = { queueTime: 0.00125, promptTime: 0.00016, completionTime: 0.01, totalTime: 0.01016 };

describe('@ipfs-accelerate/groq against the Groq emulator', () => {
  it('chat: text, usage, timings, and the x_groq id in the result and the ledger', async () => {
    const result = await client.chat({ model, messages, maxTokens: 50 });
    expect(result).toMatchObject({
      text: 'Echo: hello from the core',
      finishReason: 'stop',
      usage: { inputTokens: 4, outputTokens: 5, totalTokens: 9 },
      providerRequestId: 'req_01emu000000000000000000000',
      timings: TIMINGS,
    });
    expect(client.findRequest(result.requestId)?.providerRequestId).toBe(result.providerRequestId);
    expect(emulator.requests[0]?.json).toMatchObject({ max_completion_tokens: 50 });
    expect(client.endpoints()[0]?.rateLimit).toMatchObject({
      limitRequests: 14_400,
      remainingRequests: 14_399,
      resetRequestsMs: 179_560,
      limitTokens: 6_000,
      remainingTokens: 5_991,
      resetTokensMs: 7_660,
    });
  });

  it('streamChat: deltas, then one finish with usage and timings; the ledger has the x_groq id', async () => {
    const stream = client.streamChat({ model, messages });
    const events = await collect(stream);
    expect(events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe(
      'Echo: hello from the core',
    );
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 4, outputTokens: 5, totalTokens: 9 },
      timings: TIMINGS,
    });
    expect(client.findRequest(stream.requestId)?.providerRequestId).toMatch(/^req_01emu/);
  });

  it('reasoning_format parsed: reasoning in the result and as a reasoning delta', async () => {
    const providerOptions = { reasoning_format: 'parsed', service_tier: 'flex' };
    const result = await client.chat({ model, messages, providerOptions });
    expect(result.reasoning).toBe('The user wants an echo.');
    const events = await collect(client.streamChat({ model, messages, providerOptions }));
    expect(events[0]).toEqual({ type: 'reasoning-delta', text: 'The user wants an echo.' });
  });

  it('498 capacity_exceeded is retried, then surfaces as OverloadedError', async () => {
    const route = 'POST /openai/v1/chat/completions';
    emulator.script(route, [{ kind: 'error', status: 498 }]);
    expect((await client.chat({ model, messages })).text).toContain('Echo');
    emulator.script(route, [
      { kind: 'error', status: 498 },
      { kind: 'error', status: 498 },
    ]);
    const error = await client.chat({ model, messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toMatchObject({ status: 498, providerCode: 'capacity_exceeded', attempts: 2 });
  });

  it('x_groq.error after content ends the stream with a StreamError', async () => {
    emulator.script('POST /openai/v1/chat/completions', [
      { kind: 'stream-error', afterEvents: 2, message: 'model crashed' },
    ]);
    const error = await collect(client.streamChat({ model, messages })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect(String((error as Error).message)).toContain('model crashed');
  });
});
