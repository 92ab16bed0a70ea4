import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, ServerError } from './errors/index.js';
import {
  createRedactor,
  REDACTED,
  redactError,
  redactHeaders,
  SENSITIVE_HEADERS,
  Secret,
  secret,
} from './redact.js';

const OPENAI_KEY = 'sk-proj-Abc123Def456Ghi789Jkl012Mno345';
const ANTHROPIC_KEY = 'sk-ant-api03-Zyx987Wvu654Tsr321Qpo098';
const patternsOnly = createRedactor([]);

describe('createRedactor: known secrets', () => {
  it('replaces every occurrence of every secret', () => {
    const redact = createRedactor(['my-long-secret-1', undefined, 'another-secret-2']);
    expect(redact('a my-long-secret-1 b my-long-secret-1 c another-secret-2')).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
  });

  it('replaces a secret containing another one whole (longest first)', () => {
    const redact = createRedactor(['abcdefgh', 'abcdefgh-ijklmnop']);
    expect(redact('x abcdefgh-ijklmnop y abcdefgh')).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it('replaces short secrets too, and ignores empty ones', () => {
    const redact = createRedactor(['pw12', '']);
    expect(redact('password pw12 here')).toBe(`password ${REDACTED} here`);
    expect(redact('nothing to hide')).toBe('nothing to hide');
  });

  it('replaces the URL-encoded form of a secret', () => {
    const redact = createRedactor(['p@ss/word+key=1']);
    expect(redact(`GET /x?q=${encodeURIComponent('p@ss/word+key=1')}`)).not.toContain('ss%2Fword');
  });

  it('accepts Secret instances', () => {
    const redact = createRedactor([new Secret('wrapped-secret-value')]);
    expect(redact('k=wrapped-secret-value')).toBe(`k=${REDACTED}`);
  });

  it('returns innocent text unchanged', () => {
    const redact = createRedactor(['secret-value-123']);
    for (const text of [
      'HTTP 503 Service Unavailable from https://api.openai.com/v1/chat/completions',
      '/v1/models?limit=10&max_tokens=100&monkey=3',
      'the task-list is ready; sk-short is fine; authorization failed',
      'x-api-key header is required',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });

  it('never lets a secret through, wherever it sits in the text (property)', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~';
    const secretArb = fc
      .array(fc.constantFrom(...alphabet), { minLength: 8, maxLength: 40 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(secretArb, fc.string(), fc.string(), (value, before, after) => {
        const out = createRedactor([value])(`${before}${value}${after}${value}`);
        return !out.includes(value);
      }),
    );
  });

  it('is idempotent', () => {
    const redact = createRedactor(['known-secret-1']);
    const text = `Bearer abcdefgh12345678 known-secret-1 ?key=AIzaXYZ X-Amz-Signature=abc123 ${OPENAI_KEY}`;
    expect(redact(redact(text))).toBe(redact(text));
  });
});

describe('createRedactor: generic patterns', () => {
  const cases: [string, string, string][] = [
    ['Bearer token', 'Authorization failed for Bearer eyJhbGciOi.JIUzI1NiJ9-abc_def', 'eyJhbGciOi'],
    ['bearer, any case', 'sent bearer abc123def456ghi', 'abc123def456ghi'],
    ['Basic credentials', 'Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['OpenAI key', `Incorrect API key provided: ${OPENAI_KEY}.`, 'Abc123Def456'],
    ['legacy OpenAI key', 'key sk-0123456789abcdefghijABCDEFGHIJ used', '0123456789abcdef'],
    ['Anthropic key', `invalid x ${ANTHROPIC_KEY}`, 'Zyx987'],
    ['x-goog-api-key header', 'x-goog-api-key: AIzaSyD-abcdefghijklmnop', 'AIzaSyD'],
    ['x-goog-api-key in JSON', '{"x-goog-api-key":"AIzaSyD-abcdefghijklmnop"}', 'AIzaSyD'],
    ['x-api-key header', 'X-Api-Key=abcdef0123456789', 'abcdef0123456789'],
    ['api-key header', 'api-key: azure0123456789', 'azure0123456789'],
    ['key= query param', 'GET https://x.googleapis.com/v1/models?key=AIzaSyD-abc&alt=sse', 'AIzaSyD-abc'],
    ['api_key query param', 'https://h/x?foo=1&api_key=zzz999', 'zzz999'],
    ['access_token query param', 'https://h/x?access_token=ya29.abc', 'ya29.abc'],
    [
      'X-Amz-Signature',
      'https://b.s3.amazonaws.com/k?X-Amz-Date=20240101T000000Z&X-Amz-Signature=0123abcdef4567',
      '0123abcdef4567',
    ],
    ['X-Amz-Credential', '?X-Amz-Credential=AKIDEXAMPLE%2F20240101%2Fus-east-1%2Fs3', 'AKIDEXAMPLE'],
    ['X-Amz-Security-Token', '&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE&', 'FQoGZXIvYXdzEXAMPLE'],
    [
      'SigV4 Authorization header',
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=fe5f80f77d5fa3beca038a248ff027',
      'fe5f80f77d5fa3beca038a248ff027',
    ],
    [
      'SigV4 Signature= alone',
      'SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3be',
      'fe5f80f77d5fa3be',
    ],
    ['AWS access key id', 'access key AKIAIOSFODNN7EXAMPLE denied', 'AKIAIOSFODNN7EXAMPLE'],
    [
      'x-amz-security-token header',
      'x-amz-security-token: IQoJb3JpZ2luX2VjEXAMPLE',
      'IQoJb3JpZ2luX2VjEXAMPLE',
    ],
    ['password in a URL', 'connect to https://user:hunter2-pass@proxy.local:8080/', 'hunter2-pass'],
    ['Authorization header line', 'authorization: Token abcdefghi\r\nhost: x', 'abcdefghi'],
  ];

  it.each(cases)('redacts %s', (_name, text, leaked) => {
    const out = patternsOnly(text);
    expect(out).not.toContain(leaked);
    expect(out).toContain(REDACTED);
  });

  it('keeps the labels so the text stays readable', () => {
    expect(patternsOnly('Bearer abcdefgh12345678')).toBe(`Bearer ${REDACTED}`);
    expect(patternsOnly('https://h/v1?key=AIza123&alt=sse')).toBe(`https://h/v1?key=${REDACTED}&alt=sse`);
    expect(patternsOnly('?X-Amz-Signature=abc&X-Amz-Expires=60')).toBe(
      `?X-Amz-Signature=${REDACTED}&X-Amz-Expires=60`,
    );
    expect(patternsOnly('https://u:pw123@h/')).toBe(`https://u:${REDACTED}@h/`);
    expect(patternsOnly('{"authorization":"Bearer abc","model":"m"}')).toBe(
      `{"authorization":"${REDACTED}","model":"m"}`,
    );
  });
});

describe('redactHeaders', () => {
  it('replaces every sensitive header, whatever its case', () => {
    const input: Record<string, string> = {};
    for (const name of SENSITIVE_HEADERS) input[name.toUpperCase()] = `value-of-${name}`;
    input['Content-Type'] = 'application/json';
    const out = redactHeaders(input);
    for (const name of SENSITIVE_HEADERS) expect(out[name.toUpperCase()]).toBe(REDACTED);
    expect(out['Content-Type']).toBe('application/json');
    expect(input.AUTHORIZATION).toBe('value-of-authorization');
  });

  it('covers the documented list', () => {
    expect([...SENSITIVE_HEADERS].sort()).toEqual(
      [
        'api-key',
        'authorization',
        'cookie',
        'proxy-authorization',
        'set-cookie',
        'x-amz-security-token',
        'x-api-key',
        'x-goog-api-key',
      ].sort(),
    );
  });

  it('accepts Headers and pairs, joins arrays, drops undefined, and applies a redactor to the rest', () => {
    const headers = new Headers({ Authorization: 'Bearer x', 'X-Trace': 'trace-with-known-secret-1' });
    expect(redactHeaders(headers, createRedactor(['known-secret-1']))).toEqual({
      authorization: REDACTED,
      'x-trace': `trace-with-${REDACTED}`,
    });
    expect(redactHeaders([['Cookie', 'a=b'] as const, ['accept', '*/*'] as const])).toEqual({
      Cookie: REDACTED,
      accept: '*/*',
    });
    expect(
      redactHeaders({ 'set-cookie': ['a=1', 'b=2'], vary: ['a', 'b'], 'content-length': 5, gone: undefined }),
    ).toEqual({ 'set-cookie': REDACTED, vary: 'a, b', 'content-length': '5' });
  });
});

describe('redactError', () => {
  const key = 'sk-proj-SECRETSECRETSECRET0123456789';
  const redact = createRedactor([key]);

  it('rewrites message and stack along a nested cause chain, in place', () => {
    const root = new Error(`socket closed while sending ${key}`);
    const middle = new TypeError(`fetch failed for Bearer ${key}`, { cause: root });
    const top = new ServerError(`upstream said: invalid key ${key}`, { cause: middle, provider: 'openai' });
    // V8 formats the stack on first read: once read (say, by a logger), it keeps the original message.
    for (const error of [top, middle, root]) expect(error.stack).toContain(key);
    expect(redactError(top, redact)).toBe(top);
    for (const error of [top, middle, root]) {
      expect(error.message).not.toContain(key);
      expect(error.stack).not.toContain(key);
      expect(error.message).toContain(REDACTED);
    }
    expect(inspect(top, { depth: 10 })).not.toContain(key);
    expect(JSON.stringify(top)).not.toContain(key);
    expect(top).toBeInstanceOf(ServerError);
    expect(top.provider).toBe('openai');
  });

  it('redacts a string cause, AggregateError members and survives cycles', () => {
    const a = new Error(`a ${key}`);
    const b = new Error(`b ${key}`, { cause: `raw ${key}` });
    const aggregate = new AggregateError([a, b], `all failed ${key}`);
    const loop = new Error(`loop ${key}`, { cause: aggregate });
    (aggregate as { cause?: unknown }).cause = loop;
    redactError(loop, redact);
    for (const error of [loop, aggregate, a, b]) expect(error.message).not.toContain(key);
    expect(b.cause).toBe(`raw ${REDACTED}`);
  });

  it('follows causes only to the given depth', () => {
    const chain: Error[] = [new Error(`level 5 ${key}`)];
    for (let level = 4; level >= 0; level--) {
      chain.unshift(new Error(`level ${level} ${key}`, { cause: chain[0] }));
    }
    redactError(chain[0], redact, 2);
    expect(chain.slice(0, 3).every((e) => !e.message.includes(key))).toBe(true);
    expect(chain.slice(3).every((e) => e.message.includes(key))).toBe(true);
  });

  it('handles strings, non-errors and frozen errors without throwing', () => {
    expect(redactError(`boom ${key}`, redact)).toBe(`boom ${REDACTED}`);
    expect(redactError(null, redact)).toBeNull();
    expect(redactError(42, redact)).toBe(42);
    const frozen = Object.freeze(new Error(`frozen ${key}`));
    expect(() => redactError(frozen, redact)).not.toThrow();
  });

  it('redacts through a read-only message property', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'message', { value: `ro ${key}`, writable: false, configurable: true });
    redactError(error, redact);
    expect(error.message).toBe(`ro ${REDACTED}`);
  });
});

describe('Secret', () => {
  const value = 'sk-ant-api03-TOPSECRETVALUE0123456789';

  it('reveals its value only through reveal()', () => {
    const s = new Secret(value);
    expect(s.reveal()).toBe(value);
    expect(secret(value).reveal()).toBe(value);
    expect(Secret.from(s)).toBe(s);
    expect(Secret.from(value).reveal()).toBe(value);
  });

  it('never shows its value in strings, JSON, inspect or enumeration', () => {
    const s = new Secret(value);
    const holder = { apiKey: s, nested: { list: [s] } };
    const renderings = [
      String(s),
      `${s}`,
      `key: ${s}`,
      JSON.stringify(holder),
      inspect(s),
      inspect(holder, { depth: 10, showHidden: true }),
      inspect(s, { customInspect: true, showHidden: true }),
      JSON.stringify({ ...s }),
      Object.keys(s).join(','),
      JSON.stringify(structuredClone({ ...holder, apiKey: { ...s } })),
    ];
    for (const text of renderings) expect(text).not.toContain(value);
    expect(String(s)).toBe(REDACTED);
    expect(JSON.stringify(holder)).toBe(`{"apiKey":"${REDACTED}","nested":{"list":["${REDACTED}"]}}`);
    expect(inspect(holder)).toContain(REDACTED);
  });

  it('rejects a non-string without printing it', () => {
    expect(() => new Secret(12345678 as unknown as string)).toThrow(InvalidRequestError);
    expect(() => new Secret(12345678 as unknown as string)).toThrow(/number/);
  });
});
