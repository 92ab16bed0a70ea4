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
const get = (path: string, headers: Record<string, string> = HEADERS) =>
  fetch(`${emulator.baseURL}${path}`, { headers });
const message = (body: Record<string, unknown>) =>
  post('/v1/messages', {
    model: MODEL,
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hello there' }],
    ...body,
  });
/** The parts of a Message and of a model page the tests read. */
interface MessageBody {
  content: Array<{ type: string; text: string }>;
  stop_reason: string;
}
interface PageBody {
  data: Array<Record<string, unknown>>;
  has_more: boolean;
}
const messageOf = async (response: Response) => (await response.json()) as MessageBody;
const pageOf = async (response: Response) => (await response.json()) as PageBody;
const errorOf = async (response: Response) =>
  (await response.json()) as { type: string; error: { type: string; message: string }; request_id: string };
/** The `event:` names and parsed data of an SSE body. */
const eventsOf = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return {
        event: eventLine?.slice('event: '.length),
        data: JSON.parse(dataLine?.slice('data: '.length) ?? ''),
      };
    });

describe('messages: answers', () => {
  it('a Message with usage, request-id and RFC 3339 rate-limit headers', async () => {
    const response = await message({ system: 'Be brief.' });
    expect(await response.json()).toEqual({
      id: 'msg_emu_00000001',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Echo: hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 4,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 3,
        service_tier: 'standard',
      },
    });
    expect(response.headers.get('request-id')).toMatch(/^req_emu_\d{8}$/);
    for (const kind of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
      expect(response.headers.get(`anthropic-ratelimit-${kind}-limit`)).toMatch(/^\d+$/);
      expect(response.headers.get(`anthropic-ratelimit-${kind}-remaining`)).toMatch(/^\d+$/);
      expect(response.headers.get(`anthropic-ratelimit-${kind}-reset`)).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
    }
    expect(Number(response.headers.get('anthropic-ratelimit-requests-remaining'))).toBe(3999);
  });

  it('a tool_use when tools are given and the user says "tool"; a json-schema answer when asked', async () => {
    const tools = [
      { name: 'lookup', input_schema: { type: 'object', properties: { word: { type: 'string' } } } },
    ];
    const used = await (await message({ tools, messages: [{ role: 'user', content: 'use a tool' }] })).json();
    expect(used).toMatchObject({
      content: [
        { type: 'tool_use', id: 'toolu_emu_00000001', name: 'lookup', input: { word: 'use a tool' } },
      ],
      stop_reason: 'tool_use',
    });
    const plain = await messageOf(await message({ tools }));
    expect(plain.stop_reason).toBe('end_turn');
    const none = await messageOf(
      await message({ tools, tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'tool' }] }),
    );
    expect(none.content[0]?.type).toBe('text');
    const json = await messageOf(
      await message({ output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }),
    );
    expect(JSON.parse(json.content[0]?.text ?? '')).toEqual({ echo: 'hello there' });
  });

  it('streams the exact event sequence, ping after the first block start, message_stop last', async () => {
    const text = await (await message({ stream: true, messages: [{ role: 'user', content: 'a b' }] })).text();
    const events = eventsOf(text);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => e.data.type === e.event)).toBe(true);
    expect(events[0]?.data.message.usage).toMatchObject({ input_tokens: 2, output_tokens: 1 });
    expect(
      events
        .slice(3, 6)
        .map((e) => e.data.delta.text)
        .join(''),
    ).toBe('Echo: a b');
    expect(events[7]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it('a stream-error fault after N content events ends with an in-band error event', async () => {
    emulator.script('POST /v1/messages', [
      { kind: 'stream-error', afterEvents: 1, code: 'api_error', message: 'boom' },
    ]);
    const events = eventsOf(await (await message({ stream: true })).text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'error',
    ]);
    expect(events.at(-1)?.data).toEqual({ type: 'error', error: { type: 'api_error', message: 'boom' } });
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
  ])('an error fault %i has the type %s', async (status, type) => {
    emulator.script('POST /v1/messages', [{ kind: 'error', status }]);
    const response = await message({});
    expect(response.status).toBe(status);
    const body = await errorOf(response);
    expect(body.error.type).toBe(type);
    expect(body.error.message.length).toBeGreaterThan(0);
  });
});

describe('count_tokens', () => {
  it('needs no max_tokens and counts as Messages does; unknown models are 404', async () => {
    const body = { model: MODEL, system: 'Be brief.', messages: [{ role: 'user', content: 'hello there' }] };
    const counted = await post('/v1/messages/count_tokens', body);
    expect(await counted.json()).toEqual({ input_tokens: 4 });
    const missing = await post('/v1/messages/count_tokens', { ...body, model: 'nope' });
    expect(missing.status).toBe(404);
    const invalid = await post('/v1/messages/count_tokens', { ...body, messages: [] });
    expect(invalid.status).toBe(400);
  });
});

describe('models', () => {
  it('pages with limit, after_id and before_id', async () => {
    const first = await pageOf(await get('/v1/models?limit=2'));
    expect(first).toMatchObject({
      has_more: true,
      first_id: 'claude-sonnet-4-5',
      last_id: 'claude-3-5-haiku-latest',
    });
    expect(first.data[0]).toEqual({
      type: 'model',
      id: 'claude-sonnet-4-5',
      display_name: 'Claude Sonnet 4 5',
      created_at: '2025-01-01T00:00:00Z',
      max_input_tokens: 200000,
      max_tokens: 8192,
    });
    const second = await (await get('/v1/models?limit=2&after_id=claude-3-5-haiku-latest')).json();
    expect(second).toMatchObject({
      has_more: false,
      first_id: 'claude-3-haiku-20240307',
      last_id: 'claude-3-haiku-20240307',
    });
    const back = await (await get('/v1/models?limit=1&before_id=claude-3-haiku-20240307')).json();
    expect(back).toMatchObject({ has_more: true, first_id: 'claude-3-5-haiku-latest' });
    const all = await pageOf(await get('/v1/models'));
    expect(all.data).toHaveLength(3);
    expect(all.has_more).toBe(false);
  });

  it('refuses bad limits and unknown cursors; retrieves one model or 404', async () => {
    expect((await get('/v1/models?limit=0')).status).toBe(400);
    expect((await get('/v1/models?limit=1001')).status).toBe(400);
    expect((await get('/v1/models?after_id=nope')).status).toBe(400);
    expect((await get('/v1/models?after_id=a&before_id=b')).status).toBe(400);
    expect(await (await get('/v1/models/claude-3-haiku-20240307')).json()).toMatchObject({
      id: 'claude-3-haiku-20240307',
    });
    const missing = await get('/v1/models/claude-0');
    expect([missing.status, (await errorOf(missing)).error.type]).toEqual([404, 'not_found_error']);
  });

  it('an unknown path is a 404 not_found_error', async () => {
    const response = await get('/v1/nothing');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).error).toEqual({ type: 'not_found_error', message: 'Not Found' });
  });
});
