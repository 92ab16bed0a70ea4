/**
 * Checks a request before any I/O. Messages name the offending field but never quote header values or
 * URL query strings: both can carry credentials.
 */
import { InvalidRequestError } from '../errors/index.js';
import type { HttpRequest } from './http-types.js';

/** Where a request goes, split the way undici's dispatcher wants it. */
export interface RequestTarget {
  /** `scheme://host[:port]` */
  origin: string;
  /** Path and query string (the fragment is never sent). */
  path: string;
}

const MAX_QUOTED_URL_CHARS = 80;

/**
 * The text without whatever a URL parser could read as user info: from after the scheme (the first `:`)
 * and its slashes up to the last `@` before the path. On text alone, so it also works on URLs that did
 * not parse, and wider than the parser on purpose (it would stop at `?` or `#`; here a password holding
 * them goes too).
 */
function withoutUserInfo(url: string): string {
  let start = url.indexOf(':') + 1;
  while (url[start] === '/' || url[start] === '\\') start++;
  const path = url.slice(start).search(/[/\\]/);
  const end = path === -1 ? url.length : start + path;
  const at = url.lastIndexOf('@', end - 1);
  return at < start ? url : url.slice(0, start) + url.slice(at + 1);
}

/**
 * A URL (or text meant as one, parsed or not) quoted for an error message: without user info, query string
 * or fragment (each may carry a credential), cut short. Providers that parse base URLs of their own use it
 * for the same reason.
 */
export function quoteUrl(url: string): string {
  const bare = withoutUserInfo(url);
  const query = bare.search(/[?#]/);
  const head = query === -1 ? bare : bare.slice(0, query);
  return JSON.stringify(
    head.length > MAX_QUOTED_URL_CHARS ? `${head.slice(0, MAX_QUOTED_URL_CHARS)}…` : head,
  );
}

// Targets of URLs that passed, by URL text: a client sends to a few URLs many times, and parsing one costs
// as much as a tenth of the pipeline's work on a request. Bounded: cleared when full. Entries are frozen.
const TARGET_CACHE_LIMIT = 256;
const targetCache = new Map<string, RequestTarget>();

/** Parses an absolute `http(s)` URL into origin and path; anything else is an {@link InvalidRequestError}. */
export function parseRequestTarget(url: unknown): RequestTarget {
  if (typeof url !== 'string') {
    throw new InvalidRequestError(`url must be an absolute http(s) URL string; got ${typeof url}`);
  }
  const cached = targetCache.get(url);
  if (cached !== undefined) return cached;
  const target = parseTarget(url);
  if (targetCache.size >= TARGET_CACHE_LIMIT) targetCache.clear();
  targetCache.set(url, target);
  return target;
}

function parseTarget(url: string): RequestTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // No cause: the URL parser's error keeps the whole input (credentials, query) as `input`.
    throw new InvalidRequestError(`url must be an absolute http(s) URL; got ${quoteUrl(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidRequestError(`url must use http: or https:; got ${JSON.stringify(parsed.protocol)}`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // undici would drop them silently; say so instead, without echoing them.
    throw new InvalidRequestError('url must not contain credentials; send them in a header');
  }
  return Object.freeze({ origin: parsed.origin, path: parsed.pathname + parsed.search });
}

/** Rejects a header whose name or value is not a string or contains CR or LF (header injection). */
export function assertSafeHeaders(headers: Record<string, string> | undefined): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null) {
    throw new InvalidRequestError(
      `headers must be an object; got ${headers === null ? 'null' : typeof headers}`,
    );
  }
  for (const name in headers) {
    const value: unknown = headers[name];
    if (name.includes('\r') || name.includes('\n')) {
      throw new InvalidRequestError(`Header name ${JSON.stringify(name)} contains CR or LF`);
    }
    if (typeof value !== 'string') {
      throw new InvalidRequestError(`Header "${name}" must be a string; got ${typeof value}`);
    }
    if (value.includes('\r') || value.includes('\n')) {
      throw new InvalidRequestError(`Header "${name}" has a value containing CR or LF`);
    }
  }
}

function assertOptionalPositive(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value > 0)) {
    throw new InvalidRequestError(`${name} must be a positive number of milliseconds; got ${String(value)}`);
  }
}

/** Validates everything about a request that can be checked without I/O, and returns its target. */
export function validateHttpRequest(req: HttpRequest): RequestTarget {
  if (typeof req !== 'object' || req === null) {
    throw new InvalidRequestError(`request must be an object; got ${req === null ? 'null' : typeof req}`);
  }
  const target = parseRequestTarget(req.url);
  if (typeof req.method !== 'string' || req.method === '') {
    throw new InvalidRequestError(`method must be a non-empty string; got ${JSON.stringify(req.method)}`);
  }
  assertSafeHeaders(req.headers);
  assertOptionalPositive('firstByteTimeoutMs', req.firstByteTimeoutMs);
  assertOptionalPositive('idleTimeoutMs', req.idleTimeoutMs);
  const max = req.maxResponseBytes;
  if (max !== undefined && (typeof max !== 'number' || !(max >= 0))) {
    throw new InvalidRequestError(`maxResponseBytes must be a number of bytes >= 0; got ${String(max)}`);
  }
  if (req.signal !== undefined && !(req.signal instanceof AbortSignal)) {
    throw new InvalidRequestError('signal must be an AbortSignal');
  }
  return target;
}
