/** The OpenAI client against a real loopback server: what goes on the wire, what comes back. */
import { InvalidRequestError, StreamError } from '@ipfs-accelerate/core';
import { collect, waitFor } from '@ipfs-accelerate/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { chatRequest, chunk, completion, KEY, usageChunk, useClientHarness } from './test/client-harness.js';

const h = useClientHarness();

describe('the OpenAI client on the wire', () => {
  it('sends chat with the key, JSON mode, tools and max_completion_tokens', async () => {
    h.server.reply({ json: completion, headers: { 'x-request-id': 'req_123' } });
    const result = await h.client.chat({
      ...chatRequest,
      maxTokens: 50,
      responseFormat: 'json',
      tools: [{ name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} } }],
      toolChoice: { name: 'lookup' },
      providerOptions: { user: 'user-1', reasoning_effort: 'low' },
    });
    const [sent] = h.server.requests;
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.headers['openai-organization']).toBeUndefined();
    expect(sent?.json).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_completion_tokens: 50,
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'Look up',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: { type: 'json_object' },
      user: 'user-1',
      reasoning_effort: 'low',
    });
    expect(result).toMatchObject({ text: '{"ok":true}', finishReason: 'stop', providerRequestId: 'req_123' });
    expect(h.client.findRequest(result.requestId)).toMatchObject({
      provider: 'openai',
      operation: 'chat',
      usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 },
    });
  });

  it('streams chat with include_usage', async () => {
    h.server.reply({
      sse: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Hi!' }),
        chunk({}, 'stop'),
        usageChunk,
        '[DONE]',
      ],
    });
    const events = await collect(h.client.streamChat(chatRequest));
    expect(h.server.requests[0]?.json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hi!' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } },
    ]);
  });

  it('retries a stream whose in-band error comes before content, and fails one whose error follows content', async () => {
    const inBand = {
      error: { message: 'The server had an error', type: 'server_error', param: null, code: null },
    };
    h.server.reply(
      { sse: [chunk({ role: 'assistant', content: '' }), inBand] },
      { sse: [chunk({ content: 'ok' }), chunk({}, 'stop'), '[DONE]'] },
    );
    const pending = collect(h.client.streamChat(chatRequest));
    await waitFor(() => h.clock.nextTimerAt() === h.clock.now() + 100, 'the backoff sleep');
    await h.clock.advance(100);
    expect((await pending).map((e) => e.type)).toEqual(['text-delta', 'finish']);
    expect(h.server.requests).toHaveLength(2);

    h.server.reply({ sse: [chunk({ content: 'par' }), inBand] });
    await expect(collect(h.client.streamChat(chatRequest))).rejects.toBeInstanceOf(StreamError);
    expect(h.server.requests).toHaveLength(3);
  });

  it('asks for base64 embeddings and decodes them', async () => {
    const vector = Buffer.alloc(8);
    vector.writeFloatLE(0.5, 0);
    vector.writeFloatLE(-2, 4);
    h.server.reply({
      json: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: vector.toString('base64') }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      },
    });
    const result = await h.client.embed({ model: 'text-embedding-3-small', input: 'hello', dimensions: 2 });
    expect(h.server.requests[0]?.json).toEqual({
      model: 'text-embedding-3-small',
      input: 'hello',
      encoding_format: 'base64',
      dimensions: 2,
    });
    expect(result.embeddings).toEqual([[0.5, -2]]);
    expect(result.usage).toEqual({ inputTokens: 2, totalTokens: 2 });
  });

  it('lists models', async () => {
    h.server.reply({
      json: {
        object: 'list',
        data: [{ id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' }],
      },
    });
    expect(await h.client.listModels()).toEqual([
      { id: 'gpt-4o', ownedBy: 'system', createdAt: new Date(1715367049000) },
    ]);
    expect(h.server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models' });
  });

  it('rejects invalid input before any request', async () => {
    await expect(h.client.chat({ ...chatRequest, temperature: -1 })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(h.client.chat({ ...chatRequest, messages: [] })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(h.client.embed({ model: 'e', input: '' })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(() => h.client.streamChat({ ...chatRequest, maxTokens: 0 })).toThrow(InvalidRequestError);
    expect(h.server.requests).toHaveLength(0);
  });
});

describe('configuration on the wire', () => {
  it('uses OPENAI_API_KEY and OPENAI_BASE_URL from the environment', async () => {
    vi.stubEnv('OPENAI_API_KEY', 'sk-from-env-000000000000');
    vi.stubEnv('OPENAI_BASE_URL', `${h.server.origin}/env/v1`);
    await h.replace({ clock: h.clock });
    h.server.reply({ json: completion });
    await h.client.chat(chatRequest);
    expect(h.server.requests[0]?.url).toBe('/env/v1/chat/completions');
    expect(h.server.requests[0]?.headers.authorization).toBe('Bearer sk-from-env-000000000000');
  });

  it('sends organization and project from options', async () => {
    await h.reopen({ organization: 'org-opt', project: 'proj_opt', headers: { 'x-custom': 'yes' } });
    h.server.reply({ json: completion });
    await h.client.chat(chatRequest);
    expect(h.server.requests[0]?.headers).toMatchObject({
      'openai-organization': 'org-opt',
      'openai-project': 'proj_opt',
      'x-custom': 'yes',
    });
  });

  it.each([
    ['OPENAI_ORG_ID', 'org-id-env'],
    ['OPENAI_ORGANIZATION', 'org-seed-env'],
  ])('reads the organization from %s, and the project from OPENAI_PROJECT_ID', async (name, value) => {
    vi.stubEnv(name, value);
    vi.stubEnv('OPENAI_PROJECT_ID', 'proj_env');
    await h.reopen();
    h.server.reply({ json: completion });
    await h.client.chat(chatRequest);
    expect(h.server.requests[0]?.headers).toMatchObject({
      'openai-organization': value,
      'openai-project': 'proj_env',
    });
  });

  it('multiplexes keys over endpoints', async () => {
    await h.reopen({
      strategy: 'round-robin',
      endpoints: [{ id: 'a' }, { id: 'b', apiKey: 'sk-second-key-0000000' }],
    });
    h.server.reply({ json: completion }, { json: completion });
    await h.client.chat(chatRequest);
    await h.client.chat(chatRequest);
    expect(h.server.requests.map((r) => r.headers.authorization).sort()).toEqual(
      [`Bearer ${KEY}`, 'Bearer sk-second-key-0000000'].sort(),
    );
  });
});
