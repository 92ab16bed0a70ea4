import { describe, expect, it } from 'vitest';
import type { ChatRequest, EmbedRequest } from './capabilities.js';
import { InvalidRequestError } from './errors/index.js';
import { validateChatRequest, validateEmbedRequest } from './validate-request.js';

const ok: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('validateChatRequest', () => {
  it('accepts a complete valid request', () => {
    expect(() =>
      validateChatRequest(
        {
          ...ok,
          maxTokens: 10,
          temperature: 2,
          topP: 0,
          topK: 3,
          stop: ['x'],
          seed: 7,
          tools: [{ name: 't', parameters: { type: 'object' } }],
          toolChoice: { name: 't' },
          responseFormat: { type: 'json-schema', name: 's', schema: { type: 'object' } },
          providerOptions: { user: 'u' },
        },
        'p',
      ),
    ).not.toThrow();
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', null, /must be an object/],
    ['no model', { ...ok, model: '' }, /model must be a non-empty string/],
    ['model not a string', { ...ok, model: 42 }, /model/],
    ['no messages', { ...ok, messages: [] }, /messages must be a non-empty array/],
    ['messages not an array', { ...ok, messages: 'hi' }, /messages must be a non-empty array/],
    ['unknown role', { ...ok, messages: [{ role: 'developer', content: 'x' }] }, /role must be/],
    ['content a number', { ...ok, messages: [{ role: 'user', content: 3 }] }, /content must be a string/],
    ['unknown part', { ...ok, messages: [{ role: 'user', content: [{ type: 'audio' }] }] }, /type must be/],
    [
      'image without data',
      { ...ok, messages: [{ role: 'user', content: [{ type: 'image', mediaType: 'image/png' }] }] },
      /data/,
    ],
    ['tool without id', { ...ok, messages: [{ role: 'tool', content: 'r' }] }, /toolCallId/],
    [
      'toolCalls on user',
      { ...ok, messages: [{ role: 'user', content: '', toolCalls: [] }] },
      /only allowed on assistant/,
    ],
    [
      'bad tool call',
      { ...ok, messages: [{ role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'n' }] }] },
      /arguments/,
    ],
    ['temperature > 2', { ...ok, temperature: 2.5 }, /temperature must be a number from 0 to 2/],
    ['temperature NaN', { ...ok, temperature: Number.NaN }, /temperature/],
    ['topP > 1', { ...ok, topP: 1.1 }, /topP must be a number from 0 to 1/],
    ['topP negative', { ...ok, topP: -0.1 }, /topP/],
    ['maxTokens 0', { ...ok, maxTokens: 0 }, /maxTokens must be a positive integer/],
    ['maxTokens fractional', { ...ok, maxTokens: 1.5 }, /maxTokens/],
    ['topK 0', { ...ok, topK: 0 }, /topK/],
    ['seed fractional', { ...ok, seed: 0.5 }, /seed must be an integer/],
    ['stop a string', { ...ok, stop: 'x' }, /stop must be an array of strings/],
    ['tool without name', { ...ok, tools: [{ parameters: {} }] }, /tools\[0\]\.name/],
    ['tool without parameters', { ...ok, tools: [{ name: 't' }] }, /parameters/],
    ['bad toolChoice', { ...ok, toolChoice: 'any' }, /toolChoice/],
    ['bad responseFormat', { ...ok, responseFormat: 'xml' }, /responseFormat/],
    ['schema without name', { ...ok, responseFormat: { type: 'json-schema', schema: {} } }, /responseFormat/],
    ['providerOptions array', { ...ok, providerOptions: [] }, /providerOptions/],
  ];

  it.each(bad)('refuses %s', (_, request, message) => {
    let thrown: unknown;
    try {
      validateChatRequest(request as ChatRequest, 'groq');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect((thrown as InvalidRequestError).message).toMatch(/^groq: /);
    expect((thrown as InvalidRequestError).message).toMatch(message);
    expect((thrown as InvalidRequestError).provider).toBe('groq');
  });
});

describe('validateEmbedRequest', () => {
  it('accepts one text or many', () => {
    expect(() => validateEmbedRequest({ model: 'e', input: 'a' }, 'p')).not.toThrow();
    expect(() => validateEmbedRequest({ model: 'e', input: ['a', 'b'], dimensions: 8 }, 'p')).not.toThrow();
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['no model', { input: 'a' }, /model/],
    ['empty text', { model: 'e', input: '' }, /input must not be empty/],
    ['empty array', { model: 'e', input: [] }, /non-empty/],
    ['an empty string inside', { model: 'e', input: ['a', ''] }, /non-empty strings/],
    ['numbers', { model: 'e', input: [1, 2] }, /non-empty strings/],
    ['dimensions 0', { model: 'e', input: 'a', dimensions: 0 }, /dimensions/],
  ];

  it.each(bad)('refuses %s', (_, request, message) => {
    expect(() => validateEmbedRequest(request as EmbedRequest, 'p')).toThrow(message);
  });
});
