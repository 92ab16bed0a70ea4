import type { SseEvent } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { createHfTgiGenerateStreamMapper, isHfTgiGenerateContent } from './hf-tgi-generate-stream.js';

const frame = (data: unknown): SseEvent => ({
  event: 'message',
  data: typeof data === 'string' ? data : JSON.stringify(data),
});
const token = (text: string, special = false) => ({ id: 1, text, logprob: -0.1, special });

describe('createHfTgiGenerateStreamMapper', () => {
  it('maps tokens to deltas (with top tokens), skips special tokens and ends on generated_text', () => {
    const mapper = createHfTgiGenerateStreamMapper();
    const delta = mapper.map(
      frame({
        index: 1,
        token: token('Hi'),
        top_tokens: [token('Hi'), token('Hey')],
        generated_text: null,
        details: null,
      }),
    );
    expect(delta).toEqual([
      { type: 'text-delta', text: 'Hi', token: token('Hi'), topTokens: [token('Hi'), token('Hey')] },
    ]);
    expect(mapper.isTerminal?.(frame('{}'))).toBe(false);
    const end = mapper.map(
      frame({
        index: 2,
        token: token('</s>', true),
        generated_text: 'Hi',
        details: { finish_reason: 'length', generated_tokens: 2, input_length: 1, seed: null },
      }),
    );
    expect(end).toEqual([
      {
        type: 'finish',
        finishReason: 'length',
        tgiFinishReason: 'length',
        generatedText: 'Hi',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      },
    ]);
    expect(mapper.isTerminal?.(frame('{}'))).toBe(true);
  });

  it('ignores [DONE] and throws typed errors for broken events and in-band errors', () => {
    const mapper = createHfTgiGenerateStreamMapper();
    expect(mapper.map(frame('[DONE]'))).toBeUndefined();
    expect(() => mapper.map(frame('{"index":1,"token":{"id":'))).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
    expect(() => mapper.map(frame({ index: 1, token: { id: 'x' } }))).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
    expect(() => mapper.map(frame({ error: 'Model is overloaded', error_type: 'overloaded' }))).toThrow(
      expect.objectContaining({ code: 'rate_limited' }),
    );
  });

  it('only text deltas are content', () => {
    expect(isHfTgiGenerateContent({ type: 'text-delta', text: 'a', token: token('a') })).toBe(true);
    expect(isHfTgiGenerateContent({ type: 'finish', finishReason: 'stop', generatedText: '' })).toBe(false);
  });
});
