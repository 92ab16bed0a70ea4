import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseGoogleRetryDelay,
  parseRateLimitHeaders,
  parseRetryAfter,
  parseRetryAfterMs,
  parseShouldRetry,
  readRetryHint,
} from './retry-hints.js';

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example date.
const RFC_EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delta-seconds, fractional ones included', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('5', NOW)).toBe(5000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('1.1', NOW)).toBe(1100);
    expect(parseRetryAfter('.25', NOW)).toBe(250);
    expect(parseRetryAfter('  30  ', NOW)).toBe(30_000);
  });

  it('rounds sub-millisecond remainders up so we never come back early', () => {
    expect(parseRetryAfter('0.0001', NOW)).toBe(1);
    expect(parseRetryAfter('1.0005', NOW)).toBe(1001);
  });

  it('returns huge but finite values as they are, for the policy to cap', () => {
    expect(parseRetryAfter('86400000', NOW)).toBe(86_400_000_000);
    expect(parseRetryAfter('9'.repeat(400), NOW)).toBeUndefined();
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('wed, 15 jan 2025 12:01:00 gmt', NOW)).toBe(60_000);
  });

  it('reads RFC 850 and asctime dates', () => {
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', RFC_EXAMPLE - 2000)).toBe(2000);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', RFC_EXAMPLE - 3000)).toBe(3000);
    expect(parseRetryAfter('Wed Jan 15 12:00:10 2025', NOW)).toBe(10_000);
  });

  it('reads a two-digit RFC 850 year in the right century', () => {
    expect(parseRetryAfter('Wednesday, 15-Jan-25 12:00:05 GMT', NOW)).toBe(5000);
    // 94 is read as 1994, which is in the past.
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(0);
  });

  it('rounds up against a fractional now', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', NOW + 0.4)).toBe(30_000);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it.each([
    undefined,
    '',
    '   ',
    '-1',
    '-0.5',
    '+5',
    '1e3',
    'NaN',
    'Infinity',
    '5s',
    '1,5',
    'soon',
    'Sun, 06 Nov 1994 08:49:37', // no GMT
    'Sun, 06 Nov 1994 08:49:37 PST',
    'Sun, 31 Feb 1994 08:49:37 GMT', // no such day
    'Sun, 06 Nov 1994 25:49:37 GMT',
    'Sun, 06 Foo 1994 08:49:37 GMT',
    '2025-01-15T12:00:30Z', // RFC 3339 is not an HTTP-date
  ])('rejects %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('parseRetryAfterMs', () => {
  it('reads non-negative ms, fractional ones included', () => {
    expect(parseRetryAfterMs('0')).toBe(0);
    expect(parseRetryAfterMs('250')).toBe(250);
    expect(parseRetryAfterMs('12.75')).toBe(12.75);
    expect(parseRetryAfterMs(' 100 ')).toBe(100);
    expect(parseRetryAfterMs('1'.repeat(30))).toBe(Number('1'.repeat(30)));
  });

  it.each([undefined, '', ' ', '-5', 'abc', 'NaN', '1e2', '10ms', '9'.repeat(400)])('rejects %j', (value) => {
    expect(parseRetryAfterMs(value)).toBeUndefined();
  });
});

describe('parseShouldRetry', () => {
  it('reads true and false in any case', () => {
    expect(parseShouldRetry('true')).toBe(true);
    expect(parseShouldRetry('TRUE')).toBe(true);
    expect(parseShouldRetry(' False ')).toBe(false);
  });

  it.each([undefined, '', '1', '0', 'yes', 'truthy'])('ignores %j', (value) => {
    expect(parseShouldRetry(value)).toBeUndefined();
  });
});

describe('readRetryHint', () => {
  it('prefers retry-after-ms over retry-after over the provider hint', () => {
    expect(readRetryHint({ 'retry-after-ms': '1500', 'retry-after': '9' }, NOW, 7000)).toEqual({
      delayMs: 1500,
      source: 'retry-after-ms',
    });
    expect(readRetryHint({ 'retry-after': '9' }, NOW, 7000)).toEqual({
      delayMs: 9000,
      source: 'retry-after',
    });
    expect(readRetryHint({}, NOW, 7000)).toEqual({ delayMs: 7000, source: 'provider' });
  });

  it('skips a malformed header and falls through to the next hint', () => {
    expect(readRetryHint({ 'retry-after-ms': 'oops', 'retry-after': '2' }, NOW)).toEqual({
      delayMs: 2000,
      source: 'retry-after',
    });
    expect(readRetryHint({ 'retry-after': '-3' }, NOW, 400)).toEqual({ delayMs: 400, source: 'provider' });
  });

  it('reads an HTTP-date retry-after', () => {
    expect(readRetryHint({ 'retry-after': 'Wed, 15 Jan 2025 12:00:04 GMT' }, NOW)).toEqual({
      delayMs: 4000,
      source: 'retry-after',
    });
  });

  it('ignores an unusable provider hint', () => {
    expect(readRetryHint({}, NOW, -1)).toEqual({});
    expect(readRetryHint({}, NOW, Number.NaN)).toEqual({});
    expect(readRetryHint({}, NOW, Number.POSITIVE_INFINITY)).toEqual({});
  });

  it('reports x-should-retry separately', () => {
    const hint = readRetryHint({ 'x-should-retry': 'false', 'retry-after': '1' }, NOW);
    expect(hint).toEqual({ shouldRetry: false, delayMs: 1000, source: 'retry-after' });
    const only = readRetryHint({ 'x-should-retry': 'true' }, NOW);
    expect(only).toEqual({ shouldRetry: true });
    expect('delayMs' in only).toBe(false);
  });

  it('takes the first value of a repeated header', () => {
    expect(readRetryHint({ 'retry-after': ['3', '10'] }, NOW)).toEqual({
      delayMs: 3000,
      source: 'retry-after',
    });
  });

  it('returns an empty hint when nothing is there', () => {
    expect(readRetryHint({ 'content-type': 'application/json', 'retry-after': undefined }, NOW)).toEqual({});
  });
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['1s', 1000],
    ['6m0s', 360_000],
    ['150ms', 150],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['2m59.56s', 179_560],
    ['1.1s', 1100],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['500μs', 0.5],
    ['250000ns', 0.25],
    ['1h', 3_600_000],
    [' 20ms ', 20],
  ])('parses %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '   ',
    '-1s',
    '+1s',
    '1',
    '1x',
    's',
    '1s2',
    '1 s',
    'NaN',
    '1.5.5s',
    'ms',
    `${'9'.repeat(400)}h`,
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('property: any h/m/s/ms combination adds up', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(59), fc.nat(59), fc.nat(999), (h, m, s, ms) => {
        expect(parseDuration(`${h}h${m}m${s}s${ms}ms`)).toBe(((h * 60 + m) * 60 + s) * 1000 + ms);
      }),
    );
  });
});

describe('parseRateLimitHeaders', () => {
  it('reads OpenAI/Groq headers with duration resets', () => {
    expect(
      parseRateLimitHeaders(
        {
          'x-ratelimit-limit-requests': '60',
          'x-ratelimit-remaining-requests': '59',
          'x-ratelimit-reset-requests': '1s',
          'x-ratelimit-limit-tokens': '150000',
          'x-ratelimit-remaining-tokens': '149984',
          'x-ratelimit-reset-tokens': '6m0s',
        },
        NOW,
      ),
    ).toEqual({
      limitRequests: 60,
      remainingRequests: 59,
      resetRequestsMs: 1000,
      limitTokens: 150_000,
      remainingTokens: 149_984,
      resetTokensMs: 360_000,
    });
  });

  it('reads Anthropic headers with RFC 3339 resets relative to now', () => {
    expect(
      parseRateLimitHeaders(
        {
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '49',
          'anthropic-ratelimit-requests-reset': '2025-01-15T12:00:01Z',
          'anthropic-ratelimit-tokens-limit': '40000',
          'anthropic-ratelimit-tokens-remaining': '0',
          'anthropic-ratelimit-tokens-reset': '2025-01-15T13:00:30.250+01:00',
        },
        NOW,
      ),
    ).toEqual({
      limitRequests: 50,
      remainingRequests: 49,
      resetRequestsMs: 1000,
      limitTokens: 40_000,
      remainingTokens: 0,
      resetTokensMs: 30_250,
    });
  });

  it('gives 0 for an Anthropic reset in the past', () => {
    expect(
      parseRateLimitHeaders({ 'anthropic-ratelimit-tokens-reset': '2020-01-01T00:00:00Z' }, NOW),
    ).toEqual({
      resetTokensMs: 0,
    });
  });

  it('prefers x-ratelimit-* when both families are present', () => {
    expect(
      parseRateLimitHeaders(
        { 'x-ratelimit-remaining-requests': '7', 'anthropic-ratelimit-requests-remaining': '9' },
        NOW,
      ),
    ).toEqual({ remainingRequests: 7 });
  });

  it('falls back to Anthropic for a field whose x-ratelimit value is malformed', () => {
    expect(
      parseRateLimitHeaders(
        { 'x-ratelimit-remaining-requests': 'many', 'anthropic-ratelimit-requests-remaining': '9' },
        NOW,
      ),
    ).toEqual({ remainingRequests: 9 });
  });

  it('leaves out malformed values', () => {
    expect(
      parseRateLimitHeaders(
        {
          'x-ratelimit-limit-requests': '-1',
          'x-ratelimit-remaining-requests': '',
          'x-ratelimit-reset-requests': 'soon',
          'anthropic-ratelimit-tokens-reset': 'Wed, 15 Jan 2025 12:00:01 GMT',
          'anthropic-ratelimit-tokens-limit': 'NaN',
        },
        NOW,
      ),
    ).toEqual({});
    expect(parseRateLimitHeaders({}, NOW)).toEqual({});
  });
});

describe('parseGoogleRetryDelay', () => {
  it.each([
    ['30s', 30_000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['0s', 0],
    ['0.000000001s', 0.000001],
    [' 2s ', 2000],
  ])('parses %j as %d ms', (text, ms) => {
    expect(parseGoogleRetryDelay(text)).toBe(ms);
  });

  it.each(['', '30', '-1s', '1.5', '1m', '1.0000000001s', 's', 'NaNs', `${'9'.repeat(400)}s`])(
    'rejects %j',
    (text) => {
      expect(parseGoogleRetryDelay(text)).toBeUndefined();
    },
  );
});
