/** The x_groq readers and Groq's error cases, without a network. */
import { OverloadedError, ServerError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { parseGroqError } from './groq-error.js';
import {
  GROQ_HOOKS,
  readGroqReasoning,
  readGroqRequestId,
  readGroqTimings,
  readGroqUsage,
} from './groq-extensions.js';

const response = (status: number, bodyJson: unknown, bodyText = JSON.stringify(bodyJson)) => ({
  status,
  headers: {},
  bodyJson,
  bodyText,
  providerRequestId: undefined,
});

describe('x_groq', () => {
  it('reads the request id, the usage (x_groq first) and the timings', () => {
    expect(readGroqRequestId({ x_groq: { id: 'req_1' } })).toBe('req_1');
    expect(readGroqRequestId({ x_groq: { id: '' } })).toBeUndefined();
    expect(readGroqRequestId({ x_groq: 'req_1' })).toBeUndefined();
    expect(readGroqUsage({ usage: { prompt_tokens: 1 }, x_groq: { usage: { prompt_tokens: 2 } } })).toEqual({
      prompt_tokens: 2,
    });
    expect(readGroqUsage({ usage: { prompt_tokens: 1 } })).toEqual({ prompt_tokens: 1 });
    expect(
      readGroqTimings({ queue_time: 0.1, prompt_time: 0, total_time: 'x', completion_time: -1 }),
    ).toEqual({
      queueTime: 0.1,
      promptTime: 0,
    });
    expect(readGroqTimings({ prompt_tokens: 3 })).toBeUndefined();
    expect(readGroqTimings(null)).toBeUndefined();
  });

  it('reads the reasoning of the first choice', () => {
    expect(readGroqReasoning({ choices: [{ index: 0, message: { reasoning: 'because' } }] })).toBe('because');
    expect(readGroqReasoning({ choices: [{ index: 0, message: { reasoning: null } }] })).toBeUndefined();
    expect(readGroqReasoning({})).toBeUndefined();
  });

  it('hooks: an in-band error is x_groq.error, absent when empty', () => {
    expect(GROQ_HOOKS.streamError({ x_groq: { error: 'stopped' } })).toBe('stopped');
    expect(GROQ_HOOKS.streamError({ x_groq: { error: '' } })).toBeUndefined();
    expect(GROQ_HOOKS.streamError({ x_groq: { id: 'req_1' } })).toBeUndefined();
    expect(GROQ_HOOKS.usage({ x_groq: { usage: { total_tokens: 1 } } })).toEqual({ total_tokens: 1 });
    expect(GROQ_HOOKS.usage({ usage: { total_tokens: 1 } })).toBeUndefined();
  });
});

describe('parseGroqError', () => {
  it('498 is an OverloadedError, with or without a body', () => {
    const withBody = parseGroqError(
      response(498, {
        error: { message: 'flex full', type: 'capacity_exceeded', code: 'capacity_exceeded' },
      }),
    );
    expect(withBody).toBeInstanceOf(OverloadedError);
    expect(withBody).toMatchObject({ message: 'flex full', status: 498, providerCode: 'capacity_exceeded' });
    expect(withBody?.breakerFailure).toBe(true);
    const bare = parseGroqError(response(498, undefined, ''));
    expect(bare).toMatchObject({ code: 'overloaded', providerCode: 'capacity_exceeded', provider: 'groq' });
  });

  it('499 is a retryable ServerError; other statuses fall through to the OpenAI mapping', () => {
    expect(parseGroqError(response(499, undefined, ''))).toBeInstanceOf(ServerError);
    for (const status of [400, 413, 424, 429, 500, 503]) {
      expect(parseGroqError(response(status, { error: { message: 'x' } }))).toBeUndefined();
    }
  });
});
