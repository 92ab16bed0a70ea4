import type { ChatStreamEvent, SseEvent } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { createClaudeStreamMapper, isClaudeChatContent } from './claude-stream.js';

const frame = (data: Record<string, unknown>): SseEvent => ({
  event: String(data.type),
  data: JSON.stringify(data),
});

const start = frame({
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'claude-x',
    stop_reason: null,
    usage: { input_tokens: 25, output_tokens: 1 },
  },
});
const stop = frame({ type: 'message_stop' });

function run(frames: SseEvent[]): { events: ChatStreamEvent[]; terminal: boolean } {
  const mapper = createClaudeStreamMapper();
  const events: ChatStreamEvent[] = [];
  let terminal = false;
  for (const f of frames) {
    const out = mapper.map(f);
    if (out !== undefined) events.push(...(Array.isArray(out) ? out : [out as ChatStreamEvent]));
    if (mapper.isTerminal?.(f)) {
      terminal = true;
      break;
    }
  }
  events.push(...(mapper.flush?.() ?? []));
  return { events, terminal };
}

describe('createClaudeStreamMapper', () => {
  it('text deltas, ping ignored, one finish with input from message_start and output from message_delta', () => {
    const { events, terminal } = run([
      start,
      frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      { event: 'ping', data: '{"type": "ping"}' },
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' world' } }),
      frame({ type: 'content_block_stop', index: 0 }),
      frame({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 7 },
      }),
      frame({ type: 'message_delta', delta: {}, usage: { output_tokens: 15 } }),
      stop,
    ]);
    expect(terminal).toBe(true);
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' world' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 25, outputTokens: 15, totalTokens: 40 } },
    ]);
  });

  it('thinking and tool use: reasoning deltas, tool-call deltas indexed by call, signature ignored', () => {
    const { events } = run([
      start,
      frame({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'abc' } }),
      frame({ type: 'content_block_stop', index: 0 }),
      frame({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} },
      }),
      frame({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
      frame({
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"x":' },
      }),
      frame({
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '1}' },
      }),
      frame({ type: 'content_block_stop', index: 1 }),
      frame({
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_b', name: 'g', input: {} },
      }),
      frame({ type: 'content_block_stop', index: 2 }),
      frame({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }),
      stop,
    ]);
    expect(events).toEqual([
      { type: 'reasoning-delta', text: 'Hmm.' },
      { type: 'tool-call-delta', index: 0, id: 'toolu_a', name: 'f', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool-call-delta', index: 1, id: 'toolu_b', name: 'g', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 25, outputTokens: 9, totalTokens: 34 },
      },
    ]);
  });

  it('later cumulative counts in message_delta win, cache tokens included', () => {
    const { events } = run([
      start,
      frame({
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens' },
        usage: { output_tokens: 3, input_tokens: 30, cache_read_input_tokens: 70 },
      }),
      stop,
    ]);
    expect(events).toEqual([
      {
        type: 'finish',
        finishReason: 'length',
        usage: { inputTokens: 100, outputTokens: 3, totalTokens: 103, cacheReadInputTokens: 70 },
      },
    ]);
  });

  it('unknown events and delta types are ignored', () => {
    const { events } = run([
      start,
      { event: 'brand_new_event', data: '{"type":"brand_new_event"}' },
      frame({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'server_tool_use', id: 's', name: 'web_search' },
      }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: {} } }),
      stop,
    ]);
    expect(events).toEqual([{ type: 'finish', finishReason: 'other', usage: expect.any(Object) }]);
  });

  it('event: error throws the mapped error', () => {
    const mapper = createClaudeStreamMapper();
    mapper.map(start);
    expect(() =>
      mapper.map({
        event: 'error',
        data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      }),
    ).toThrow(expect.objectContaining({ name: 'OverloadedError', retryable: true, message: 'Overloaded' }));
    expect(() => mapper.map({ event: 'error', data: 'not json' })).toThrow(
      expect.objectContaining({ name: 'ServerError', message: 'not json' }),
    );
  });

  it('malformed JSON is a ResponseFormatError', () => {
    const mapper = createClaudeStreamMapper();
    expect(() => mapper.map({ event: 'content_block_delta', data: '{"type":' })).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
    expect(() => mapper.map({ event: 'message_start', data: '[1]' })).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
  });

  it('recognises message_stop without an event name, and flushes one finish only', () => {
    const mapper = createClaudeStreamMapper();
    const unnamed = { event: 'message', data: '{"type":"message_stop"}' };
    mapper.map(unnamed);
    expect(mapper.isTerminal?.(unnamed)).toBe(true);
    expect(mapper.flush?.()).toHaveLength(1);
    expect(mapper.flush?.()).toBeUndefined();
  });

  it('only the finish is not content', () => {
    expect(isClaudeChatContent({ type: 'text-delta', text: 'a' })).toBe(true);
    expect(isClaudeChatContent({ type: 'tool-call-delta', index: 0, argumentsDelta: '' })).toBe(true);
    expect(isClaudeChatContent({ type: 'finish', finishReason: 'stop' })).toBe(false);
  });
});
