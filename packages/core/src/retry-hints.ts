/**
 * What servers say about retrying: `retry-after-ms`, `retry-after`, `x-should-retry`, Gemini's
 * `RetryInfo.retryDelay`, and the rate-limit headers of OpenAI-style and Anthropic APIs.
 *
 * Every parser is total: malformed, negative or non-finite input yields `undefined`, never an
 * exception, because a bad header must not turn a retryable failure into a crash. Huge but finite
 * values are returned as they are; capping them (and failing with the hint) is the retry policy's job.
 */

/** Response headers as undici returns them: lower-case names, repeated headers as arrays. */
export type HeaderBag = Record<string, string | string[] | undefined>;

/** Where a retry delay came from. */
export type RetryHintSource = 'retry-after-ms' | 'retry-after' | 'provider';

/** The server's retry advice for one failed response. */
export interface RetryHint {
  /** `x-should-retry`: the server's explicit yes or no, when it sent one. */
  shouldRetry?: boolean;
  /** How long the server asked us to wait, in ms. */
  delayMs?: number;
  /** Which hint {@link RetryHint.delayMs} came from. */
  source?: RetryHintSource;
}

/** Request and token limits reported by the last response (OpenAI/Groq or Anthropic headers). */
export interface RateLimitInfo {
  /** Requests allowed in the current window. */
  limitRequests?: number;
  /** Requests left in the current window. */
  remainingRequests?: number;
  /** Time until the request limit is fully replenished, in ms. */
  resetRequestsMs?: number;
  /** Tokens allowed in the current window. */
  limitTokens?: number;
  /** Tokens left in the current window. */
  remainingTokens?: number;
  /** Time until the token limit is fully replenished, in ms. */
  resetTokensMs?: number;
}

// Unsigned decimal without exponent: "5", "1.5", ".5", "5.". Signs, exponents, "NaN" and "Infinity" are refused.
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Converts an amount of some unit to ms, dropping float noise below a nanosecond (1.1 s is 1100 ms, not 1100.0000000000002). */
function toMs(amount: number, msPerUnit: number): number {
  const ms = amount * msPerUnit;
  const rounded = Math.round(ms * 1e6) / 1e6;
  return Number.isFinite(rounded) ? rounded : ms;
}

function parseDecimal(value: string | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The first value of a header, or `undefined`. Names must be lower-case, as undici gives them. */
function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 §5.6.7: IMF-fixdate, plus the obsolete RFC 850 and asctime forms recipients must accept.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, 'i');

/** The fields of an HTTP-date in any of its three forms, still unchecked. */
interface HttpDateParts {
  year: number;
  month: string | undefined;
  day: string | undefined;
  time: (string | undefined)[];
}

function httpDateParts(text: string, nowMs: number): HttpDateParts | undefined {
  const imf = IMF_FIXDATE.exec(text);
  if (imf) return { day: imf[1], month: imf[2], year: Number(imf[3]), time: imf.slice(4, 7) };
  const rfc850 = RFC_850.exec(text);
  if (rfc850) {
    // A two-digit year more than 50 years in the future means the past century (RFC 9110 §5.6.7).
    let year = 2000 + Number(rfc850[3]);
    if (year > new Date(nowMs).getUTCFullYear() + 50) year -= 100;
    return { day: rfc850[1], month: rfc850[2], year, time: rfc850.slice(4, 7) };
  }
  const asctime = ASCTIME.exec(text);
  if (asctime)
    return { month: asctime[1], day: asctime[2], year: Number(asctime[6]), time: asctime.slice(3, 6) };
  return undefined;
}

/**
 * An HTTP-date as epoch ms, or `undefined`. Parsed by hand rather than with `Date.parse`, which takes
 * asctime as local time and accepts strings such as "5" as dates.
 */
function parseHttpDate(text: string, nowMs: number): number | undefined {
  const parts = httpDateParts(text, nowMs);
  if (parts === undefined) return undefined;
  const { year, month, day, time } = parts;
  const monthIndex = MONTHS.indexOf((month ?? '').toLowerCase());
  const [h, min, s] = time.map(Number) as [number, number, number];
  const d = Number(day);
  const ms = Date.UTC(year, monthIndex, d, h, min, s);
  const date = new Date(ms);
  // Date.UTC rolls over (31 Feb becomes 3 Mar, 25:00 the next day); such dates are malformed.
  if (date.getUTCDate() !== d || date.getUTCMonth() !== monthIndex || h > 23 || min > 59 || s > 60) {
    return undefined;
  }
  return ms;
}

/**
 * Parses a `Retry-After` value into a delay in whole ms (rounded up, so we never come back early).
 *
 * Accepts delta-seconds, fractional ones too ("1.5"), and HTTP-dates (IMF-fixdate, RFC 850, asctime),
 * read relative to `nowMs`; a date in the past gives 0.
 *
 * @returns the delay in ms, or `undefined` when the value is absent, empty, negative or malformed.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const seconds = parseDecimal(text);
  if (seconds !== undefined) {
    const ms = toMs(seconds, 1000);
    return Number.isFinite(ms) ? Math.ceil(ms) : undefined;
  }
  const at = parseHttpDate(text, nowMs);
  if (at === undefined) return undefined;
  return Math.max(0, Math.ceil(at - nowMs));
}

/**
 * Parses `retry-after-ms` (the OpenAI and Anthropic SDKs' header): a non-negative number of ms,
 * possibly fractional, returned as is.
 *
 * @returns the delay in ms, or `undefined` when absent, negative or malformed.
 */
export function parseRetryAfterMs(value: string | undefined): number | undefined {
  return parseDecimal(value);
}

/**
 * Parses `x-should-retry`: `true` or `false`, case-insensitive, surrounding whitespace ignored.
 *
 * @returns the server's verdict, or `undefined` for anything else.
 */
export function parseShouldRetry(value: string | undefined): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

/**
 * Reads the retry advice of a response.
 *
 * The delay comes from the first usable hint, in the order the OpenAI and Anthropic SDKs use:
 * `retry-after-ms`, then `retry-after`, then `providerHintMs` (a body-level hint such as Gemini's
 * `RetryInfo.retryDelay`, already in ms; ignored unless a finite non-negative number). A malformed
 * header is skipped, not fatal. `x-should-retry` is reported on its own as `shouldRetry`; the retry
 * policy decides how it combines with the status.
 *
 * @param headers - the response headers, lower-case names.
 * @param nowMs - the current time, for HTTP-date values of `retry-after`.
 * @param providerHintMs - the provider's own delay hint, in ms.
 */
export function readRetryHint(headers: HeaderBag, nowMs: number, providerHintMs?: number): RetryHint {
  const hint: RetryHint = {};
  const shouldRetry = parseShouldRetry(header(headers, 'x-should-retry'));
  if (shouldRetry !== undefined) hint.shouldRetry = shouldRetry;

  const afterMs = parseRetryAfterMs(header(headers, 'retry-after-ms'));
  if (afterMs !== undefined) return { ...hint, delayMs: afterMs, source: 'retry-after-ms' };
  const after = parseRetryAfter(header(headers, 'retry-after'), nowMs);
  if (after !== undefined) return { ...hint, delayMs: after, source: 'retry-after' };
  if (typeof providerHintMs === 'number' && Number.isFinite(providerHintMs) && providerHintMs >= 0) {
    return { ...hint, delayMs: providerHintMs, source: 'provider' };
  }
  return hint;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
// Longest units first so "ms" is not read as "m" followed by garbage.
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go `time.Duration` string, as in OpenAI's and Groq's `x-ratelimit-reset-*` headers:
 * "1s", "6m0s", "150ms", "1h2m3.5s", "0.5s", and the bare "0".
 *
 * @returns the duration in ms (possibly fractional), or `undefined` for negative or malformed input.
 */
export function parseDuration(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '0') return 0;
  if (text === '') return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const m = DURATION_PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
  }
  const ms = toMs(total, 1);
  return Number.isFinite(ms) ? ms : undefined;
}

// RFC 3339 date-time: the offset is mandatory, so Date.parse reads it unambiguously as an instant.
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp as epoch ms, or `undefined`. */
function parseRfc3339(value: string | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toUpperCase().replace(' ', 'T');
  if (!RFC_3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Reads the rate-limit headers of a response.
 *
 * OpenAI and Groq send `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, with reset as a Go
 * duration ("6m0s"); Anthropic sends `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}`,
 * with reset as an RFC 3339 timestamp, returned here as ms from `nowMs` (0 when past). When both
 * families are present, the `x-ratelimit-*` value of a field wins. Malformed values are left out.
 *
 * @param headers - the response headers, lower-case names.
 * @param nowMs - the current time, to turn Anthropic's reset timestamps into delays.
 */
export function parseRateLimitHeaders(headers: HeaderBag, nowMs: number): RateLimitInfo {
  const info: RateLimitInfo = {};
  const set = (field: keyof RateLimitInfo, value: number | undefined) => {
    if (value !== undefined && info[field] === undefined) info[field] = value;
  };
  for (const [kind, suffix] of [
    ['Requests', 'requests'],
    ['Tokens', 'tokens'],
  ] as const) {
    const reset = header(headers, `x-ratelimit-reset-${suffix}`);
    set(`limit${kind}`, parseDecimal(header(headers, `x-ratelimit-limit-${suffix}`)));
    set(`remaining${kind}`, parseDecimal(header(headers, `x-ratelimit-remaining-${suffix}`)));
    set(`reset${kind}Ms`, reset === undefined ? undefined : parseDuration(reset));

    const resetAt = parseRfc3339(header(headers, `anthropic-ratelimit-${suffix}-reset`));
    set(`limit${kind}`, parseDecimal(header(headers, `anthropic-ratelimit-${suffix}-limit`)));
    set(`remaining${kind}`, parseDecimal(header(headers, `anthropic-ratelimit-${suffix}-remaining`)));
    set(`reset${kind}Ms`, resetAt === undefined ? undefined : Math.max(0, resetAt - nowMs));
  }
  return info;
}

// google.protobuf.Duration in JSON: seconds with up to nine fractional digits and a trailing "s".
const PROTO_DURATION = /^(\d+)(?:\.(\d{1,9}))?s$/;

/**
 * Parses a protobuf `Duration` string, as in Gemini's `RetryInfo.retryDelay` ("30s", "1.5s",
 * "0.000000001s").
 *
 * @returns the delay in ms, or `undefined` for negative or malformed input.
 */
export function parseGoogleRetryDelay(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = PROTO_DURATION.exec(value.trim());
  if (!m) return undefined;
  // Integer arithmetic on seconds and nanoseconds keeps "1.1s" at exactly 1100 ms.
  const nanos = Number((m[2] ?? '').padEnd(9, '0'));
  const ms = Number(m[1]) * 1000 + nanos / 1e6;
  return Number.isFinite(ms) ? ms : undefined;
}
