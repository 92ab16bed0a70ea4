import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
  RouteHandler,
} from '../emulator/types.js';
import { TEI_OVERLOADED_MESSAGE, teiErrorReply } from './tei-errors.js';
import {
  decodeHandler,
  embedAllHandler,
  embedHandler,
  embedSparseHandler,
  infoHandler,
  openAIEmbeddingsHandler,
  rerankHandler,
  type TeiContext,
  tokenizeHandler,
} from './tei-routes.js';
import type { TeiModelType, TeiServerConfig } from './tei-shapes.js';

/** Options of {@link startTeiEmulator}. */
export interface TeiEmulatorOptions extends EmulatorOptions {
  /**
   * Accepted keys (the server's `--api-key`). Default `[]`: no auth. When non-empty, every request needs
   * `Authorization: Bearer <key>` exactly, else 401 with an empty body.
   */
  readonly apiKeys?: readonly string[];
  /** @default 'BAAI/bge-small-en-v1.5' */
  readonly modelId?: string;
  /** The kind of model served; routes for another kind answer 424. @default 'embedding' */
  readonly modelType?: TeiModelType;
  /**
   * Answer every route whatever `modelType` says, so one emulator covers a whole client (a real server
   * serves one kind of model). @default false
   */
  readonly serveAllRoutes?: boolean;
  /** Length of the pooled vectors. @default 16 */
  readonly dimensions?: number;
  /** Tokens per input (`--max-input-length` comes from the model). @default 512 */
  readonly maxInputLength?: number;
  /** `--max-client-batch-size`: more inputs in one request are refused with 413 Validation. @default 32 */
  readonly maxClientBatchSize?: number;
  /**
   * `--max-concurrent-requests`, enforced: an inference request arriving while this many requests are
   * already in flight gets TEI's immediate 429 `{"error":"Model is overloaded","error_type":"Overloaded"}`
   * (no queueing, no retry hint). Default: not enforced (`/info` reports 512), so the suite's queue checks
   * measure the client alone. The count is the emulator's in-flight gauge (every route).
   */
  readonly concurrencyLimit?: number;
  /** `--auto-truncate`: the `truncate` default. @default false */
  readonly autoTruncate?: boolean;
  /** The model's sentence-transformers prompts, for `prompt_name`. @default {query: 'query: ', passage: 'passage: '} */
  readonly prompts?: Readonly<Record<string, string>>;
}

/** A running TEI emulator. */
export interface TeiEmulator extends Emulator {
  /** What the emulated server serves and its limits. */
  readonly config: TeiServerConfig;
}

/** Routes that take one of the server's inference permits (`try_acquire_permit`) before any work. */
const PERMIT_ROUTES: ReadonlySet<string> = new Set([
  'POST /embed',
  'POST /embed_all',
  'POST /embed_sparse',
  'POST /rerank',
  'POST /predict',
  'POST /v1/embeddings',
  'POST /embeddings',
  'POST /',
  'POST /invocations',
]);

/** The config of an emulator started with `options`. */
export function teiServerConfig(options: TeiEmulatorOptions = {}): TeiServerConfig {
  return {
    modelId: options.modelId ?? 'BAAI/bge-small-en-v1.5',
    modelType: options.modelType ?? 'embedding',
    dimensions: options.dimensions ?? 16,
    maxInputLength: options.maxInputLength ?? 512,
    maxClientBatchSize: options.maxClientBatchSize ?? 32,
    maxConcurrentRequests: options.concurrencyLimit ?? 512,
    autoTruncate: options.autoTruncate ?? false,
    prompts: options.prompts ?? { query: 'query: ', passage: 'passage: ' },
    serveAllRoutes: options.serveAllRoutes ?? false,
  };
}

/**
 * Starts an emulator of Hugging Face Text Embeddings Inference (router API 1.9, no path prefix) on
 * 127.0.0.1. Vectors are deterministic (SHA-256 of the text, unit length unless `normalize: false`);
 * tokenization is by whitespace with `[CLS]`/`[SEP]`; rerank scores grow with the words a text shares with
 * the query. Errors are `{"error","error_type"}` (`{"message","code","error_type"}` on `/v1/embeddings`)
 * with the server's capitalised error types and statuses; successful inference replies carry the
 * `x-compute-*` and timing headers. TEI sends no request id.
 */
export async function startTeiEmulator(options: TeiEmulatorOptions = {}): Promise<TeiEmulator> {
  const config = teiServerConfig(options);
  const gauge = { inFlight: () => 0 };
  const emulator = await startEmulator(
    teiProtocol(config, options.apiKeys ?? [], options.concurrencyLimit, () => gauge.inFlight()),
    options,
  );
  gauge.inFlight = () => emulator.inFlight;
  return Object.defineProperty(emulator, 'config', { enumerable: true, value: config }) as TeiEmulator;
}

/** The {@link EmulatorDefinition} of TEI over a config; `inFlight` reads the running emulator's gauge. */
export function teiProtocol(
  config: TeiServerConfig,
  apiKeys: readonly string[],
  concurrencyLimit: number | undefined,
  inFlight: () => number,
): EmulatorDefinition {
  const ctx: TeiContext = { config, state: { vocabulary: new Map() } };
  const health = (): Reply => ({ kind: 'json', status: 200, body: undefined });
  const native: RouteHandler =
    config.modelType === 'reranker'
      ? (request) => rerankHandler(request, ctx)
      : (request) => embedHandler(request, ctx);
  const routes: Record<string, RouteHandler> = {
    'GET /info': () => infoHandler(ctx),
    'GET /health': health,
    'GET /': health,
    'GET /ping': health,
    'POST /embed': (request) => embedHandler(request, ctx),
    'POST /embed_all': (request) => embedAllHandler(request, ctx),
    'POST /embed_sparse': (request) => embedSparseHandler(request, ctx),
    'POST /rerank': (request) => rerankHandler(request, ctx),
    'POST /tokenize': (request) => tokenizeHandler(request, ctx),
    'POST /decode': (request) => decodeHandler(request, ctx),
    'POST /v1/embeddings': (request) => openAIEmbeddingsHandler(request, ctx),
    'POST /embeddings': (request) => openAIEmbeddingsHandler(request, ctx),
    'POST /': native,
    'POST /invocations': native,
  };
  const paths = new Set(Object.keys(routes).map((key) => key.slice(key.indexOf(' ') + 1)));
  const bearers = apiKeys.map((key) => `Bearer ${key}`);
  return {
    name: 'hf-tei',
    pathPrefix: '',
    routes,
    authorize(request: EmulatorRequest) {
      if (bearers.length > 0 && !bearers.includes(String(request.headers.authorization ?? ''))) {
        return { kind: 'json', status: 401, body: undefined };
      }
      // The request itself is already counted in the gauge.
      if (
        concurrencyLimit !== undefined &&
        PERMIT_ROUTES.has(`${request.method} ${request.path}`) &&
        inFlight() - 1 >= concurrencyLimit
      ) {
        return teiErrorReply({ status: 429, code: 'overloaded', message: TEI_OVERLOADED_MESSAGE }, request);
      }
      return undefined;
    },
    errorReply: (spec, request) => teiErrorReply(spec, request),
    // TEI has no streaming routes; a frame is still defined so the framework's contract holds.
    errorFrame: (code, message) =>
      `${JSON.stringify({ error: message ?? 'Inference failed', error_type: code ?? 'Backend' })}\n`,
    // axum's fallbacks: 404 and 405 with empty bodies.
    notFound: (request) => ({ kind: 'json', status: paths.has(request.path) ? 405 : 404, body: undefined }),
    malformedBody: '[[0.0123,-0.0456,0.0789',
  };
}
