import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ndjsonBody,
  type ScriptedServer,
  sseBody,
  startScriptedServer,
  UNSCRIPTED_STATUS,
} from './scripted-server.js';
import { waitFor } from './wait-for.js';

let server: ScriptedServer;

beforeEach(async () => {
  server = await startScriptedServer({ basePath: '/v1' });
});

afterEach(async () => {
  await server.close();
});

interface SendInit {
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

async function send(path: string, init: SendInit = {}) {
  const response = await request(server.url(path), { method: init.method ?? 'GET', ...init });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('addresses', () => {
  it('listens on 127.0.0.1 and derives baseURL and url(path) from the origin', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.baseURL).toBe(`${server.origin}/v1`);
    expect(server.url('/x?y=1')).toBe(`${server.origin}/x?y=1`);
    expect(server.url()).toBe(`${server.origin}/`);
    expect(server.loopback.origin).toBe(server.origin);
  });

  it('uses the bare origin as baseURL without a basePath', async () => {
    const bare = await startScriptedServer();
    expect(bare.baseURL).toBe(bare.origin);
    await bare.close();
  });
});

describe('recording', () => {
  it('records method, url, headers, text and parsed JSON of every request, in order', async () => {
    server.reply({ json: { ok: 1 } }, { json: { ok: 2 } });
    await send('/v1/chat?x=1', {
      method: 'POST',
      body: '{"model":"m"}',
      headers: { 'content-type': 'application/json', 'X-Team': 'a' },
    });
    await send('/v1/models');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/v1/chat?x=1',
      text: '{"model":"m"}',
      json: { model: 'm' },
    });
    expect(server.requests[0]?.headers['x-team']).toBe('a');
    expect(server.requests[1]).toMatchObject({ method: 'GET', url: '/v1/models', text: '', json: undefined });
  });

  it('keeps a body that is not JSON as text, with json undefined', async () => {
    server.reply({});
    await send('/raw', { method: 'POST', body: 'not { json' });
    expect(server.requests[0]).toMatchObject({ text: 'not { json', json: undefined });
  });
});

describe('replies', () => {
  it('answers JSON with status 200 and application/json by default', async () => {
    server.reply({ json: { id: 'a' } });
    const response = await send('/a');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.text)).toEqual({ id: 'a' });
  });

  it('sends null as a JSON body, not as an empty one', async () => {
    server.reply({ json: null });
    expect((await send('/a')).text).toBe('null');
  });

  it('uses the scripted status and headers, a scripted content-type winning in any case', async () => {
    server.reply({
      status: 429,
      headers: { 'Content-Type': 'application/problem+json', 'retry-after-ms': '250' },
      json: { error: { message: 'slow down' } },
    });
    const response = await send('/a');
    expect(response.status).toBe(429);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers['retry-after-ms']).toBe('250');
  });

  it('sends SSE data frames as one text/event-stream body', async () => {
    server.reply({ sse: [{ n: 1 }, 'plain', '[DONE]'] });
    const response = await send('/s');
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.text).toBe('data: {"n":1}\n\ndata: plain\n\ndata: [DONE]\n\n');
  });

  it('sends NDJSON lines as one application/x-ndjson body', async () => {
    server.reply({ ndjson: [{ status: 'pulling' }, '{"done":true}'] });
    const response = await send('/n');
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    expect(response.text).toBe('{"status":"pulling"}\n{"done":true}\n');
  });

  it('sends a raw body as is, with no content-type of its own', async () => {
    server.reply({ status: 502, body: '<html>bad gateway</html>' }, { status: 204 });
    const raw = await send('/r');
    expect(raw).toMatchObject({ status: 502, text: '<html>bad gateway</html>' });
    expect(raw.headers['content-type']).toBeUndefined();
    expect(await send('/r')).toMatchObject({ status: 204, text: '' });
  });

  it('answers an unscripted request with a 418 naming it, and counts pending replies', async () => {
    server.reply({ json: {} });
    expect(server.pendingReplies).toBe(1);
    await send('/first');
    expect(server.pendingReplies).toBe(0);
    const response = await send('/second?q=1', { method: 'POST', body: '{}' });
    expect(response.status).toBe(UNSCRIPTED_STATUS);
    expect(JSON.parse(response.text)).toEqual({
      error: {
        message: 'scripted server: no reply scripted for POST /second?q=1',
        type: 'unscripted_request',
      },
    });
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a reply that mixes body kinds or gives a handler a status', () => {
    expect(() => server.reply({ json: {}, sse: [] })).toThrow('one body kind, got json and sse');
    expect(() => server.reply({ body: 'x', ndjson: [], handler: () => {} })).toThrow(
      'got body and ndjson and handler',
    );
    expect(() => server.reply({ status: 200, handler: () => {} })).toThrow('no status or headers');
    expect(() => server.reply({ json: {} }, { headers: {}, handler: () => {} })).toThrow(TypeError);
    expect(server.pendingReplies).toBe(0);
  });
});

describe('handlers', () => {
  it('hands the exchange to a scripted handler, which can drip the body over time', async () => {
    server.reply({
      handler: async (exchange) => {
        exchange.writeHead(200, { 'content-type': 'text/plain' });
        await exchange.write('one ');
        exchange.end('two');
      },
    });
    const response = await send('/drip', { method: 'POST', body: '{"a":1}' });
    expect(response).toMatchObject({ status: 200, text: 'one two' });
    expect(server.requests[0]?.json).toEqual({ a: 1 });
  });

  it('lets a handler reset the connection', async () => {
    server.reply({ handler: (exchange) => exchange.reset() });
    await expect(send('/reset')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(server.requests).toHaveLength(1);
  });

  it('answers 500 when a handler throws before responding', async () => {
    server.reply({
      handler: () => {
        throw new Error('bad script');
      },
    });
    const response = await send('/throw');
    expect(response.status).toBe(500);
    expect(response.text).toContain('bad script');
  });
});

describe('close', () => {
  it('drops open connections and stops listening', async () => {
    server.reply({ handler: () => {} });
    const hanging = send('/hang');
    await waitFor(() => server.requests.length === 1, 'the hanging request');
    expect(server.loopback.openConnections).toBe(1);
    await server.close();
    await expect(hanging).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    await expect(send('/b')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    server = await startScriptedServer();
  });
});

describe('encoders', () => {
  it('encode SSE frames and NDJSON lines', () => {
    expect(sseBody([])).toBe('');
    expect(sseBody(['a', { b: 2 }])).toBe('data: a\n\ndata: {"b":2}\n\n');
    expect(ndjsonBody([{ a: 1 }, 'x'])).toBe('{"a":1}\nx\n');
  });
});
