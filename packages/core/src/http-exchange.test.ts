import { describe, expect, it } from 'vitest';
import { ServerError } from './errors/index.js';
import { applyRetryHint, buildUrl, extractErrorMessage, prepareRequest } from './http-exchange.js';

const lane = (key?: string) => ({
  id: 'l',
  baseURL: 'http://127.0.0.1:9/v1',
  headers: { 'x-lane': 'yes' },
  apiKey: () => key,
  secret: () => undefined,
});

describe('buildUrl', () => {
  it('joins base, path and query, leaving out undefined values', () => {
    expect(buildUrl('http://h/v1', '/models', { a: 1, b: undefined, c: true, d: 'x y' }).href).toBe(
      'http://h/v1/models?a=1&c=true&d=x+y',
    );
    expect(buildUrl('http://h/v1', 'models').href).toBe('http://h/v1/models');
  });
});

describe('prepareRequest', () => {
  it('serialises JSON, merges headers in order and puts a bearer key by default', async () => {
    const { send, prepared } = await prepareRequest(
      { path: '/chat', json: { a: 1 }, headers: { 'x-op': 'op' } },
      lane('k-1'),
      { headers: { 'user-agent': 'ua', 'x-lane': 'adapter' }, sendRequestIdHeader: 'x-request-id' },
      { 'x-call': 'call' },
      'req_1',
    );
    expect(send.method).toBe('POST');
    expect(send.body).toBe('{"a":1}');
    expect(send.headers).toEqual({
      'user-agent': 'ua',
      'x-lane': 'yes',
      'x-op': 'op',
      'x-call': 'call',
      'content-type': 'application/json',
      'x-request-id': 'req_1',
      authorization: 'Bearer k-1',
    });
    expect(prepared.body).toBe('{"a":1}');
  });

  it('lets the adapter authorize instead, and sends no key when the lane has none', async () => {
    const signed = await prepareRequest(
      { path: '/o', method: 'PUT', body: new Uint8Array([1, 2]) },
      lane('secret'),
      {
        authorize: (req, l) => {
          req.headers['x-api-key'] = l.apiKey() ?? '';
        },
      },
      undefined,
      'r',
    );
    expect(signed.send.headers).toEqual({ 'x-lane': 'yes', 'x-api-key': 'secret' });
    const anonymous = await prepareRequest({ path: '/o' }, lane(undefined), {}, undefined, 'r');
    expect(anonymous.send.method).toBe('GET');
    expect(anonymous.send.headers?.authorization).toBeUndefined();
  });

  it('makes a fresh body stream for every attempt from a factory', async () => {
    let made = 0;
    const factory = async function* () {
      made++;
      yield new Uint8Array([made]);
    };
    await prepareRequest({ path: '/u', body: factory }, lane(), {}, undefined, 'r');
    await prepareRequest({ path: '/u', body: factory }, lane(), {}, undefined, 'r');
    expect(made).toBe(0); // generators run lazily: each attempt gets its own, unstarted stream
  });
});

describe('extractErrorMessage', () => {
  it('reads the usual error shapes', () => {
    expect(extractErrorMessage({ error: { message: 'a' } }, 'f')).toBe('a');
    expect(extractErrorMessage({ error: 'b' }, 'f')).toBe('b');
    expect(extractErrorMessage({ message: 'c' }, 'f')).toBe('c');
    expect(extractErrorMessage({ detail: 'd' }, 'f')).toBe('d');
    expect(extractErrorMessage({ detail: [{ msg: 'e' }] }, 'f')).toBe('[{"msg":"e"}]');
    expect(extractErrorMessage('nope', 'f')).toBe('f');
    expect(extractErrorMessage({ error: {} }, 'f')).toBe('f');
  });
});

describe('applyRetryHint', () => {
  it('applies x-should-retry and the hint headers in precedence', () => {
    const error = new ServerError('x', { retryAfterMs: 5000 });
    applyRetryHint(error, { 'x-should-retry': 'false', 'retry-after': '2', 'retry-after-ms': '150' }, 0);
    expect(error.retryable).toBe(false);
    expect(error.retryAfterMs).toBe(150);
    const provider = new ServerError('y', { retryAfterMs: 5000 });
    applyRetryHint(provider, {}, 0);
    expect(provider.retryAfterMs).toBe(5000);
    expect(provider.retryable).toBe(true);
  });
});
