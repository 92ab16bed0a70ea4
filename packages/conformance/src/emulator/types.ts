import type { IncomingHttpHeaders } from 'node:http';

/** One request as the emulator received it, kept in {@link Emulator.requests} in arrival order. */
export interface EmulatorRequest {
  readonly method: string;
  /** The request path without the query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The parsed body when the content type says JSON and it parses, else `undefined`. */
  readonly json: unknown;
  /** Sequence number of the request, from 0 (its position in `requests` unless the log is capped). */
  readonly index: number;
  /** Wall-clock receipt time (`Date.now()`); the emulator is the only place that reads real time. */
  readonly receivedAt: number;
}

/**
 * One scripted misbehaviour, consumed by one request (see {@link Emulator.script}).
 *
 * "Frames" are the serialised frames of a stream reply; "events" in `afterEvents` count content frames, i.e. frames
 * after the reply's {@link StreamReply.contentStart} preamble (for OpenAI, the role chunk), which is always sent.
 */
export type Fault =
  /** Answer with this status, body (object -> JSON, string -> as is) and headers instead of the normal reply. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Answer with an error in this emulator's provider shape (the emulator builds the body from `code`). */
  | { kind: 'error'; status: number; code?: string; message?: string; headers?: Record<string, string> }
  /** Wait `ms` of real time, then send the normal reply. */
  | { kind: 'delay'; ms: number }
  /** Never answer; the request ends when the client gives up or the emulator closes. */
  | { kind: 'hang' }
  /** Wait until {@link Emulator.release}, then send the normal reply. */
  | { kind: 'hold' }
  /** Destroy the socket (TCP RST) without any response. */
  | { kind: 'reset-before-headers' }
  /** Send status and headers (and for streams the first frame), then destroy the socket (TCP RST). */
  | { kind: 'reset-after-headers' }
  /** Stream: preamble + N content frames, then end the body cleanly WITHOUT the terminator. JSON: half the body. */
  | { kind: 'truncate'; afterEvents: number }
  /** The normal status with an unparseable body (JSON), or an unparseable frame after the preamble (stream). */
  | { kind: 'malformed' }
  /** Stream: preamble + N content frames, then the provider's in-band error frame, then end. JSON: no effect. */
  | { kind: 'stream-error'; afterEvents: number; code?: string; message?: string }
  /** Stream frames (or four JSON body chunks) spaced by `intervalMs` of real time. */
  | { kind: 'drip'; intervalMs: number };

/**
 * Picks a fault for a request that no script covers (see {@link Emulator.setFaultSource}); `undefined` answers
 * normally. Chaos runs use it to inject a seeded random mix of faults.
 */
export type FaultSource = (request: EmulatorRequest) => Fault | undefined;

/** A whole (non-streamed) reply. */
export interface JsonReply {
  readonly kind: 'json';
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string or Uint8Array as is; `undefined` as an empty body. */
  readonly body: unknown;
  /** Defaults to `application/json` for objects and `text/plain; charset=utf-8` for strings. */
  readonly contentType?: string;
}

/** A streamed reply: frames already serialised in the provider's framing (SSE, NDJSON, ...). */
export interface StreamReply {
  readonly kind: 'stream';
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** E.g. `text/event-stream` or `application/x-ndjson`. */
  readonly contentType: string;
  readonly frames: readonly string[];
  /** Sent after the frames on a complete stream (`data: [DONE]\n\n`); omit when the protocol ends with EOF. */
  readonly terminator?: string;
  /** How many leading frames carry no content (OpenAI's role chunk): `afterEvents` counts frames after them. */
  readonly contentStart?: number;
}

/** What a route handler produces; the framework writes it, applying the request's fault. */
export type Reply = JsonReply | StreamReply;

/** Path parameters of a matched route, e.g. `{ id: 'gpt-4o-mini' }` for `/v1/models/:id` (percent-decoded). */
export type RouteParams = Readonly<Record<string, string>>;

/** Produces the normal reply of a route; a thrown error becomes a provider-shaped 500. */
export type RouteHandler = (request: EmulatorRequest, params: RouteParams) => Reply | Promise<Reply>;

/** The inputs of a provider-shaped error body. */
export interface ErrorSpec {
  readonly status: number;
  /** Provider error code or type, e.g. `rate_limit_exceeded`. */
  readonly code?: string;
  readonly message?: string;
}

/**
 * Everything that makes one wire protocol: the route table and the provider-specific shapes. The framework
 * (`startEmulator`) owns the server, the request log, the gauges, scripts and fault application.
 */
export interface EmulatorDefinition {
  /** A label for messages, e.g. `openai`. */
  readonly name: string;
  /** Path prefix of the API, e.g. `/v1` (`''` for none); `baseURL` is `origin + pathPrefix`. */
  readonly pathPrefix: string;
  /** `'METHOD /full/path'` (prefix included) -> handler; `:name` segments are parameters. */
  readonly routes: Readonly<Record<string, RouteHandler>>;
  /** Checks credentials; returns the rejection reply (e.g. a 401) or `undefined` to let the request through. */
  authorize?(request: EmulatorRequest): Reply | undefined;
  /** Builds an error reply in the provider's shape (used by `error` faults, unknown routes and handler crashes). */
  errorReply(spec: ErrorSpec, request: EmulatorRequest): JsonReply;
  /** Serialises the provider's in-band stream error frame (for `stream-error` faults). */
  errorFrame(code: string | undefined, message: string | undefined): string;
  /** The reply for a path no route matches; defaults to `errorReply({ status: 404 })`. */
  notFound?(request: EmulatorRequest): Reply;
  /** Headers added to every response (request id, rate limits, ...); reply and fault headers win over them. */
  responseHeaders?(request: EmulatorRequest): Record<string, string>;
  /** An unparseable stream frame in the provider's framing; defaults to an SSE `data:` frame of broken JSON. */
  readonly malformedFrame?: string;
  /** An unparseable JSON body; defaults to a cut-off JSON object. */
  readonly malformedBody?: string;
}

/** Options of `startEmulator` that are not part of a protocol. */
export interface EmulatorOptions {
  /**
   * Keep only the most recent N requests in {@link Emulator.requests} (default: all; 0: none). Long soaks and
   * benchmarks set it so the log does not grow without bound.
   */
  readonly requestLogLimit?: number;
}

/** A running emulator: a real HTTP server on 127.0.0.1 with a request log, gauges and a fault script. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** `origin` + the emulator's path prefix, e.g. `http://127.0.0.1:40123/v1`. */
  readonly baseURL: string;
  readonly requests: readonly EmulatorRequest[];
  /** Requests received and not yet fully answered or aborted. */
  readonly inFlight: number;
  /** High-water mark of `inFlight` since start or {@link Emulator.resetGauges}. */
  readonly maxInFlight: number;
  readonly openConnections: number;
  /** Sets `maxInFlight` back to the current `inFlight`. */
  resetGauges(): void;
  /**
   * Appends faults for a route; each request to that route consumes the next one; when none is left the route
   * behaves normally. `route` is `'METHOD /path'` exactly as requested (path with prefix, no query), or `'*'` for
   * any route. A request consumes from its own route's script first, then from `'*'`.
   */
  script(route: string, faults: Fault[]): void;
  clearScripts(): void;
  /**
   * Consults `source` for every request that neither its route's script nor `'*'` covers; `undefined` turns it
   * off. Scripts win over the source.
   */
  setFaultSource(source: FaultSource | undefined): void;
  /** Keeps only the most recent `limit` requests in {@link requests} from now on (0: none), as the option does. */
  setRequestLogLimit(limit: number): void;
  /** Releases up to `count` (default all) requests waiting on a `hold` fault, oldest first. */
  release(count?: number): void;
  /** Requests waiting on `hold`. */
  readonly held: number;
  /** Destroys connections and stops listening. */
  close(): Promise<void>;
}
