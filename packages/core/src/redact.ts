/**
 * Keeps secrets out of errors, logs, tracking records, diagnostics events and `util.inspect` output.
 *
 * Two layers: the exact secrets a client knows (its API keys), replaced wherever they occur, and generic
 * patterns for credentials it may not know (a bearer token in a proxied error, a signed S3 URL). Both end
 * up as {@link REDACTED}. Clients keep keys in a {@link Secret}, which never prints its value.
 */
import { inspect } from 'node:util';
import { InvalidRequestError } from './errors/index.js';

/** What every redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Rewrites a text with every secret and secret-shaped value replaced by {@link REDACTED}. */
export type Redactor = (text: string) => string;

/** Headers whose values are always replaced by {@link redactHeaders} (lower case; matched case-insensitively). */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
]);

/** How deep {@link redactError} follows `cause` (and `AggregateError.errors`) by default. */
export const DEFAULT_REDACT_ERROR_DEPTH = 8;

// Secret-shaped values. Each keeps the label that makes the text readable and replaces only the value.
const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Credentials in an Authorization value: `Bearer <token>`, `Basic <base64>`.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // The whole value of an Authorization header, in header dumps, JSON or logs (AWS SigV4 included).
  [/\b((?:proxy-)?authorization"?\s*[:=]\s*"?)[^\r\n"]+/gi, `$1${REDACTED}`],
  // API-key headers written out as `name: value`, `name=value` or `"name":"value"`.
  [
    /\b(x-goog-api-key|x-api-key|api-key|x-amz-security-token)("?\s*[:=]\s*"?)[^\s"',;&]+/gi,
    `$1$2${REDACTED}`,
  ],
  // OpenAI (`sk-…`, `sk-proj-…`) and Anthropic (`sk-ant-…`) style keys.
  [/(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  // Keys and tokens in query strings (Gemini's `?key=`).
  [/([?&;](?:key|api[_-]?key|access_token|token)=)[^&#\s"'<>]+/gi, `$1${REDACTED}`],
  // AWS SigV4 signatures and credentials, in URLs (`X-Amz-Signature=`) and headers (`Signature=`).
  [/\b((?:X-Amz-)?(?:Signature|Credential|Security-Token))=[^&\s,"'<>]+/gi, `$1=${REDACTED}`],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  // Passwords in URLs: `https://user:password@host`.
  [/(\/\/[^/\s:@]+:)[^/\s@]+@/g, `$1${REDACTED}@`],
];

// One case-insensitive scan over every pattern: text that matches none (the common case) is returned
// after a single pass instead of one pass per pattern.
const ANY_PATTERN = new RegExp(PATTERNS.map(([pattern]) => pattern.source).join('|'), 'i');

/** Replaces the generic secret-shaped patterns only (no known secrets). */
function redactPatterns(text: string): string {
  if (!ANY_PATTERN.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Builds a {@link Redactor} for the given secrets plus the generic patterns: `Bearer`/`Basic`
 * credentials, `Authorization` values, API-key headers (`x-api-key`, `api-key`, `x-goog-api-key`,
 * `x-amz-security-token`), `sk-…`/`sk-ant-…` keys, `key=`/`api_key=`/`access_token=`/`token=` query
 * parameters, AWS `Signature=`/`X-Amz-Signature=`/`Credential=`/`X-Amz-Credential=` values and access key
 * ids, and passwords in URLs.
 *
 * Each secret is replaced wherever it occurs, as is its URL-encoded form; longer secrets first, so one
 * containing another is replaced whole. `undefined` and empty strings are ignored. Secrets shorter than
 * 8 characters are replaced too, but beware: they may also match innocent text, which is then redacted.
 * Text containing no secret costs one `includes` per secret and one regular-expression scan.
 *
 * @example
 * ```ts
 * const redact = createRedactor([process.env.OPENAI_API_KEY]);
 * redact('401 for key sk-abc…'); // '401 for key [REDACTED]'
 * ```
 */
export function createRedactor(secrets: Iterable<string | Secret | undefined>): Redactor {
  const needles = new Set<string>();
  for (const item of secrets) {
    const value = item instanceof Secret ? item.reveal() : item;
    if (typeof value !== 'string' || value.length === 0) continue;
    needles.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) needles.add(encoded);
  }
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    if (typeof text !== 'string') return text;
    let out = text;
    for (const needle of ordered) {
      if (out.includes(needle)) out = out.replaceAll(needle, REDACTED);
    }
    return redactPatterns(out);
  };
}

/** A header bag as the clients hold them: a `Headers`, a plain record, or `[name, value]` pairs. */
export type HeadersLike =
  | Headers
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[] | number | undefined>;

/**
 * A plain copy of `headers` with the values of {@link SENSITIVE_HEADERS} replaced by {@link REDACTED}.
 * Other values are kept (arrays joined with `, `, undefined ones dropped), passed through `redactor`
 * when one is given. The input is not modified.
 */
export function redactHeaders(headers: HeadersLike, redactor?: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  const entries: Iterable<readonly [string, unknown]> =
    Symbol.iterator in headers
      ? (headers as Iterable<readonly [string, string]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [name, raw] of entries) {
    if (raw === undefined) continue;
    if (SENSITIVE_HEADERS.has(name.toLowerCase())) {
      out[name] = REDACTED;
      continue;
    }
    const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
    out[name] = redactor === undefined ? value : redactor(value);
  }
  return out;
}

/** Rewrites a string property in place when redaction changes it; read-only properties are left. */
function rewriteProperty(target: object, key: 'message' | 'stack' | 'cause', redactor: Redactor): void {
  const value = (target as Record<string, unknown>)[key];
  if (typeof value !== 'string') return;
  const redacted = redactor(value);
  if (redacted === value) return;
  try {
    (target as Record<string, unknown>)[key] = redacted;
  } catch {
    try {
      Object.defineProperty(target, key, { value: redacted, configurable: true, writable: true });
    } catch {
      // A frozen error cannot be rewritten; the caller should not expose it.
    }
  }
}

function redactErrorTree(value: unknown, redactor: Redactor, depth: number, seen: Set<object>): void {
  if (depth < 0 || typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  rewriteProperty(value, 'message', redactor);
  // The stack repeats the message, and util.inspect prints the stack.
  rewriteProperty(value, 'stack', redactor);
  rewriteProperty(value, 'cause', redactor);
  redactErrorTree((value as { cause?: unknown }).cause, redactor, depth - 1, seen);
  const errors = (value as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    for (const inner of errors.slice(0, 16)) redactErrorTree(inner, redactor, depth - 1, seen);
  }
}

/**
 * Rewrites, in place, the `message` and `stack` of `error` and of its `cause` chain (and of
 * `AggregateError.errors`), to at most `maxDepth` levels below it; a string cause is redacted too.
 * Returns `error` itself; a string error is returned redacted; other values are returned unchanged.
 *
 * @param maxDepth - levels of causes to follow. @default DEFAULT_REDACT_ERROR_DEPTH (8)
 */
export function redactError<T>(error: T, redactor: Redactor, maxDepth = DEFAULT_REDACT_ERROR_DEPTH): T {
  if (typeof error === 'string') return redactor(error) as T;
  redactErrorTree(error, redactor, maxDepth, new Set());
  return error;
}

/**
 * A string that never shows itself: `String()`, template literals, `JSON.stringify` and `util.inspect`
 * (so `console.log`) all give {@link REDACTED}. Only {@link Secret.reveal} returns the value, which lives
 * in a private field that enumeration, spreading and cloning cannot reach.
 *
 * @example
 * ```ts
 * const apiKey = new Secret(process.env.OPENAI_API_KEY ?? '');
 * headers.authorization = `Bearer ${apiKey.reveal()}`;
 * console.log({ apiKey }); // { apiKey: [REDACTED] }
 * ```
 */
export class Secret {
  readonly #value: string;

  /** @throws InvalidRequestError when `value` is not a string (the message names its type, not its value). */
  constructor(value: string) {
    if (typeof value !== 'string') {
      throw new InvalidRequestError(`Secret value must be a string; got ${typeof value}`);
    }
    this.#value = value;
  }

  /** Wraps a string, or returns a `Secret` as is. */
  static from(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }

  /** The secret value itself. Call it only where the value is sent, never where it is logged. */
  reveal(): string {
    return this.#value;
  }

  /** Always {@link REDACTED}. */
  toString(): string {
    return REDACTED;
  }

  /** Always {@link REDACTED}. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always {@link REDACTED}, for `util.inspect` and `console.log`. */
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Shorthand for `new Secret(value)`. */
export function secret(value: string): Secret {
  return new Secret(value);
}
