import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicEmulator, startAnthropicEmulator } from './anthropic.js';

// The official client is the judge: if it cannot parse the emulator, the emulator is wrong.
let emulator: AnthropicEmulator;
let client: Anthropic;
const MODELS = ['claude-sonnet-4-5', 'claude-3-5-haiku-latest', 'claude-3-haiku-20240307'];
beforeAll(async () => {
  emulator = await startAnthropicEmulator({ models: MODELS });
  client = new Anthropic({ apiKey: 'test-key', baseURL: emulator.baseURL, maxRetries: 0 });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

const model = 'claude-3-5-haiku-latest';
const lookup: Anthropic.Tool = {
  name: 'lookup',
  description: 'Looks a word up.',
  input_schema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
};

describe('official @anthropic-ai/sdk against the emulator', () => {
  it('messages.create, with the request id exposed and the SDK headers checked', async () => {
    const { data, request_id } = await client.messages
      .create({
        model,
        max_tokens: 50,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'hello world' }],
      })
      .withResponse();
    expect(data).toMatchObject({
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: 'Echo: hello world' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 4, output_tokens: 3 },
    });
    expect(data.id).toMatch(/^msg_/);
    expect(request_id).toMatch(/^req_emu_\d+$/);
    // SDK 1.x speaks API version 2026-10-21, which takes the key as a bearer token.
    const sent = emulator.requests.at(-1);
    expect(sent?.headers.authorization).toBe('Bearer test-key');
    expect(sent?.headers['anthropic-version']).toBe('2026-10-21');
  });

  it('max_tokens truncates with stop_reason max_tokens; a stop sequence stops with stop_sequence', async () => {
    const cut = await client.messages.create({
      model,
      max_tokens: 2,
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    expect(cut.content).toEqual([{ type: 'text', text: 'Echo: one' }]);
    expect([cut.stop_reason, cut.usage.output_tokens]).toEqual(['max_tokens', 2]);
    const stopped = await client.messages.create({
      model,
      max_tokens: 50,
      stop_sequences: ['three'],
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    expect(stopped.content).toEqual([{ type: 'text', text: 'Echo: one two ' }]);
    expect([stopped.stop_reason, stopped.stop_sequence]).toEqual(['stop_sequence', 'three']);
  });

  it('messages.stream: text events, finalMessage with usage', async () => {
    const stream = client.messages.stream({
      model,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'stream these words' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    expect(text).toBe('Echo: stream these words');
    expect(final.content).toEqual([{ type: 'text', text: 'Echo: stream these words' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 4 });
  });

  it('create({stream: true}): the raw event sequence, ping skipped by the SDK', async () => {
    const stream = await client.messages.create({
      model,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'a b' }],
      stream: true,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const body = await (
      await fetch(`${emulator.baseURL}/v1/messages`, {
        method: 'POST',
        headers: {
          'x-api-key': 'test-key',
          'anthropic-version': '2023-06-01',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          model,
          max_tokens: 5,
          stream: true,
          messages: [{ role: 'user', content: 'a' }],
        }),
      })
    ).text();
    expect(body).toContain('event: ping\ndata: {"type":"ping"}');
  });

  it('tool use, non-streamed and streamed (input assembled from input_json_delta), then a tool result', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'use the tool for cats' }];
    const message = await client.messages.create({ model, max_tokens: 100, tools: [lookup], messages });
    expect(message.stop_reason).toBe('tool_use');
    const use = message.content[0];
    expect(use).toMatchObject({ type: 'tool_use', name: 'lookup', input: { word: 'use the tool for cats' } });
    const streamed = await client.messages
      .stream({ model, max_tokens: 100, tools: [lookup], tool_choice: { type: 'any' }, messages })
      .finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: 'tool_use', input: { word: 'use the tool for cats' } });
    expect(streamed.stop_reason).toBe('tool_use');
    const answer = await client.messages.create({
      model,
      max_tokens: 100,
      tools: [lookup],
      messages: [
        ...messages,
        { role: 'assistant', content: message.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: use?.type === 'tool_use' ? use.id : '', content: 'feline' },
          ],
        },
      ],
    });
    expect(answer.content).toEqual([{ type: 'text', text: 'Echo: feline' }]);
  });

  it('extended thinking: a thinking block with its signature, streamed too', async () => {
    const params = {
      model,
      max_tokens: 2048,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      messages: [{ role: 'user' as const, content: 'why' }],
    };
    const message = await client.messages.create(params);
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Thinking about: why' });
    const final = await client.messages.stream(params).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', thinking: 'Thinking about: why' });
    expect((final.content[0] as Anthropic.ThinkingBlock).signature).toMatch(/^sig_emu_/);
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'Echo: why' });
  });

  it('countTokens agrees with the usage of the same prompt', async () => {
    const prompt = {
      model,
      system: 'Be brief.',
      messages: [{ role: 'user' as const, content: 'count me please' }],
    };
    const counted = await client.messages.countTokens(prompt);
    const message = await client.messages.create({ ...prompt, max_tokens: 10 });
    expect(counted).toEqual({ input_tokens: 5 });
    expect(message.usage.input_tokens).toBe(counted.input_tokens);
  });

  it('models: auto-pagination across pages, and retrieve', async () => {
    const ids: string[] = [];
    for await (const info of client.models.list({ limit: 2 })) ids.push(info.id);
    expect(ids).toEqual(MODELS);
    const pages = emulator.requests.filter((r) => r.path === '/v1/models');
    expect(pages.map((r) => r.query.get('after_id'))).toEqual([null, 'claude-3-5-haiku-latest']);
    const page = await client.models.list({ limit: 1 });
    expect([page.has_more, page.first_id, page.last_id]).toEqual([true, MODELS[0], MODELS[0]]);
    const one = await client.models.retrieve('claude-3-haiku-20240307');
    expect(one).toMatchObject({
      type: 'model',
      id: 'claude-3-haiku-20240307',
      created_at: '2024-12-30T00:00:00Z',
    });
    await expect(client.models.retrieve('claude-9')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('a wrong key is an AuthenticationError whose message does not carry the key', async () => {
    const wrong = new Anthropic({
      apiKey: 'sk-ant-wrong-0123456789',
      baseURL: emulator.baseURL,
      maxRetries: 0,
    });
    const error = await wrong.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as APIError).type).toBe('authentication_error');
    expect(String((error as Error).message)).not.toContain('sk-ant-wrong-0123456789');
  });

  it('a scripted 529 is the SDK OverloadedError (an InternalServerError) with status 529', async () => {
    emulator.script('POST /v1/messages', [{ kind: 'error', status: 529 }]);
    const error = await client.messages
      .create({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect(error).toMatchObject({
      status: 529,
      type: 'overloaded_error',
      requestID: expect.stringMatching(/^req_emu_/),
    });
  });

  it('a scripted 429 is a RateLimitError with its retry-after header', async () => {
    emulator.script('POST /v1/messages', [{ kind: 'error', status: 429, headers: { 'retry-after': '3' } }]);
    const error = await client.messages
      .create({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as APIError).type).toBe('rate_limit_error');
    expect((error as APIError).headers?.get('retry-after')).toBe('3');
  });

  it('an in-band error event makes the SDK throw mid-stream', async () => {
    emulator.script('POST /v1/messages', [{ kind: 'stream-error', afterEvents: 2 }]);
    const stream = await client.messages.create({
      model,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          text += event.delta.text;
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe('overloaded_error');
    expect(text).toBe('Echo: one ');
  });

  it('validation errors come back as BadRequestError / NotFoundError in the API shape', async () => {
    const bad = await client.messages
      .create({
        model,
        messages: [{ role: 'user', content: 'x' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as APIError).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
      request_id: expect.stringMatching(/^req_emu_/),
    });
    const missing = await client.messages
      .create({ model: 'claude-0', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as APIError).type).toBe('not_found_error');
  });
});
