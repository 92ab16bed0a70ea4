import { type ClaudeClient, createClaude } from '@ipfs-accelerate/claude';
import type { ChatMessage, ChatStreamEvent, ToolDefinition } from '@ipfs-accelerate/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicEmulator, startAnthropicEmulator } from './anthropic.js';

// The repository's own Claude client against the emulator: the two must agree on every shape.
const MODEL = 'claude-3-5-haiku-latest';
let emulator: AnthropicEmulator;
let claude: ClaudeClient;
beforeEach(async () => {
  emulator = await startAnthropicEmulator();
  claude = createClaude({ baseURL: emulator.baseURL, apiKey: 'test-key', retry: { maxRetries: 0 } });
});
afterEach(async () => {
  await claude.destroy();
  await emulator.close();
});

const lookup: ToolDefinition = {
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: { type: 'object', properties: { word: { type: 'string' } } },
};
const user = (content: string): ChatMessage => ({ role: 'user', content });

describe('the Claude client against the Anthropic emulator', () => {
  it('chat: text, usage, the request id, max_tokens sent by default', async () => {
    const result = await claude.chat({
      model: MODEL,
      messages: [{ role: 'system', content: 'Be brief.' }, user('hello')],
    });
    expect(result).toMatchObject({
      text: 'Echo: hello',
      finishReason: 'stop',
      stopReason: 'end_turn',
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      providerRequestId: 'req_emu_00000000',
    });
    expect(emulator.requests[0]?.json).toMatchObject({ max_tokens: 1024, system: 'Be brief.' });
    expect(emulator.requests[0]?.headers).toMatchObject({
      'x-api-key': 'test-key',
      'anthropic-version': '2023-06-01',
    });
  });

  it('maxTokens -> length; a stop sequence -> stop with the sequence', async () => {
    const cut = await claude.chat({ model: MODEL, messages: [user('one two three')], maxTokens: 2 });
    expect([cut.text, cut.finishReason]).toEqual(['Echo: one', 'length']);
    const stopped = await claude.chat({ model: MODEL, messages: [user('one two three')], stop: ['two'] });
    expect([stopped.text, stopped.finishReason, stopped.stopSequence]).toEqual(['Echo: one ', 'stop', 'two']);
  });

  it('a full tool round trip: tool call, then the result fed back', async () => {
    const first = await claude.chat({
      model: MODEL,
      messages: [user('use the tool on cats')],
      tools: [lookup],
    });
    expect(first.finishReason).toBe('tool-calls');
    const call = first.toolCalls[0]!;
    expect(call).toMatchObject({ name: 'lookup', arguments: '{"word":"use the tool on cats"}' });
    const second = await claude.chat({
      model: MODEL,
      tools: [lookup],
      messages: [
        user('use the tool on cats'),
        { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: call.id, content: 'feline' },
      ],
    });
    expect([second.text, second.finishReason]).toEqual(['Echo: feline', 'stop']);
  });

  it('a streamed tool call: deltas concatenate to the JSON arguments', async () => {
    const events: ChatStreamEvent[] = [];
    for await (const e of claude.streamChat({
      model: MODEL,
      messages: [user('x')],
      tools: [lookup],
      toolChoice: 'required',
    })) {
      events.push(e);
    }
    const deltas = events.filter((e) => e.type === 'tool-call-delta');
    expect(deltas[0]).toMatchObject({ index: 0, name: 'lookup', id: expect.stringMatching(/^toolu_/) });
    expect(JSON.parse(deltas.map((d) => d.argumentsDelta).join(''))).toEqual({ word: 'x' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
  });

  it('thinking via providerOptions: reasoning in chat and reasoning deltas in the stream', async () => {
    const request = {
      model: MODEL,
      messages: [user('why')],
      maxTokens: 2048,
      providerOptions: { thinking: { type: 'enabled', budget_tokens: 1024 } },
    };
    const result = await claude.chat(request);
    expect([result.reasoning, result.text]).toEqual(['Thinking about: why', 'Echo: why']);
    const events: ChatStreamEvent[] = [];
    for await (const e of claude.streamChat(request)) events.push(e);
    const reasoning = events.map((e) => (e.type === 'reasoning-delta' ? e.text : '')).join('');
    const text = events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
    expect([reasoning, text]).toEqual(['Thinking about: why', 'Echo: why']);
  });

  it('a json-schema response format and an image pass the emulator validation', async () => {
    const json = await claude.chat({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
          ],
        },
      ],
      responseFormat: { type: 'json-schema', name: 'echo', schema: { type: 'object' } },
    });
    expect(JSON.parse(json.text)).toEqual({ echo: 'hi' });
  });

  it('countTokens equals the input usage of the same prompt', async () => {
    const request = {
      model: MODEL,
      messages: [{ role: 'system' as const, content: 'Be brief.' }, user('count these words')],
    };
    const counted = await claude.countTokens(request);
    const result = await claude.chat(request);
    expect(counted.inputTokens).toBe(5);
    expect(result.usage?.inputTokens).toBe(counted.inputTokens);
  });

  it('listModels follows pagination across three pages of the emulator', async () => {
    const models = Array.from({ length: 45 }, (_, i) => `claude-test-${String(i).padStart(2, '0')}`);
    const many = await startAnthropicEmulator({ models });
    const c = createClaude({ baseURL: many.baseURL, apiKey: 'test-key' });
    const listed = await c.listModels();
    expect(listed.map((m) => m.id)).toEqual(models);
    expect(listed[1]?.createdAt).toEqual(new Date('2024-12-31T00:00:00Z'));
    expect(many.requests.map((r) => r.query.get('after_id'))).toEqual([
      null,
      'claude-test-19',
      'claude-test-39',
    ]);
    expect(c.stats().requests).toBe(3);
    const page = await c.listModelsPage({ limit: 5, afterId: 'claude-test-40' });
    expect(page.models.map((m) => m.id)).toEqual(models.slice(41));
    expect((await c.getModel('claude-test-07')).displayName).toBe('Claude Test 07');
    await c.destroy();
    await many.close();
  });

  it('records the anthropic-ratelimit-* headers on the endpoint', async () => {
    await claude.chat({ model: MODEL, messages: [user('hi')] });
    expect(claude.endpoints()[0]?.rateLimit).toMatchObject({
      limitRequests: 4000,
      remainingRequests: 3999,
      limitTokens: 800_000,
      resetRequestsMs: expect.any(Number),
    });
  });

  it('an emulator 400 (tool pairing) reaches the caller as InvalidRequestError with the API message', async () => {
    const error = await claude
      .chat({
        model: MODEL,
        messages: [
          user('x'),
          { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_1', name: 'lookup', arguments: '{}' }] },
          user('y'),
        ],
        tools: [lookup],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'InvalidRequestError',
      status: 400,
      providerCode: 'invalid_request_error',
    });
    expect((error as Error).message).toMatch(/tool_use` ids were found without `tool_result`/);
  });
});
