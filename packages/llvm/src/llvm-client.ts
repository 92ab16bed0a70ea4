/**
 * The LLVM client: every operation of the contract in `openapi.yaml` through the core pipeline (queue,
 * breaker, retry, tracking, multiplexing), plus optional automatic batching of `infer`. This file only
 * wires operations to paths and parsers.
 */
import { inspect } from 'node:util';
import {
  type AttemptContext,
  type BackendControl,
  backendControl,
  type ClientOptions,
  createBackend,
  InvalidRequestError,
  jsonCall,
  type ModelCatalogCapability,
  type RequestOptions,
  resolveEndpoints,
  validateRequestOptions,
} from '@ipfs-accelerate/core';
import type {
  LlvmBatchInferRequest,
  LlvmBatchInferResult,
  LlvmExecuteRequest,
  LlvmExecuteResult,
  LlvmInferRequest,
  LlvmInferResult,
  LlvmModel,
  LlvmModelStatistics,
  LlvmOptimizeRequest,
  LlvmOptimizeResult,
  LlvmReloadRequest,
  LlvmServerStatus,
} from './llvm-api-types.js';
import { createLlvmBatcher, type LlvmBatchSender } from './llvm-batching.js';
import {
  buildLlvmExecuteBody,
  buildLlvmOptimizeBody,
  parseLlvmExecuteResponse,
  parseLlvmOptimizeResponse,
} from './llvm-code.js';
import { llvmProtocol } from './llvm-error.js';
import {
  buildLlvmBatchInfer,
  buildLlvmInfer,
  parseLlvmBatchResponse,
  parseLlvmInferResponse,
} from './llvm-infer.js';
import {
  parseLlvmModelList,
  parseLlvmModelResponse,
  parseLlvmStatistics,
  parseLlvmStatus,
} from './llvm-models.js';
import {
  applyLlvmEnv,
  type LlvmBatchingOptions,
  resolveLlvmBaseURL,
  resolveLlvmBatching,
} from './llvm-options.js';
import { check, modelPath, requireModel } from './llvm-validate.js';

/** Options of {@link createLlvm}: the common client options plus batching and extra headers. */
export interface LlvmOptions extends ClientOptions {
  /**
   * Coalesce `infer` calls into `/batch_infer` requests. Off by default; `true` uses `LLVM_BATCH_SIZE` /
   * `LLVM_BATCH_TIMEOUT` or 8 inputs / 100 ms. A lone call is sent after exactly `maxWaitMs`.
   */
  batching?: boolean | LlvmBatchingOptions;
  /** Headers sent with every request (not for keys: use `apiKey`). */
  headers?: Record<string, string>;
}

/** A client of the LLVM inference-server contract, plus stats and endpoint control. */
export interface LlvmClient extends ModelCatalogCapability, BackendControl {
  readonly provider: 'llvm';
  /** Whether `infer` calls are batched automatically. */
  readonly batching: boolean;
  /** `GET /models`. Operation `list-models`. */
  listModels(options?: RequestOptions): Promise<LlvmModel[]>;
  /** `GET /models/{id}`. Operation `get-model`. */
  getModel(model: string, options?: RequestOptions): Promise<LlvmModel>;
  /** `POST /models/{id}/infer` (or, with batching on, a share of a `/batch_infer`). Operation `infer`. */
  infer(request: LlvmInferRequest, options?: RequestOptions): Promise<LlvmInferResult>;
  /** `POST /models/{id}/batch_infer` with the given inputs, never split or merged. Operation `batch-infer`. */
  batchInfer(request: LlvmBatchInferRequest, options?: RequestOptions): Promise<LlvmBatchInferResult>;
  /** `POST /execute`. Operation `execute`. */
  execute(request: LlvmExecuteRequest, options?: RequestOptions): Promise<LlvmExecuteResult>;
  /** `POST /optimize`. Operation `optimize`. */
  optimize(request: LlvmOptimizeRequest, options?: RequestOptions): Promise<LlvmOptimizeResult>;
  /** `GET /status`. Operation `status`. */
  status(options?: RequestOptions): Promise<LlvmServerStatus>;
  /** `POST /models/{id}/reload`; answers the model's new state. Operation `reload`. */
  reload(request: string | LlvmReloadRequest, options?: RequestOptions): Promise<LlvmModel>;
  /** `GET /models/{id}/statistics`. Operation `statistics`. */
  statistics(model: string, options?: RequestOptions): Promise<LlvmModelStatistics>;
}

function validateHeaders(headers: unknown): void {
  if (headers === undefined) return;
  check.object(headers, 'headers');
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw new InvalidRequestError(`llvm: header ${name} must be a string`);
  }
}

/**
 * Creates an LLVM client. The base URL comes from `baseURL`, else `LLVM_BASE_URL`, else the seed wrapper's
 * `LLVM_API_URL`, else `http://localhost:8090`; the key (optional, `Authorization: Bearer`) from `apiKey`,
 * else `LLVM_API_KEY`. The seed's tuning variables fill pipeline options left out (see `applyLlvmEnv`).
 *
 * @throws InvalidRequestError for a malformed option or environment variable.
 */
export function createLlvm(options: LlvmOptions = {}): LlvmClient {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError('llvm: createLlvm options must be an object');
  }
  const { batching, headers, baseURL: _baseURL, apiKey, endpoints, ...pipeline } = options;
  validateHeaders(headers);
  const batchSettings = resolveLlvmBatching(batching);
  const baseURL = resolveLlvmBaseURL(options.baseURL);
  const configs = resolveEndpoints(
    { baseURL, apiKey, endpoints },
    { provider: 'llvm', baseURL, apiKeyEnv: ['LLVM_API_KEY'], requireApiKey: false },
  );
  const backend = createBackend({
    ...pipeline,
    ...applyLlvmEnv(pipeline),
    provider: 'llvm',
    endpoints: configs,
    protocol: llvmProtocol(headers),
  });

  const sendBatch: LlvmBatchSender = (model, body, opts) =>
    backend.call(
      {
        operation: 'batch-infer',
        path: modelPath(model, '/batch_infer'),
        json: body,
        parse: async (response, ctx) => ({
          ...parseLlvmBatchResponse(await response.body.json(), model, body.inputs.length),
          requestId: ctx.requestId,
        }),
      },
      opts,
    );
  const batcher = batchSettings ? createLlvmBatcher(batchSettings, options.clock, sendBatch) : undefined;
  const control = backendControl(backend);

  const client: LlvmClient = {
    provider: 'llvm',
    batching: batcher !== undefined,
    ...control,

    async close() {
      await batcher?.close();
      await control.close();
    },

    async destroy() {
      // Pending batches go out first, so the backend fails them with every other request.
      const flushed = batcher?.close();
      await control.destroy();
      await flushed;
    },

    async listModels(opts) {
      return backend.call(jsonCall('list-models', '/models', parseLlvmModelList), opts);
    },

    async getModel(model, opts) {
      const id = requireModel(model);
      return backend.call(
        jsonCall('get-model', modelPath(id), (body) => parseLlvmModelResponse(body, 'model')),
        opts,
      );
    },

    async infer(request, opts) {
      const { model, body } = buildLlvmInfer(request);
      if (batcher) {
        validateRequestOptions(opts);
        const item = { model, input: body.input, parameters: body.parameters, options: opts };
        return batcher.add(item, opts?.signal ? { signal: opts.signal } : {});
      }
      const read = (answer: unknown, ctx: AttemptContext) => ({
        ...parseLlvmInferResponse(answer, model),
        requestId: ctx.requestId,
        batched: false,
      });
      return backend.call(jsonCall('infer', modelPath(model, '/infer'), read, { json: body }), opts);
    },

    async batchInfer(request, opts) {
      const { model, body } = buildLlvmBatchInfer(request);
      return sendBatch(model, body, opts ?? {});
    },

    async execute(request, opts) {
      const json = buildLlvmExecuteBody(request);
      const read = (body: unknown, ctx: AttemptContext) => ({
        ...parseLlvmExecuteResponse(body),
        requestId: ctx.requestId,
      });
      return backend.call(jsonCall('execute', '/execute', read, { json }), opts);
    },

    async optimize(request, opts) {
      const json = buildLlvmOptimizeBody(request);
      const read = (body: unknown, ctx: AttemptContext) => ({
        ...parseLlvmOptimizeResponse(body),
        requestId: ctx.requestId,
      });
      return backend.call(jsonCall('optimize', '/optimize', read, { json }), opts);
    },

    async status(opts) {
      return backend.call(jsonCall('status', '/status', parseLlvmStatus), opts);
    },

    async reload(request, opts) {
      if (typeof request !== 'string') check.object(request, 'reload request');
      const { model, force } = typeof request === 'string' ? { model: request, force: undefined } : request;
      const id = requireModel(model);
      check.optionalBoolean(force, 'force');
      const json = force === undefined ? {} : { force };
      const read = (body: unknown) => parseLlvmModelResponse(body, 'reloaded model');
      return backend.call(jsonCall('reload', modelPath(id, '/reload'), read, { json }), opts);
    },

    async statistics(model, opts) {
      const id = requireModel(model);
      return backend.call(
        {
          operation: 'statistics',
          method: 'GET',
          path: modelPath(id, '/statistics'),
          parse: async (response) => parseLlvmStatistics(await response.body.json(), id),
        },
        opts,
      );
    },
  };

  // What a log line or a REPL shows of the client: its endpoints and batching, never a key.
  const describe = () => ({
    provider: 'llvm',
    batching: batchSettings ?? false,
    endpoints: backend.endpoints(),
  });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `LlvmClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
