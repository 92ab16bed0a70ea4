import type { AttemptContext } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { parseGeminiChatResponse } from './gemini-chat-response.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

function context(): AttemptContext {
  return {
    requestId: 'req_1',
    operation: 'chat',
    attempt: 1,
    lane: { id: 'l', baseURL: 'http://x', headers: {}, apiKey: () => undefined, secret: () => undefined },
    signal: new AbortController().signal,
    providerRequestId: undefined,
    status: 200,
  };
}

describe('parseGeminiChatResponse', () => {
  it('joins text parts, keeps thoughts apart, and reads usage, model and responseId', () => {
    const ctx = context();
    const result = parseGeminiChatResponse(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ text: 'thinking…', thought: true }, { text: 'Hello' }, { text: ', world' }],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: 4,
          candidatesTokenCount: 3,
          thoughtsTokenCount: 5,
          totalTokenCount: 12,
        },
        modelVersion: 'models/gemini-2.5-flash',
        responseId: 'abc123',
      },
      ctx,
    );
    expect(result).toEqual({
      text: 'Hello, world',
      reasoning: 'thinking…',
      toolCalls: [],
      finishReason: 'stop',
      rawFinishReason: 'STOP',
      usage: { inputTokens: 4, outputTokens: 8, totalTokens: 12 },
      model: 'gemini-2.5-flash',
      requestId: 'req_1',
      providerRequestId: 'abc123',
    });
    expect(ctx.providerRequestId).toBe('abc123');
  });

  it('maps functionCall parts to tool calls: JSON arguments, the service id or call_<n>', () => {
    const result = parseGeminiChatResponse(
      {
        candidates: [
          {
            content: {
              parts: [
                { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
                { functionCall: { id: 'fc-9', name: 'get_time' } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      },
      context(),
    );
    expect(result.toolCalls).toEqual([
      { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'fc-9', name: 'get_time', arguments: '{}' },
    ]);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('a blocked prompt is an empty content-filter result with its block reason', () => {
    const result = parseGeminiChatResponse(
      {
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
      },
      context(),
    );
    expect(result).toMatchObject({
      text: '',
      toolCalls: [],
      finishReason: 'content-filter',
      blockReason: 'PROHIBITED_CONTENT',
      usage: { inputTokens: 5, totalTokens: 5 },
    });
  });

  it('a candidate stopped for SAFETY has no content and finishes with content-filter', () => {
    const result = parseGeminiChatResponse(
      {
        candidates: [
          {
            finishReason: 'SAFETY',
            safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', blocked: true }],
          },
        ],
      },
      context(),
    );
    expect(result).toMatchObject({ text: '', finishReason: 'content-filter', rawFinishReason: 'SAFETY' });
  });

  it.each([
    ['no candidates and no block reason', {}],
    ['candidates that is not an array', { candidates: {} }],
    ['parts that is not an array', { candidates: [{ content: { parts: 'x' } }] }],
    ['a function call without a name', { candidates: [{ content: { parts: [{ functionCall: {} }] } }] }],
    ['a body that is not an object', 'oops'],
  ])('refuses %s with ResponseFormatError', (_name, body) => {
    expect(() => parseGeminiChatResponse(body, context())).toThrowError(
      expect.objectContaining({ name: 'ResponseFormatError' }),
    );
  });

  it('an error object in a 200 body is thrown as its typed error', () => {
    expect(() =>
      parseGeminiChatResponse(
        { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } },
        context(),
      ),
    ).toThrowError(expect.objectContaining({ name: 'OverloadedError', providerCode: 'UNAVAILABLE' }));
  });
});

describe('mapGeminiFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool-calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content-filter'],
    ['RECITATION', false, 'content-filter'],
    ['BLOCKLIST', false, 'content-filter'],
    ['PROHIBITED_CONTENT', false, 'content-filter'],
    ['SPII', false, 'content-filter'],
    ['IMAGE_SAFETY', false, 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', true, 'other'],
    ['LANGUAGE', false, 'other'],
    ['OTHER', false, 'other'],
    ['SOMETHING_NEW', false, 'other'],
    [undefined, false, 'other'],
  ] as const)('%s (tool calls: %s) -> %s', (reason, calls, expected) => {
    expect(mapGeminiFinishReason(reason, calls)).toBe(expected);
  });
});

describe('convertGeminiUsage', () => {
  it('counts thoughts as output and keeps the service total', () => {
    expect(
      convertGeminiUsage({
        promptTokenCount: 10,
        candidatesTokenCount: 5,
        thoughtsTokenCount: 20,
        toolUsePromptTokenCount: 3,
        totalTokenCount: 38,
      }),
    ).toEqual({ inputTokens: 10, outputTokens: 25, totalTokens: 38 });
  });

  it('sums when there is no total, and is undefined without usage', () => {
    expect(convertGeminiUsage({ promptTokenCount: 2, candidatesTokenCount: 3 })).toEqual({
      inputTokens: 2,
      outputTokens: 3,
      totalTokens: 5,
    });
    expect(convertGeminiUsage(undefined)).toBeUndefined();
    expect(convertGeminiUsage({})).toBeUndefined();
  });
});
