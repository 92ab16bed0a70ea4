/**
 * A scripted HTTP server for tests of clients built on the core: it records every request and answers each
 * one with the next reply from a queue (JSON, a raw body, an SSE stream or an NDJSON stream), or hands it
 * to a handler for anything else (hang, drip, reset). Built on {@link startLoopbackServer}, so it listens
 * on 127.0.0.1 with an ephemeral port only.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer({ basePath: '/v1' });
 * server.reply({ status: 429, headers: { 'retry-after-ms': '100' }, json: { error: { message: 'slow' } } });
 * server.reply({ sse: [{ choices: [] }, '[DONE]'] });
 * // ... point the client at server.baseURL ...
 * expect(server.requests[0]?.json).toMatchObject({ stream: true });
 * await server.close();
 * ```
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import {
  type LoopbackExchange,
  type LoopbackHandler,
  type LoopbackServer,
  startLoopbackServer,
} from './loopback-server.js';

/** A request as the scripted server received it. */
export interface RecordedRequest {
  /** The request method, e.g. `POST`. */
  readonly method: string;
  /** The request target, e.g. `/v1/chat/completions?x=1`. */
  readonly url: string;
  /** Request headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text (`''` when there is none). */
  readonly text: string;
  /** The body parsed as JSON; `undefined` when it is empty or not JSON. */
  readonly json: unknown;
}

/**
 * One scripted reply. At most one of `json`, `body`, `sse`, `ndjson` and `handler` may be set; with none
 * of them the reply is an empty body. `content-type` defaults to the body kind unless `headers` sets it.
 */
export interface ScriptedReply {
  /** @defaultValue 200 */
  status?: number;
  /** Response headers. */
  headers?: OutgoingHttpHeaders;
  /** A JSON body (`application/json`). */
  json?: unknown;
  /** A raw body, sent as is. */
  body?: string | Uint8Array;
  /** SSE `data:` payloads (objects JSON-encoded, strings as is), sent as one `text/event-stream` body. */
  sse?: ReadonlyArray<string | object>;
  /** NDJSON lines (objects JSON-encoded, strings as is), sent as one `application/x-ndjson` body. */
  ndjson?: ReadonlyArray<string | object>;
  /**
   * Answers the request itself through the loopback exchange (hang, drip chunks, reset the socket, …);
   * `status` and `headers` must then be left out.
   */
  handler?: LoopbackHandler;
}

/** Options of {@link startScriptedServer}. */
export interface ScriptedServerOptions {
  /** Appended to the origin to form {@link ScriptedServer.baseURL}, e.g. `/v1`. @defaultValue `''` */
  basePath?: string;
}

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The ephemeral port the server listens on. */
  readonly port: number;
  /** `origin + basePath`, the base URL to give a client. */
  readonly baseURL: string;
  /** `origin + path` */
  url(path?: string): string;
  /** Every request received so far, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Replies queued and not used yet. */
  readonly pendingReplies: number;
  /**
   * Queues replies, used in order, one per request. With the queue empty a request gets a 418 with a JSON
   * error body naming it: a 4xx, so no client retries it and the test fails at once and loudly.
   */
  reply(...replies: ScriptedReply[]): void;
  /** The loopback server underneath (connection counts, raw exchanges). */
  readonly loopback: LoopbackServer;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** The status of a request that found no scripted reply. */
export const UNSCRIPTED_STATUS = 418;

const BODY_KINDS = ['json', 'body', 'sse', 'ndjson', 'handler'] as const;

/** Starts a {@link ScriptedServer} on 127.0.0.1 with an ephemeral port. */
export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedReply[] = [];
  const loopback = await startLoopbackServer({
    handler: (exchange) => {
      const request = record(exchange);
      requests.push(request);
      const reply = queue.shift() ?? unscripted(request);
      if (reply.handler) return reply.handler(exchange);
      const [contentType, payload] = encodeBody(reply);
      const headers: OutgoingHttpHeaders = { ...reply.headers };
      if (contentType && !hasHeader(headers, 'content-type')) headers['content-type'] = contentType;
      exchange.respond(reply.status ?? 200, payload, headers);
    },
  });
  return {
    origin: loopback.origin,
    port: loopback.port,
    baseURL: loopback.origin + (options.basePath ?? ''),
    url: (path) => loopback.url(path),
    requests,
    get pendingReplies() {
      return queue.length;
    },
    reply(...replies) {
      for (const reply of replies) checkReply(reply);
      queue.push(...replies);
    },
    loopback,
    close: () => loopback.close(),
  };
}

/** Encodes SSE `data:` events, one frame each: objects JSON-encoded, strings as is. */
export function sseBody(events: ReadonlyArray<string | object>): string {
  return events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
}

/** Encodes NDJSON, one line each: objects JSON-encoded, strings as is. */
export function ndjsonBody(lines: ReadonlyArray<string | object>): string {
  return lines.map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`).join('');
}

function record(exchange: LoopbackExchange): RecordedRequest {
  const text = exchange.body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { method: exchange.method, url: exchange.url, headers: exchange.headers, text, json };
}

function unscripted(request: RecordedRequest): ScriptedReply {
  const message = `scripted server: no reply scripted for ${request.method} ${request.url}`;
  return { status: UNSCRIPTED_STATUS, json: { error: { message, type: 'unscripted_request' } } };
}

// A reply that mixes body kinds is a bug in the test; say so when it is queued, not when it is served.
function checkReply(reply: ScriptedReply): void {
  const kinds = BODY_KINDS.filter((kind) => reply[kind] !== undefined);
  if (kinds.length > 1)
    throw new TypeError(`a scripted reply takes one body kind, got ${kinds.join(' and ')}`);
  if (reply.handler && (reply.status !== undefined || reply.headers !== undefined)) {
    throw new TypeError('a scripted reply with a handler takes no status or headers');
  }
}

function encodeBody(reply: ScriptedReply): [contentType: string | undefined, payload: string | Uint8Array] {
  if (reply.json !== undefined) return ['application/json', JSON.stringify(reply.json)];
  if (reply.sse !== undefined) return ['text/event-stream', sseBody(reply.sse)];
  if (reply.ndjson !== undefined) return ['application/x-ndjson', ndjsonBody(reply.ndjson)];
  return [undefined, reply.body ?? ''];
}

function hasHeader(headers: OutgoingHttpHeaders, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
