import { type ChatRequest, InvalidRequestError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { buildOpenAIChatBody } from './openai-chat-request.js';

const base: ChatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };

describe('buildOpenAIChatBody', () => {
  it('maps every common field to its wire name', () => {
    expect(
      buildOpenAIChatBody({
        ...base,
        maxTokens: 64,
        temperature: 0.2,
        topP: 0.9,
        stop: ['\n\n'],
        seed: 42,
        tools: [
          { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: {} } },
          { name: 'noop', parameters: { type: 'object' } },
        ],
        toolChoice: 'required',
        responseFormat: 'json',
      }),
    ).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['\n\n'],
      seed: 42,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather now',
            parameters: { type: 'object', properties: {} },
          },
        },
        { type: 'function', function: { name: 'noop', parameters: { type: 'object' } } },
      ],
      tool_choice: 'required',
      response_format: { type: 'json_object' },
    });
  });

  it('sends only what was given', () => {
    expect(buildOpenAIChatBody(base)).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(buildOpenAIChatBody({ ...base, stop: [], tools: [], responseFormat: 'text' })).toEqual(
      buildOpenAIChatBody(base),
    );
  });

  it('uses max_completion_tokens when the service asks for it', () => {
    const body = buildOpenAIChatBody({ ...base, maxTokens: 5 }, { maxTokensField: 'max_completion_tokens' });
    expect(body.max_completion_tokens).toBe(5);
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('maps a named tool choice and a JSON schema', () => {
    const body = buildOpenAIChatBody({
      ...base,
      toolChoice: { name: 'get_weather' },
      responseFormat: { type: 'json-schema', name: 'city', schema: { type: 'object' }, strict: true },
    });
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'city', schema: { type: 'object' }, strict: true },
    });
    const loose = buildOpenAIChatBody({
      ...base,
      responseFormat: { type: 'json-schema', name: 'city', schema: {} },
    });
    expect(loose.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'city', schema: {} } });
  });

  it('asks streams for the usage chunk unless told not to', () => {
    const body = buildOpenAIChatBody(base, { stream: true });
    expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const bare = buildOpenAIChatBody(base, { stream: true, streamUsage: false });
    expect(bare.stream).toBe(true);
    expect(bare).not.toHaveProperty('stream_options');
  });

  it('merges extraBody, then providerOptions last; the operation keeps stream', () => {
    const body = buildOpenAIChatBody(
      { ...base, temperature: 1, providerOptions: { temperature: 0.5, user: 'u-1', stream: false } },
      { stream: true, extraBody: { service_tier: 'flex', user: 'extra' } },
    );
    expect(body).toMatchObject({ temperature: 0.5, user: 'u-1', service_tier: 'flex', stream: true });
    const plain = buildOpenAIChatBody({ ...base, providerOptions: { stream: true } });
    expect(plain).not.toHaveProperty('stream');
  });

  it('sends topK only to services that take it', () => {
    expect(buildOpenAIChatBody({ ...base, topK: 40 }, { topK: true }).top_k).toBe(40);
    expect(() => buildOpenAIChatBody({ ...base, topK: 40 }, { provider: 'openai' })).toThrow(
      InvalidRequestError,
    );
    expect(() => buildOpenAIChatBody({ ...base, topK: 40 })).toThrow(/openai does not support topK/);
  });
});
