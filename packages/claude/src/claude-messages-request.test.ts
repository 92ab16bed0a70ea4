import type { ChatRequest } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import {
  buildClaudeCountTokensBody,
  buildClaudeMessagesBody,
  CLAUDE_DEFAULT_MAX_TOKENS,
} from './claude-messages-request.js';

const base: ChatRequest = { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'Hi' }] };
const weather = {
  name: 'weather',
  description: 'Weather now',
  parameters: { type: 'object', properties: {} },
};

describe('buildClaudeMessagesBody', () => {
  it('maps every common field', () => {
    const body = buildClaudeMessagesBody(
      {
        ...base,
        messages: [{ role: 'system', content: 'Be brief.' }, ...base.messages],
        maxTokens: 50,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stop: ['END'],
        tools: [weather],
        toolChoice: 'required',
      },
      { stream: true },
    );
    expect(body).toEqual({
      model: 'claude-3-5-haiku-latest',
      messages: [{ role: 'user', content: 'Hi' }],
      system: 'Be brief.',
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      tools: [
        { name: 'weather', description: 'Weather now', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any' },
      stream: true,
    });
  });

  it('max_tokens: the request, else providerOptions, else the client default, else 1024', () => {
    expect(buildClaudeMessagesBody(base, { stream: false }).max_tokens).toBe(CLAUDE_DEFAULT_MAX_TOKENS);
    expect(CLAUDE_DEFAULT_MAX_TOKENS).toBe(1024);
    expect(buildClaudeMessagesBody(base, { stream: false, defaultMaxTokens: 77 }).max_tokens).toBe(77);
    expect(
      buildClaudeMessagesBody({ ...base, providerOptions: { max_tokens: 9 } }, { stream: false }).max_tokens,
    ).toBe(9);
    expect(
      buildClaudeMessagesBody(
        { ...base, maxTokens: 5, providerOptions: { max_tokens: 9 } },
        { stream: false },
      ).max_tokens,
    ).toBe(5);
  });

  it('providerOptions ride along; typed fields win; stream is only set when streaming', () => {
    const body = buildClaudeMessagesBody(
      {
        ...base,
        temperature: 0.5,
        providerOptions: {
          metadata: { user_id: 'u-1' },
          thinking: { type: 'enabled', budget_tokens: 2048 },
          temperature: 1,
          stream: true,
          model: 'other',
        },
      },
      { stream: false },
    );
    expect(body).toMatchObject({
      model: 'claude-3-5-haiku-latest',
      metadata: { user_id: 'u-1' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      temperature: 0.5,
    });
    expect(body).not.toHaveProperty('stream');
  });

  it('toolChoice: auto, none, a named tool', () => {
    const withTools = { ...base, tools: [weather] };
    expect(
      buildClaudeMessagesBody({ ...withTools, toolChoice: 'auto' }, { stream: false }).tool_choice,
    ).toEqual({
      type: 'auto',
    });
    expect(
      buildClaudeMessagesBody({ ...withTools, toolChoice: 'none' }, { stream: false }).tool_choice,
    ).toEqual({
      type: 'none',
    });
    expect(
      buildClaudeMessagesBody({ ...withTools, toolChoice: { name: 'weather' } }, { stream: false })
        .tool_choice,
    ).toEqual({ type: 'tool', name: 'weather' });
  });

  it('a json-schema response format becomes output_config.format, merged with provider output_config', () => {
    const body = buildClaudeMessagesBody(
      {
        ...base,
        responseFormat: { type: 'json-schema', name: 'answer', schema: { type: 'object' } },
        providerOptions: { output_config: { effort: 'low' } },
      },
      { stream: false },
    );
    expect(body.output_config).toEqual({
      effort: 'low',
      format: { type: 'json_schema', schema: { type: 'object' } },
    });
  });

  it.each([
    [{ model: '' }, /model must be a non-empty string/],
    [{ maxTokens: 0 }, /maxTokens must be an integer >= 1/],
    [{ maxTokens: 1.5 }, /maxTokens must be an integer/],
    [{ temperature: 1.5 }, /temperature must be a finite number >= 0 and <= 1/],
    [{ topP: -0.1 }, /topP must be a finite number >= 0/],
    [{ topK: 2.5 }, /topK must be an integer/],
    [{ stop: ['ok', ''] }, /stop\[1\]/],
    [{ seed: 1 }, /seed is not supported/],
    [{ responseFormat: 'json' }, /no Anthropic equivalent/],
    [{ toolChoice: 'required' }, /needs tools/],
    [{ tools: [weather], toolChoice: { name: 'nope' } }, /not among the tools/],
    [{ tools: [weather, weather] }, /repeated/],
    [{ tools: [{ name: 'x' }] }, /parameters must be an object/],
    [{ providerOptions: 'x' }, /providerOptions must be an object/],
    [{ providerOptions: { max_tokens: 0 } }, /max_tokens must be an integer >= 1/],
  ])('refuses %j before any network call', (patch, message) => {
    expect(() => buildClaudeMessagesBody({ ...base, ...patch } as ChatRequest, { stream: false })).toThrow(
      message,
    );
  });
});

describe('buildClaudeCountTokensBody', () => {
  it('keeps the prompt fields and drops generation fields', () => {
    const body = buildClaudeCountTokensBody({
      ...base,
      messages: [{ role: 'system', content: 'S' }, ...base.messages],
      maxTokens: 10,
      temperature: 0.3,
      stop: ['x'],
      tools: [weather],
      toolChoice: 'auto',
      providerOptions: { metadata: { user_id: 'u' }, thinking: { type: 'enabled', budget_tokens: 1024 } },
    });
    expect(body).toEqual({
      model: 'claude-3-5-haiku-latest',
      messages: [{ role: 'user', content: 'Hi' }],
      system: 'S',
      tools: [
        { name: 'weather', description: 'Weather now', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'auto' },
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
  });
});
