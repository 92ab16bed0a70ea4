import { QuotaExceededError, ResponseFormatError, ServerError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { jsonFixture } from './__fixtures__/fixtures.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { parseOpenAIChatResponse } from './openai-chat-response.js';

describe('parseOpenAIChatResponse', () => {
  it('reads text, finish reason, usage, model and id', () => {
    expect(parseOpenAIChatResponse(jsonFixture('chat-completion.json'))).toEqual({
      text: 'Hello! How can I help you today?',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 19, outputTokens: 10, totalTokens: 29 },
      model: 'gpt-4o-mini-2024-07-18',
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    });
  });

  it('reads tool calls with null content', () => {
    const parsed = parseOpenAIChatResponse(jsonFixture('chat-completion-tool-calls.json'));
    expect(parsed.text).toBe('');
    expect(parsed.finishReason).toBe('tool-calls');
    expect(parsed.toolCalls).toEqual([
      { id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', arguments: '{"location":"Boston, MA"}' },
      { id: 'call_Xb3bW9sd1B2n0dLx4fGh7Kq2', name: 'get_time', arguments: '{"zone":"America/New_York"}' },
    ]);
  });

  it('tolerates the dialects of compatible servers', () => {
    const parsed = parseOpenAIChatResponse({
      choices: [
        {
          message: {
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
            tool_calls: [{ function: { name: 'f', arguments: { x: 1 } } }],
          },
          finish_reason: 'eos_token',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
    expect(parsed).toMatchObject({
      text: 'ab',
      toolCalls: [{ id: 'call_0', name: 'f', arguments: '{"x":1}' }],
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
  });

  it('reads a request id and usage through hooks (Groq x_groq)', () => {
    const parsed = parseOpenAIChatResponse(
      {
        ...jsonFixture('chat-completion.json'),
        usage: undefined,
        x_groq: { id: 'req_01abc', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
      },
      {
        hooks: {
          providerRequestId: (b) => (b.x_groq as { id?: string } | undefined)?.id,
          usage: (b) => (b.x_groq as { usage?: unknown } | undefined)?.usage,
        },
      },
    );
    expect(parsed.providerRequestId).toBe('req_01abc');
    expect(parsed.usage).toEqual({ inputTokens: 1, outputTokens: 2, totalTokens: 3 });
  });

  it.each([
    ['a string', '"hello"', /not a JSON object/],
    ['no choices', { id: 'x' }, /choices is missing or empty/],
    ['empty choices', { choices: [] }, /choices is missing or empty/],
    ['no message', { choices: [{ index: 0, delta: {} }] }, /message is missing/],
    ['content a number', { choices: [{ message: { content: 5 } }] }, /content is number/],
    ['tool_calls an object', { choices: [{ message: { tool_calls: {} } }] }, /tool_calls is not an array/],
    [
      'tool call without name',
      { choices: [{ message: { tool_calls: [{ function: {} }] } }] },
      /no function name/,
    ],
  ])('throws ResponseFormatError for %s', (_, body, reason) => {
    expect(() => parseOpenAIChatResponse(body, { provider: 'ovms' })).toThrow(ResponseFormatError);
    expect(() => parseOpenAIChatResponse(body, { provider: 'ovms' })).toThrow(reason);
    expect(() => parseOpenAIChatResponse(body, { provider: 'ovms' })).toThrow(
      /^ovms: malformed chat completion/,
    );
  });

  it('throws the mapped error for a 200 body that is an error', () => {
    expect(() => parseOpenAIChatResponse({ error: 'Model not loaded' })).toThrow(ServerError);
    expect(() =>
      parseOpenAIChatResponse({ error: { message: 'out of credit', code: 'insufficient_quota' } }),
    ).toThrow(QuotaExceededError);
  });
});

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'content-filter'],
    ['stop_sequence', 'stop'],
    ['abort', 'error'],
    ['something_new', 'other'],
    [null, 'other'],
    [undefined, 'other'],
    ['constructor', 'other'],
  ])('%s -> %s', (wire, expected) => {
    expect(mapOpenAIFinishReason(wire)).toBe(expected);
  });
});
