/**
 * The Hugging Face Text Embeddings Inference client: every route of a self-hosted TEI server through the
 * core pipeline (queue, breaker, retry, tracking, multiplexing). This file wires operations to paths,
 * bodies and parsers; batching lives in `hf-tei-batches.ts` and `hf-tei-coalesce.ts`.
 */
import { inspect } from 'node:util';
import {
  AccelerateError,
  type BackendControl,
  backendControl,
  type ClientOptions,
  createBackend,
  type EmbedRequest,
  type EmbedResult,
  type RequestOptions,
  type RerankCapability,
  type RerankResult,
  resolveEndpoints,
} from '@ipfs-accelerate/core';
import { BatchSizes, runInBatches } from './hf-tei-batches.js';
import { createEmbedCoalescer, type HfTeiBatchingOptions } from './hf-tei-coalesce.js';
import {
  buildEmbedBody,
  type HfTeiEmbedParams,
  type HfTeiEmbedRequest,
  type HfTeiInputsRequest,
  type HfTeiSparseValue,
  inputOptionFields,
  parseEmbedAllResponse,
  parseEmbedResponse,
  parseEmbedSparseResponse,
  validateEmbedRequest,
  validateInputsRequest,
} from './hf-tei-embed.js';
import { hfTeiProtocol } from './hf-tei-error.js';
import { type HfTeiInfo, parseInfoResponse } from './hf-tei-info.js';
import { openAIEmbeddingsInBatches } from './hf-tei-openai-embeddings.js';
import {
  buildRerankBody,
  type HfTeiRank,
  type HfTeiRerankRequest,
  mergeRanks,
  parseRerankResponse,
  validateRerankRequest,
} from './hf-tei-rerank.js';
import {
  buildDecodeBody,
  buildTokenizeBody,
  type HfTeiDecodeRequest,
  type HfTeiToken,
  type HfTeiTokenizeRequest,
  parseDecodeResponse,
  parseTokenizeResponse,
  validateDecodeRequest,
  validateTokenizeRequest,
} from './hf-tei-tokenize.js';
import { check } from './hf-tei-validate.js';

/** Where the client looks when no `baseURL` is given (TEI's Docker examples map the server to 8080). */
export const HF_TEI_DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** Options of {@link createHfTei}: the common client options plus TEI's. */
export interface HfTeiOptions extends ClientOptions {
  /** Headers sent with every request (not for keys: use `apiKey`). */
  headers?: Record<string, string>;
  /**
   * Most inputs per request. When set, `/info` is never fetched for it; when absent, the servers'
   * `max_client_batch_size` from `/info` is used (fetched once per endpoint, the smallest one wins).
   */
  maxClientBatchSize?: number;
  /** Coalesce many small `embed` calls into one `/embed` request (opt-in). */
  batching?: HfTeiBatchingOptions;
}

/** A TEI client: embeddings (dense, sparse, per token, OpenAI-style), rerank, tokenizer, info and health. */
export interface HfTeiClient extends RerankCapability, BackendControl {
  readonly provider: 'hf-tei';
  /** `POST /embed`: one pooled vector per input, in input order. Operation `embed`. */
  embed(request: HfTeiEmbedRequest, options?: RequestOptions): Promise<number[][]>;
  /** `POST /embed_sparse`: one sparse (SPLADE) vector per input. Operation `embed-sparse`. */
  embedSparse(request: HfTeiInputsRequest, options?: RequestOptions): Promise<HfTeiSparseValue[][]>;
  /** `POST /embed_all`: the unpooled token vectors of each input. Operation `embed-all`. */
  embedAll(request: HfTeiInputsRequest, options?: RequestOptions): Promise<number[][][]>;
  /** `POST /rerank`: documents by relevance, best first. Operation `rerank`. */
  rerank(request: HfTeiRerankRequest, options?: RequestOptions): Promise<RerankResult>;
  /** `POST /tokenize`: the tokens of each input. Operation `tokenize`. */
  tokenize(request: HfTeiTokenizeRequest, options?: RequestOptions): Promise<HfTeiToken[][]>;
  /** `POST /decode`: the text of each id sequence. Operation `decode`. */
  decode(request: HfTeiDecodeRequest, options?: RequestOptions): Promise<string[]>;
  /** `GET /info`: the served model and the server's limits (remembered for batching). Operation `info`. */
  info(options?: RequestOptions): Promise<HfTeiInfo>;
  /** `GET /health`, not retried: true on 200, false on 503 `Unhealthy`. Operation `health`. */
  health(options?: RequestOptions): Promise<boolean>;
  /** `POST /v1/embeddings`, the OpenAI-compatible route (`model` optional). Operation `openai-embed`. */
  openaiEmbeddings(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResult>;
}

function validateOptions(options: HfTeiOptions): void {
  check.object(options, 'createHfTei options');
  check.optionalHeaders(options.headers);
  check.optionalNumber(options.maxClientBatchSize, 'maxClientBatchSize', { min: 1, integer: true });
  if (options.batching !== undefined) check.object(options.batching, 'batching');
}

/**
 * Creates a TEI client. The base URL comes from `baseURL`, else `HF_TEI_BASE_URL`, else `TEI_BASE_URL`,
 * else `http://127.0.0.1:8080`; the key (a server started with `--api-key`, sent as `Authorization:
 * Bearer`) from `apiKey`, else `HF_API_TOKEN`, else `HF_API_KEY`; none is needed otherwise.
 */
export function createHfTei(options: HfTeiOptions = {}): HfTeiClient {
  if (typeof options !== 'object' || options === null) {
    check.fail('createHfTei options must be an object');
  }
  validateOptions(options);
  const { headers, baseURL, apiKey, endpoints, maxClientBatchSize, batching, ...pipeline } = options;
  const configs = resolveEndpoints(
    { baseURL, apiKey, endpoints },
    {
      provider: 'hf-tei',
      baseURL: HF_TEI_DEFAULT_BASE_URL,
      baseURLEnv: ['HF_TEI_BASE_URL', 'TEI_BASE_URL'],
      apiKeyEnv: ['HF_API_TOKEN', 'HF_API_KEY'],
      requireApiKey: false,
    },
  );
  const backend = createBackend({
    ...pipeline,
    provider: 'hf-tei',
    endpoints: configs,
    protocol: hfTeiProtocol(headers),
  });

  const post = <T>(
    operation: string,
    path: string,
    json: Record<string, unknown>,
    parse: (body: unknown, context: { requestId: string; providerRequestId: string | undefined }) => T,
    opts: RequestOptions | undefined,
  ): Promise<T> =>
    backend.call<T>(
      { operation, path, json, parse: async (response, ctx) => parse(await response.body.json(), ctx) },
      opts,
    );

  const fetchInfo = (opts: RequestOptions | undefined): Promise<HfTeiInfo> =>
    backend.call<HfTeiInfo>(
      {
        operation: 'info',
        method: 'GET',
        path: '/info',
        parse: async (response, ctx) => {
          const info = parseInfoResponse(await response.body.json());
          sizes.learn(ctx.lane.id, info.maxClientBatchSize);
          return info;
        },
      },
      opts,
    );
  const sizes = new BatchSizes(backend, maxClientBatchSize, fetchInfo);

  /** Runs `send` over `items` in server-sized batches (queued in this turn when the size is known). */
  const inBatches = <T, R>(
    items: readonly T[],
    opts: RequestOptions | undefined,
    send: (batch: T[], options: RequestOptions | undefined, offset: number) => Promise<R>,
  ): Promise<R[]> => {
    const size = sizes.sizeFor(items.length, opts);
    return typeof size === 'number'
      ? runInBatches(items, size, opts, send)
      : size.then((known) => runInBatches(items, known, opts, send));
  };

  const embedDirect = async (
    texts: string[],
    params: HfTeiEmbedParams,
    opts: RequestOptions | undefined,
  ): Promise<number[][]> => {
    const parts = await inBatches(texts, opts, (batch, o) =>
      post(
        'embed',
        '/embed',
        buildEmbedBody(batch, params),
        (body) => parseEmbedResponse(body, batch.length),
        o,
      ),
    );
    return parts.length === 1 ? (parts[0] as number[][]) : parts.flat();
  };

  const coalescer = batching ? createEmbedCoalescer(batching, pipeline.clock, embedDirect) : undefined;
  const control = backendControl(backend);

  const client: HfTeiClient = {
    provider: 'hf-tei',
    ...control,
    async close() {
      await coalescer?.close();
      await control.close();
    },
    async destroy() {
      // Pending coalesced calls are sent now and then failed by the destroy, rather than left on a timer.
      void coalescer?.close();
      await control.destroy();
    },

    async embed(request, opts) {
      const texts = validateEmbedRequest(request);
      const { inputs: _inputs, ...params } = request;
      if (coalescer?.accepts(texts, opts)) return coalescer.add(texts, params, opts);
      return embedDirect(texts, params, opts);
    },

    async embedSparse(request, opts) {
      const texts = validateInputsRequest(request, 'embedSparse');
      const fields = inputOptionFields(request);
      const parts = await inBatches(texts, opts, (batch, o) =>
        post(
          'embed-sparse',
          '/embed_sparse',
          { inputs: batch, ...fields },
          (body) => parseEmbedSparseResponse(body, batch.length),
          o,
        ),
      );
      return parts.flat();
    },

    async embedAll(request, opts) {
      const texts = validateInputsRequest(request, 'embedAll');
      const fields = inputOptionFields(request);
      const parts = await inBatches(texts, opts, (batch, o) =>
        post(
          'embed-all',
          '/embed_all',
          { inputs: batch, ...fields },
          (body) => parseEmbedAllResponse(body, batch.length),
          o,
        ),
      );
      return parts.flat();
    },

    async rerank(request, opts) {
      validateRerankRequest(request);
      const parts = await inBatches(request.documents, opts, (batch, o, offset) =>
        post(
          'rerank',
          '/rerank',
          buildRerankBody(request, batch),
          (body, ctx) => ({ ranks: parseRerankResponse(body, batch.length, offset), ...ids(ctx) }),
          o,
        ),
      );
      const first = parts[0] as { requestId: string; providerRequestId?: string };
      const result: RerankResult = {
        results: mergeRanks(
          parts.map((p) => p.ranks as HfTeiRank[]),
          request.topN,
        ),
        requestId: first.requestId,
      };
      if (first.providerRequestId !== undefined) result.providerRequestId = first.providerRequestId;
      return result;
    },

    async tokenize(request, opts) {
      const texts = validateTokenizeRequest(request);
      const parts = await inBatches(texts, opts, (batch, o) =>
        post(
          'tokenize',
          '/tokenize',
          buildTokenizeBody(request, batch),
          (body) => parseTokenizeResponse(body, batch.length),
          o,
        ),
      );
      return parts.flat();
    },

    async decode(request, opts) {
      const sequences = validateDecodeRequest(request);
      const parts = await inBatches(sequences, opts, (batch, o) =>
        post(
          'decode',
          '/decode',
          buildDecodeBody(request, batch),
          (body) => parseDecodeResponse(body, batch.length),
          o,
        ),
      );
      return parts.flat();
    },

    info: (opts) => fetchInfo(opts),

    async health(opts) {
      try {
        return await backend.call<boolean>(
          {
            operation: 'health',
            method: 'GET',
            path: '/health',
            retry: false,
            parse: async (response) => {
              await response.body.text();
              return true;
            },
          },
          opts,
        );
      } catch (error) {
        if (AccelerateError.isInstance(error) && error.status === 503) return false;
        throw error;
      }
    },

    openaiEmbeddings: (request, opts) => openAIEmbeddingsInBatches(backend, request, opts, inBatches),
  };

  // What a log line or a REPL shows of the client: its endpoints, never a key.
  const describe = () => ({ provider: 'hf-tei', endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `HfTeiClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}

function ids(ctx: { requestId: string; providerRequestId: string | undefined }): {
  requestId: string;
  providerRequestId?: string;
} {
  return ctx.providerRequestId === undefined
    ? { requestId: ctx.requestId }
    : { requestId: ctx.requestId, providerRequestId: ctx.providerRequestId };
}
