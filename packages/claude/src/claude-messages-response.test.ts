import type { AttemptContext } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { convertClaudeUsage, mapClaudeStopReason, parseClaudeMessage } from './claude-messages-response.js';

const ctx = { requestId: 'req_test', providerRequestId: 'req_011abc' } as AttemptContext;

describe('parseClaudeMessage', () => {
  it('joins text blocks and maps usage, stop reason and ids', () => {
    const result = parseClaudeMessage(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-3-5-haiku-20241022',
        content: [
          { type: 'text', text: 'Hello ' },
          { type: 'text', text: 'world' },
        ],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: {
          input_tokens: 25,
          output_tokens: 15,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
      ctx,
    );
    expect(result).toMatchObject({
      text: 'Hello world',
      toolCalls: [],
      finishReason: 'stop',
      stopReason: 'end_turn',
      model: 'claude-3-5-haiku-20241022',
      messageId: 'msg_1',
      requestId: 'req_test',
      providerRequestId: 'req_011abc',
      usage: { inputTokens: 25, outputTokens: 15, totalTokens: 40 },
    });
    expect(result).not.toHaveProperty('stopSequence');
    expect(result.content).toHaveLength(2);
  });

  it('tool_use blocks -> tool calls with the JSON text of input; thinking -> reasoning', () => {
    const result = parseClaudeMessage(
      {
        type: 'message',
        content: [
          { type: 'thinking', thinking: 'Need the weather.', signature: 'sig' },
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 3, output_tokens: 4 },
      },
      ctx,
    );
    expect(result.toolCalls).toEqual([{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' }]);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.reasoning).toBe('Need the weather.');
    expect(result.text).toBe('Let me check.');
  });

  it('a stop sequence is reported', () => {
    const result = parseClaudeMessage(
      { content: [{ type: 'text', text: 'a' }], stop_reason: 'stop_sequence', stop_sequence: 'END' },
      ctx,
    );
    expect([result.finishReason, result.stopSequence]).toEqual(['stop', 'END']);
  });

  it('a body of type error throws the mapped error', () => {
    expect(() =>
      parseClaudeMessage({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, ctx),
    ).toThrow(expect.objectContaining({ name: 'OverloadedError', providerCode: 'overloaded_error' }));
  });

  it.each([[null], ['text'], [{ type: 'message' }], [{ content: [{ type: 'tool_use', input: {} }] }]])(
    'a malformed message %j is a ResponseFormatError',
    (body) => {
      expect(() => parseClaudeMessage(body, ctx)).toThrow(
        expect.objectContaining({ code: 'invalid_response' }),
      );
    },
  );
});

describe('mapClaudeStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    [null, 'other'],
    ['something_new', 'other'],
  ])('%s -> %s', (reason, expected) => {
    expect(mapClaudeStopReason(reason)).toBe(expected);
  });
});

describe('convertClaudeUsage', () => {
  it('counts cache tokens into the input and keeps them apart', () => {
    expect(
      convertClaudeUsage({
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 1000,
      }),
    ).toEqual({
      inputTokens: 1110,
      outputTokens: 5,
      totalTokens: 1115,
      cacheCreationInputTokens: 100,
      cacheReadInputTokens: 1000,
    });
  });

  it('tolerates null fields and missing usage', () => {
    expect(convertClaudeUsage({ input_tokens: 2, output_tokens: 1, cache_read_input_tokens: null })).toEqual({
      inputTokens: 2,
      outputTokens: 1,
      totalTokens: 3,
    });
    expect(convertClaudeUsage(undefined)).toBeUndefined();
    expect(convertClaudeUsage({})).toBeUndefined();
  });
});
