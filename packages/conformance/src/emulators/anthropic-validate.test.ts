// Auth and request validation of the emulator, over plain fetch: statuses and messages as the API words them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicEmulator, startAnthropicEmulator } from './anthropic.js';

let emulator: AnthropicEmulator;
beforeEach(async () => {
  emulator = await startAnthropicEmulator();
});
afterEach(async () => {
  await emulator.close();
});

const HEADERS = {
  'x-api-key': 'test-key',
  'anthropic-version': '2023-06-01',
  'content-type': 'application/json',
};
const MODEL = 'claude-3-5-haiku-latest';
const post = (path: string, body: unknown, headers: Record<string, string> = HEADERS) =>
  fetch(`${emulator.baseURL}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const message = (body: Record<string, unknown>) =>
  post('/v1/messages', {
    model: MODEL,
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hello there' }],
    ...body,
  });
const errorOf = async (response: Response) =>
  (await response.json()) as { type: string; error: { type: string; message: string }; request_id: string };

describe('auth and versions', () => {
  it.each([
    [{ 'anthropic-version': '2023-06-01' }, 401, 'authentication_error', 'x-api-key header is required'],
    [
      { 'x-api-key': 'wrong', 'anthropic-version': '2023-06-01' },
      401,
      'authentication_error',
      'invalid x-api-key',
    ],
    [{ 'x-api-key': 'test-key' }, 400, 'invalid_request_error', 'anthropic-version: header is required'],
    [
      { 'x-api-key': 'test-key', 'anthropic-version': '1999-01-01' },
      400,
      'invalid_request_error',
      'anthropic-version: unknown version 1999-01-01',
    ],
  ])('%j -> %i %s', async (headers, status, type, text) => {
    const response = await post('/v1/messages', {}, { ...headers, 'content-type': 'application/json' });
    expect(response.status).toBe(status);
    const body = await errorOf(response);
    expect(body).toEqual({
      type: 'error',
      error: { type, message: text },
      request_id: expect.stringMatching(/^req_emu_\d{8}$/),
    });
    expect(response.headers.get('request-id')).toBe(body.request_id);
  });

  it('accepts the key as a bearer token (API version 2026-10-21, the SDK 1.x form)', async () => {
    const response = await post(
      '/v1/messages',
      { model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      {
        authorization: 'Bearer test-key',
        'anthropic-version': '2026-10-21',
        'content-type': 'application/json',
      },
    );
    expect(response.status).toBe(200);
  });

  it('apiKeys: [] turns auth off', async () => {
    const open = await startAnthropicEmulator({ apiKeys: [] });
    const response = await fetch(`${open.baseURL}/v1/models`, {
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(response.status).toBe(200);
    await open.close();
  });
});

describe('messages: validation like the API', () => {
  it.each([
    [{ model: undefined }, 'model: Field required'],
    [{ max_tokens: undefined }, 'max_tokens: Field required'],
    [{ max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    [{ messages: [] }, 'messages: at least one message is required'],
    [
      { messages: [{ role: 'system', content: 'x' }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      { messages: [{ role: 'user', content: '' }] },
      'messages.0: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      { messages: [{ role: 'user', content: [{ type: 'audio' }] }] },
      'messages.0.content.0: Input tag does not match any of the expected content block types',
    ],
    [
      { messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      'messages.0.content.0.text: text content blocks must be non-empty',
    ],
    [
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }],
          },
        ],
      },
      "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
    [{ temperature: 1.5 }, 'temperature: Input should be less than or equal to 1'],
    [{ top_k: 1.5 }, 'top_k: Input should be a valid integer'],
    [{ stop_sequences: [' '] }, 'stop_sequences.0: each stop sequence must contain non-whitespace'],
    [{ system: [{ type: 'image' }] }, 'system.0: Input should be a text block'],
    [
      { tools: [{ name: 'bad name', input_schema: { type: 'object' } }] },
      "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
    ],
    [
      { tools: [{ name: 'f', input_schema: { type: 'string' } }] },
      "tools.0.custom.input_schema.type: Input should be 'object'",
    ],
    [{ tool_choice: { type: 'any' } }, 'tool_choice: may only be specified while providing tools'],
    [
      { tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'g' } },
      "tool_choice.name: Tool 'g' not found in provided tools",
    ],
    [
      { thinking: { type: 'enabled', budget_tokens: 100 } },
      'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    ],
    [
      { max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 1024 } },
      '`max_tokens` must be greater than `thinking.budget_tokens`.',
    ],
    [
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] },
          { role: 'user', content: 'no result' },
        ],
      },
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    ],
    [
      {
        messages: [
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'x' }] },
        ],
      },
      'messages.0.content: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    ],
  ])('%j -> 400 %s', async (patch, text) => {
    const response = await message(patch);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).error).toEqual({ type: 'invalid_request_error', message: text });
  });

  it('an unknown model is a 404 not_found_error; an empty final assistant turn (prefill) is fine', async () => {
    const missing = await message({ model: 'claude-0' });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).error).toEqual({ type: 'not_found_error', message: 'model: claude-0' });
    const prefill = await message({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
      ],
    });
    expect(prefill.status).toBe(200);
  });
});
