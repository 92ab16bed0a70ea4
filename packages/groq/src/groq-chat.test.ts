/** The Groq client's chat against a real loopback server: what goes on the wire, what comes back. */
import { InvalidRequestError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { chatRequest, completion, KEY, useClientHarness } from './test/client-harness.js';

const h = useClientHarness();

describe('chat', () => {
  it('posts to /openai/v1/chat/completions with the key and max_completion_tokens', async () => {
    h.server.reply({ json: completion });
    await h.client.chat({ ...chatRequest, maxTokens: 50, temperature: 0.2, stop: ['\n'] });
    const [sent] = h.server.requests;
    expect(sent).toMatchObject({ method: 'POST', url: '/openai/v1/chat/completions' });
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.json).toEqual({
      model: 'llama-3.1-8b-instant',
      messages: [{ role: 'user', content: 'Hi' }],
      max_completion_tokens: 50,
      temperature: 0.2,
      stop: ['\n'],
    });
  });

  it('returns text, usage, the x_groq request id and the timings; the ledger records the id', async () => {
    h.server.reply({ json: completion });
    const result = await h.client.chat(chatRequest);
    expect(result).toEqual({
      text: 'Hello!',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 },
      model: 'llama-3.1-8b-instant',
      requestId: result.requestId,
      providerRequestId: 'req_01jq9abcdefghijkmnpqrstvwx',
      timings: { queueTime: 0.0123, promptTime: 0.0005, completionTime: 0.008, totalTime: 0.0085 },
    });
    expect(h.client.findRequest(result.requestId)).toMatchObject({
      provider: 'groq',
      operation: 'chat',
      outcome: 'success',
      providerRequestId: 'req_01jq9abcdefghijkmnpqrstvwx',
      usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 },
    });
  });

  it('returns the reasoning of a reasoning model (reasoning_format parsed)', async () => {
    const reasoned = {
      ...completion,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: '4', reasoning: 'Two plus two is four.' },
          finish_reason: 'stop',
        },
      ],
    };
    h.server.reply({ json: reasoned });
    const result = await h.client.chat({
      ...chatRequest,
      providerOptions: { reasoning_format: 'parsed', reasoning_effort: 'default' },
    });
    expect(result).toMatchObject({ text: '4', reasoning: 'Two plus two is four.' });
    expect(h.server.requests[0]?.json).toMatchObject({
      reasoning_format: 'parsed',
      reasoning_effort: 'default',
    });
  });

  it('sends the client service tier, and lets providerOptions override it', async () => {
    await h.reopen({ serviceTier: 'flex' });
    h.server.reply({ json: completion }, { json: completion });
    await h.client.chat(chatRequest);
    await h.client.chat({ ...chatRequest, providerOptions: { service_tier: 'on_demand' } });
    expect(h.server.requests.map((r) => (r.json as { service_tier?: string }).service_tier)).toEqual([
      'flex',
      'on_demand',
    ]);
  });

  it('maps tool calls both ways', async () => {
    h.server.reply({
      json: {
        ...completion,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'call_d5wg', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
      },
    });
    const result = await h.client.chat({
      ...chatRequest,
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
      toolChoice: 'required',
    });
    expect(result.toolCalls).toEqual([{ id: 'call_d5wg', name: 'lookup', arguments: '{"q":"x"}' }]);
    expect(result.finishReason).toBe('tool-calls');
    expect(h.server.requests[0]?.json).toMatchObject({
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      tool_choice: 'required',
    });
  });

  it('refuses bad input before any request', async () => {
    const bad = [
      { ...chatRequest, model: '' },
      { ...chatRequest, messages: [] },
      { ...chatRequest, temperature: 3 },
      { ...chatRequest, topK: 5 },
      { ...chatRequest, providerOptions: { service_tier: 'cheap' } },
      { ...chatRequest, providerOptions: { reasoning_format: 'json' } },
      { ...chatRequest, providerOptions: { reasoning_effort: 3 } },
    ];
    for (const request of bad) {
      await expect(h.client.chat(request)).rejects.toBeInstanceOf(InvalidRequestError);
      expect(() => h.client.streamChat(request)).toThrow(InvalidRequestError);
    }
    expect(h.server.requests).toHaveLength(0);
  });

  it('records the Groq rate-limit headers on the endpoint', async () => {
    h.server.reply({
      json: completion,
      headers: {
        'x-ratelimit-limit-requests': '14400',
        'x-ratelimit-limit-tokens': '6000',
        'x-ratelimit-remaining-requests': '14370',
        'x-ratelimit-remaining-tokens': '5997',
        'x-ratelimit-reset-requests': '2m59.56s',
        'x-ratelimit-reset-tokens': '7.66s',
      },
    });
    await h.client.chat(chatRequest);
    expect(h.client.endpoints()[0]?.rateLimit).toEqual({
      limitRequests: 14400,
      remainingRequests: 14370,
      resetRequestsMs: 179560,
      limitTokens: 6000,
      remainingTokens: 5997,
      resetTokensMs: 7660,
      observedAt: h.clock.now(),
    });
  });

  it('prefers an x-request-id header, when Groq sends one, over the body id', async () => {
    h.server.reply({ json: completion, headers: { 'x-request-id': 'req_header' } });
    const result = await h.client.chat(chatRequest);
    expect(result.providerRequestId).toBe('req_header');
  });
});
