import {
  type ChatStreamEvent,
  decodeSse,
  InvalidRequestError,
  QuotaExceededError,
  RateLimitError,
  ResponseFormatError,
  ServerError,
  type SseEvent,
} from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { textFixture } from './__fixtures__/fixtures.js';
import {
  createOpenAIChatStreamMapper,
  isOpenAIChatContent,
  type OpenAIChatStreamOptions,
} from './openai-chat-stream.js';

async function frames(text: string): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const frame of decodeSse(
    (async function* () {
      yield Buffer.from(text);
    })(),
  ))
    out.push(frame);
  return out;
}

/** Drives a mapper the way the core does: map every frame, stop at the terminal one, then flush. */
function run(input: SseEvent[], options?: OpenAIChatStreamOptions): ChatStreamEvent[] {
  const mapper = createOpenAIChatStreamMapper(options);
  const events: ChatStreamEvent[] = [];
  for (const frame of input) {
    const out = mapper.map(frame);
    if (out !== undefined) events.push(...(Array.isArray(out) ? out : [out as ChatStreamEvent]));
    if (mapper.isTerminal?.(frame)) break;
  }
  events.push(...(mapper.flush?.() ?? []));
  events.push(...(mapper.flush?.() ?? []));
  return events;
}

const data = (value: unknown): SseEvent => ({
  event: 'message',
  data: typeof value === 'string' ? value : JSON.stringify(value),
});
const DONE = data('[DONE]');

describe('createOpenAIChatStreamMapper', () => {
  it('maps text deltas and one finish with the include_usage chunk', async () => {
    expect(run(await frames(textFixture('chat-stream-text.sse')))).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo!' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 } },
    ]);
  });

  it('falls back to the position for a tool-call index that is not a non-negative integer', () => {
    const chunk = (calls: unknown[]) =>
      data({ id: 'c', choices: [{ index: 0, delta: { tool_calls: calls }, finish_reason: null }] });
    const calls = [-1, 0.5, 1e308, '2'].map((index) => ({ index, function: { arguments: 'x' } }));
    const events = run([chunk(calls), DONE]).filter((e) => e.type === 'tool-call-delta');
    expect(events.map((e) => (e.type === 'tool-call-delta' ? e.index : undefined))).toEqual([0, 1, 2, 3]);
  });

  it('maps tool-call deltas with index, id, name and argument fragments', async () => {
    expect(run(await frames(textFixture('chat-stream-tool-calls.sse')))).toEqual([
      {
        type: 'tool-call-delta',
        index: 0,
        id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
        name: 'get_weather',
        argumentsDelta: '',
      },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"loc' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: 'ation":"Boston"}' },
      {
        type: 'tool-call-delta',
        index: 1,
        id: 'call_Xb3bW9sd1B2n0dLx4fGh7Kq2',
        name: 'get_time',
        argumentsDelta: '',
      },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"zone":"EST"}' },
      {
        type: 'finish',
        finishReason: 'tool-calls',
        usage: { inputTokens: 82, outputTokens: 37, totalTokens: 119 },
      },
    ]);
  });

  it('maps reasoning deltas (reasoning_content and reasoning)', () => {
    expect(
      run([
        data({ choices: [{ index: 0, delta: { reasoning_content: 'think ' } }] }),
        data({ choices: [{ index: 0, delta: { reasoning: 'more' } }] }),
        data({ choices: [{ index: 0, delta: { content: 'answer' }, finish_reason: 'length' }] }),
        DONE,
      ]),
    ).toEqual([
      { type: 'reasoning-delta', text: 'think ' },
      { type: 'reasoning-delta', text: 'more' },
      { type: 'text-delta', text: 'answer' },
      { type: 'finish', finishReason: 'length' },
    ]);
  });

  it('finishes with other when the service never said why, and ignores other choices and empty deltas', () => {
    expect(
      run([
        data({ choices: [{ index: 1, delta: { content: 'second choice' } }] }),
        data({ choices: [{ index: 0, delta: { content: '' } }] }),
        data({ choices: [{ index: 0, delta: { role: 'assistant', content: null } }] }),
        data(''),
        DONE,
      ]),
    ).toEqual([{ type: 'finish', finishReason: 'other' }]);
  });

  it('throws the mapped error for an in-band error chunk', () => {
    const mapper = createOpenAIChatStreamMapper({ provider: 'openai' });
    expect(() =>
      mapper.map(
        data({
          error: { message: 'The server had an error', type: 'server_error', param: null, code: null },
        }),
      ),
    ).toThrow(ServerError);
    expect(() =>
      mapper.map(data({ error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } })),
    ).toThrow(RateLimitError);
    expect(() =>
      mapper.map(
        data({ error: { message: 'no credit', type: 'insufficient_quota', code: 'insufficient_quota' } }),
      ),
    ).toThrow(QuotaExceededError);
    expect(() => mapper.map(data({ error: 'Input validation error', error_type: 'validation' }))).toThrow(
      InvalidRequestError,
    );
    expect(() => mapper.map(data({ error: { message: 'bad', http_status_code: 422 } }))).toThrow(
      InvalidRequestError,
    );
    expect(() => mapper.map({ event: 'error', data: 'upstream went away' })).toThrow(/upstream went away/);
  });

  it('reads Groq-style request ids, usage and errors through hooks', () => {
    const context: { providerRequestId: string | undefined } = { providerRequestId: undefined };
    const options: OpenAIChatStreamOptions = {
      provider: 'groq',
      context,
      hooks: {
        providerRequestId: (c) => (c.x_groq as { id?: string } | undefined)?.id,
        usage: (c) => (c.x_groq as { usage?: unknown } | undefined)?.usage,
        streamError: (c) => (c.x_groq as { error?: unknown } | undefined)?.error,
      },
    };
    const events = run(
      [
        data({ choices: [{ index: 0, delta: { content: 'a' } }], x_groq: { id: 'req_01' } }),
        data({
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          x_groq: { id: 'req_01', usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } },
        }),
        DONE,
      ],
      options,
    );
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
    });
    expect(context.providerRequestId).toBe('req_01');
    const mapper = createOpenAIChatStreamMapper(options);
    expect(() => mapper.map(data({ choices: [], x_groq: { error: 'stopped: capacity' } }))).toThrow(
      /stopped: capacity/,
    );
  });

  it('throws ResponseFormatError for malformed chunks', () => {
    const mapper = createOpenAIChatStreamMapper();
    expect(() => mapper.map(data('{"choices": ['))).toThrow(ResponseFormatError);
    expect(() => mapper.map(data('[1,2]'))).toThrow(/not a JSON object/);
    expect(() => mapper.map(data({ choices: {} }))).toThrow(/choices is not an array/);
  });

  it('marks only deltas as content', () => {
    expect(isOpenAIChatContent({ type: 'text-delta', text: 'x' })).toBe(true);
    expect(isOpenAIChatContent({ type: 'reasoning-delta', text: 'x' })).toBe(true);
    expect(isOpenAIChatContent({ type: 'tool-call-delta', index: 0, argumentsDelta: '' })).toBe(true);
    expect(isOpenAIChatContent({ type: 'finish', finishReason: 'stop' })).toBe(false);
  });
});
