/**
 * One HTTP exchange of an attempt: the URL and headers built from the lane and the operation, the
 * credentials put on by the protocol adapter, and an error response turned into the taxonomy with the
 * server's retry hints attached. No retry logic here: that is the pipeline's.
 */
import type { LaneInfo } from './endpoints.js';
import { type AccelerateError, errorFromStatus, InvalidRequestError } from './errors/index.js';
import { readRetryHint } from './retry-hints.js';
import { setHintSource } from './retry-policy.js';
import type { HttpRequest, HttpResponse } from './transport/undici-transport.js';

/** Query parameters; `undefined` values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** A request body: text, bytes, or a factory that makes a fresh stream for every attempt. */
export type RequestBody = string | Uint8Array | (() => AsyncIterable<Uint8Array>);

/** The HTTP side of an operation, as a provider describes it. */
export interface HttpSpec {
  /** @default 'POST' when `json` or `body` is given, else 'GET' */
  method?: string;
  /** Path appended to the lane's base URL, e.g. `/chat/completions`. */
  path: string;
  query?: QueryParams;
  /** A JSON body (serialised once, reused by every attempt). */
  json?: unknown;
  body?: RequestBody;
  headers?: Record<string, string>;
}

/** The request as it will be sent, given to {@link ProtocolAdapter.authorize} to add credentials. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** The body when it is text or bytes (signers hash it); undefined for streamed bodies. */
  body: string | Uint8Array | undefined;
}

/** An error response, as given to {@link ProtocolAdapter.parseError}. */
export interface ErrorResponse {
  status: number;
  headers: HttpResponse['headers'];
  /** The body as text, cut at 64 KiB. */
  bodyText: string;
  /** The body parsed as JSON, when it is JSON. */
  bodyJson: unknown;
  /** The service's request id, when one came in the headers. */
  providerRequestId: string | undefined;
}

/** How a provider's wire protocol authenticates, reports errors and identifies requests. */
export interface ProtocolAdapter {
  /**
   * Puts the lane's credentials on the request.
   * @default `Authorization: Bearer <apiKey>` when the lane has a key
   */
  authorize?(request: PreparedRequest, lane: LaneInfo): void | Promise<void>;
  /**
   * Maps an error response to the taxonomy; return undefined to use the default status mapping (with the
   * message taken from the usual JSON shapes). Retry-hint headers are applied afterwards by the core.
   */
  parseError?(response: ErrorResponse): AccelerateError | undefined;
  /** Response headers that carry the service's request id, in order of preference. */
  requestIdHeaders?: readonly string[];
  /** A request header that carries our request id to the service (e.g. `x-request-id`). */
  sendRequestIdHeader?: string;
  /** Headers sent with every request (user agent, API version, …). */
  headers?: Record<string, string>;
}

const ERROR_BODY_LIMIT = 64 * 1024;
const encoder = new TextEncoder();

/** Joins a base URL, a path and query parameters. */
export function buildUrl(baseURL: string, path: string, query?: QueryParams): URL {
  const url = new URL(joinPath(baseURL, path));
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
  }
  return url;
}

function joinPath(baseURL: string, path: string): string {
  if (typeof path !== 'string') throw new InvalidRequestError('path must be a string');
  return baseURL + (path.startsWith('/') || path === '' ? path : `/${path}`);
}

// Parsing a URL is a pure function of its text, and a backend sends to a handful of distinct URLs, so the
// canonical form of each is remembered (bounded: cleared when full). Saves a URL parse per request.
const HREF_CACHE_LIMIT = 256;
const hrefCache = new Map<string, string>();

/** `buildUrl(...).href`, without building a URL object when there is no query. */
function buildHref(baseURL: string, path: string, query: QueryParams | undefined): string {
  if (query) return buildUrl(baseURL, path, query).href;
  const input = joinPath(baseURL, path);
  let href = hrefCache.get(input);
  if (href === undefined) {
    href = new URL(input).href;
    if (hrefCache.size >= HREF_CACHE_LIMIT) hrefCache.clear();
    hrefCache.set(input, href);
  }
  return href;
}

/** What {@link prepareRequest} returns. @internal */
export interface Prepared {
  prepared: PreparedRequest;
  send: HttpRequest;
}

/**
 * Builds the request of one attempt, with credentials. Synchronous unless the adapter's `authorize`
 * returns a promise: an `await` per request is a microtask turn and a promise the hot path can skip.
 */
export function prepareRequest(
  spec: HttpSpec,
  lane: LaneInfo,
  adapter: ProtocolAdapter,
  extraHeaders: Record<string, string> | undefined,
  requestId: string,
): Prepared | Promise<Prepared> {
  const headers: Record<string, string> = {
    ...adapter.headers,
    ...lane.headers,
    ...spec.headers,
    ...extraHeaders,
  };
  let body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined;
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json);
    headers['content-type'] ??= 'application/json';
  } else if (typeof spec.body === 'function') {
    body = spec.body();
  } else {
    body = spec.body;
  }
  if (adapter.sendRequestIdHeader) headers[adapter.sendRequestIdHeader] = requestId;
  const method = spec.method ?? (body === undefined ? 'GET' : 'POST');
  const prepared = new LazyUrlRequest(
    method,
    buildHref(lane.baseURL, spec.path, spec.query),
    headers,
    typeof body === 'string' || body instanceof Uint8Array ? body : undefined,
  );
  if (adapter.authorize) {
    const pending = adapter.authorize(prepared, lane);
    if (pending !== undefined && typeof (pending as Promise<void>).then === 'function') {
      return Promise.resolve(pending).then(() => finishPrepared(prepared, method, body));
    }
  } else {
    const key = lane.apiKey();
    if (key !== undefined) prepared.headers.authorization = `Bearer ${key}`;
  }
  return finishPrepared(prepared, method, body);
}

/**
 * A {@link PreparedRequest} whose `url` is made only if the adapter looks at it (a signer, a key in the
 * query): most do not, and parsing a URL costs as much as the rest of the request's preparation. A class
 * rather than an object literal with accessors, which V8 builds through a slow runtime path.
 */
class LazyUrlRequest implements PreparedRequest {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  readonly #href: string;
  #url: URL | undefined = undefined;

  constructor(
    method: string,
    href: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
  ) {
    this.method = method;
    this.#href = href;
    this.headers = headers;
    this.body = body;
  }

  get url(): URL {
    this.#url ??= new URL(this.#href);
    return this.#url;
  }

  set url(value: URL) {
    this.#url = value;
  }

  /** The URL to send to: the adapter's URL object when it touched one, else the text it came from. */
  get href(): string {
    return this.#url === undefined ? this.#href : this.#url.href;
  }
}

function finishPrepared(
  prepared: LazyUrlRequest,
  method: string,
  body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined,
): Prepared {
  // The timeout fields are declared up front so the pipeline fills them in without reshaping the object.
  const send: HttpRequest = {
    url: prepared.href,
    method,
    headers: prepared.headers,
    body,
    firstByteTimeoutMs: undefined,
    idleTimeoutMs: undefined,
  };
  return { prepared, send };
}

/** The first present header among `names`. */
export function firstHeader(
  headers: HttpResponse['headers'],
  names: readonly string[] | undefined,
): string | undefined {
  if (!names) return undefined;
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') return value;
    if (Array.isArray(value) && value[0]) return value[0];
  }
  return undefined;
}

/** Reads at most 64 KiB of an error body and drops the rest. */
export async function readErrorBody(response: HttpResponse): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      const room = ERROR_BODY_LIMIT - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= ERROR_BODY_LIMIT) break;
    }
  } catch {
    // A body that breaks while we read an error is still an error response: keep what arrived.
  } finally {
    response.body.cancel();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The message of the usual JSON error shapes: `{error:{message}}`, `{error:"…"}`, `{message}`, `{detail}`. */
export function extractErrorMessage(json: unknown, fallback: string): string {
  if (typeof json === 'object' && json !== null) {
    const o = json as Record<string, unknown>;
    const error = o.error;
    if (typeof error === 'string' && error) return error;
    if (typeof error === 'object' && error !== null) {
      const message = (error as Record<string, unknown>).message;
      if (typeof message === 'string' && message) return message;
    }
    if (typeof o.message === 'string' && o.message) return o.message;
    if (typeof o.detail === 'string' && o.detail) return o.detail;
    if (o.detail !== undefined) {
      try {
        return JSON.stringify(o.detail).slice(0, 500);
      } catch {
        // Nested deeper than JSON.stringify's stack allows (a RangeError): not worth a message.
        return fallback;
      }
    }
  }
  return fallback;
}

/** Turns an error response into the taxonomy, with the server's retry hints applied. */
export async function errorFromResponse(
  response: HttpResponse,
  adapter: ProtocolAdapter,
  provider: string,
  nowMs: number,
): Promise<AccelerateError> {
  const bodyText = await readErrorBody(response);
  let bodyJson: unknown;
  try {
    bodyJson = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    bodyJson = undefined;
  }
  const providerRequestId = firstHeader(response.headers, adapter.requestIdHeaders);
  const input: ErrorResponse = {
    status: response.status,
    headers: response.headers,
    bodyText,
    bodyJson,
    providerRequestId,
  };
  const error =
    adapter.parseError?.(input) ??
    errorFromStatus({
      status: response.status,
      message: extractErrorMessage(bodyJson, bodyText.slice(0, 300) || `HTTP ${response.status}`),
    });
  error.status ??= response.status;
  error.provider ??= provider;
  error.providerRequestId ??= providerRequestId;
  applyRetryHint(error, response.headers, nowMs);
  return error;
}

/** Applies `x-should-retry`, `retry-after-ms` and `retry-after` (in that precedence) to an error. */
export function applyRetryHint(
  error: AccelerateError,
  headers: HttpResponse['headers'],
  nowMs: number,
): void {
  const hint = readRetryHint(headers, nowMs, error.retryAfterMs);
  if (hint.shouldRetry !== undefined) error.retryable = hint.shouldRetry;
  if (hint.delayMs !== undefined) {
    error.retryAfterMs = hint.delayMs;
    setHintSource(error, hint.source ?? 'provider');
  }
}

/** Byte length of a prepared body, for logs. */
export function bodyBytes(body: string | Uint8Array | undefined): number {
  if (body === undefined) return 0;
  return typeof body === 'string' ? encoder.encode(body).length : body.length;
}
