/**
 * The OVMS client: KServe v2 (`/v2`), the OpenAI-compatible API (`/v3`) and the legacy TensorFlow-Serving
 * API (`/v1`) through the core pipeline (queue, breaker, retry, tracking, multiplexing). This file only wires
 * operations to paths, parsers and decoders.
 */

import { inspect } from 'node:util';
import {
  backendControl,
  type ChatRequest,
  type ChatStreamEvent,
  createBackend,
  decodeSse,
  type EventStream,
  isPlainObject,
  type RequestOptions,
  type RerankResult,
  resolveEndpoints,
  type SseEvent,
} from '@ipfs-accelerate/core';
import { createOpenAICompatibleOperations, isOpenAIChatContent } from '@ipfs-accelerate/openai-compatible';
import type { OvmsClient, OvmsModelRef, OvmsOptions } from './ovms-api.js';
import { buildOvmsChatBody, createOvmsChatStreamMapper, withDefaultModel } from './ovms-chat.js';
import {
  buildCompletionBody,
  type OvmsCompletionResult,
  parseCompletionResponse,
} from './ovms-completions.js';
import { ovmsProtocol } from './ovms-error.js';
import {
  buildInferBody,
  type OvmsInferResult,
  parseInferResponse,
  parseModelMetadata,
  parseServerMetadata,
} from './ovms-kserve.js';
import { probe } from './ovms-probe.js';
import { buildRerankBody, parseRerankResponse } from './ovms-rerank.js';
import { normalizeOvmsBaseURL, resolveOvmsBaseURL, resolveOvmsSettings } from './ovms-settings.js';
import {
  buildPredictBody,
  parseModelStatus,
  parsePredictResponse,
  parseTfsModelMetadata,
  type TfsModelRef,
  type TfsPredictResult,
  tfsModelPath,
} from './ovms-tfs.js';
import { check, modelPath, normalizeVersion } from './ovms-validate.js';

function checkOptions(options: unknown): asserts options is OvmsOptions {
  if (!isPlainObject(options)) check.fail('createOvms options must be an object');
  if (options.headers === undefined) return;
  if (!isPlainObject(options.headers)) check.fail('headers must be an object');
  for (const [name, value] of Object.entries(options.headers)) {
    if (typeof value !== 'string') check.fail(`header ${name} must be a string`);
  }
}

/**
 * Creates an OVMS client. The server root comes from `baseURL`, else `OVMS_API_URL`, else the seed's
 * `http://localhost:9000` (a trailing `/v1`, `/v2` or `/v3` is removed); the key (`--api_key_file`, checked
 * by OVMS on `/v3`) from `apiKey`, else `OVMS_API_KEY`, sent as `Authorization: Bearer`.
 */
export function createOvms(options: OvmsOptions = {}): OvmsClient {
  checkOptions(options);
  const {
    model,
    version,
    precision,
    headers,
    streamUsage,
    baseURL: _b,
    apiKey,
    endpoints,
    ...pipeline
  } = options;
  const settings = resolveOvmsSettings({ model, version, precision });
  const baseURL = resolveOvmsBaseURL(options.baseURL);
  const configs = resolveEndpoints(
    {
      baseURL,
      apiKey,
      endpoints: endpoints?.map((e) =>
        e.baseURL === undefined ? e : { ...e, baseURL: normalizeOvmsBaseURL(e.baseURL) },
      ),
    },
    { provider: 'ovms', baseURL, apiKeyEnv: ['OVMS_API_KEY'], requireApiKey: false },
  );
  const backend = createBackend({
    ...pipeline,
    provider: 'ovms',
    endpoints: configs,
    protocol: ovmsProtocol(headers),
  });
  const openai = createOpenAICompatibleOperations(backend, {
    provider: 'ovms',
    paths: { chat: '/v3/chat/completions', embeddings: '/v3/embeddings', models: '/v3/models' },
    defaultModel: settings.model,
    streamUsage,
    topK: true,
  });

  const kserveModel = (ref: OvmsModelRef | undefined, prefix = '/v2'): string => {
    if (ref !== undefined && !isPlainObject(ref)) check.fail('the model reference must be an object');
    const name = ref?.model ?? settings.model;
    check.name(name, 'model');
    const v = ref && 'version' in ref ? normalizeVersion(ref.version) : settings.version;
    return modelPath(prefix, name, v);
  };
  const tfsRef = (ref: TfsModelRef | undefined): TfsModelRef => {
    if (ref !== undefined && !isPlainObject(ref)) check.fail('the model reference must be an object');
    const given: TfsModelRef = ref ?? {};
    const filled: TfsModelRef = { ...given, model: given.model ?? settings.model };
    if (!('version' in given) && given.label === undefined) filled.version = settings.version;
    return filled;
  };
  const get = <T>(operation: string, path: string, read: (body: unknown) => T, opts?: RequestOptions) =>
    backend.call<T>(
      { operation, method: 'GET', path, parse: async (response) => read(await response.body.json()) },
      opts,
    );

  const client: OvmsClient = {
    provider: 'ovms',
    settings,
    ...backendControl(backend),

    serverLive: (opts) => probe(backend, 'server-live', '/v2/health/live', opts),
    serverReady: (opts) => probe(backend, 'server-ready', '/v2/health/ready', opts),
    serverMetadata: (opts) => get('server-metadata', '/v2', parseServerMetadata, opts),
    modelReady: async (ref, opts) => probe(backend, 'model-ready', `${kserveModel(ref)}/ready`, opts, true),
    modelMetadata: async (ref, opts) => get('model-metadata', kserveModel(ref), parseModelMetadata, opts),

    async infer(request, opts) {
      const prepared = withDefaultModel(request, settings.model);
      const json = buildInferBody(prepared);
      const path = `${kserveModel({ model: prepared.model, version: prepared.version ?? settings.version })}/infer`;
      return backend.call<OvmsInferResult>(
        {
          operation: 'infer',
          path,
          json,
          parse: async (response, ctx) => {
            const result: OvmsInferResult = {
              ...parseInferResponse(await response.body.json()),
              requestId: ctx.requestId,
            };
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
        },
        opts,
      );
    },

    chat: (request, opts) => openai.chat(request, opts),

    streamChat(request: ChatRequest, opts?: RequestOptions): EventStream<ChatStreamEvent> {
      const json = buildOvmsChatBody(request, true, settings.model, streamUsage);
      return backend.stream<SseEvent, ChatStreamEvent>(
        {
          operation: 'stream-chat',
          path: '/v3/chat/completions',
          json,
          headers: { accept: 'text/event-stream' },
          decode: (body) => decodeSse(body, { rawJsonLines: true }),
          mapper: (ctx) => createOvmsChatStreamMapper(ctx),
          isContent: isOpenAIChatContent,
          usage: (event) => (event.type === 'finish' ? event.usage : undefined),
        },
        opts,
      );
    },

    async completions(request, opts) {
      const json = buildCompletionBody(withDefaultModel(request, settings.model));
      return backend.call<OvmsCompletionResult>(
        {
          operation: 'completions',
          path: '/v3/completions',
          json,
          parse: async (response, ctx) => {
            const result: OvmsCompletionResult = {
              ...parseCompletionResponse(await response.body.json()),
              requestId: ctx.requestId,
            };
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
          usage: (result) => result.usage,
        },
        opts,
      );
    },

    embed: (request, opts) => openai.embed(request, opts),

    async rerank(request, opts) {
      const prepared = withDefaultModel(request, settings.model);
      const json = buildRerankBody(prepared);
      return backend.call<RerankResult>(
        {
          operation: 'rerank',
          path: '/v3/rerank',
          json,
          parse: async (response, ctx) => {
            const parsed = parseRerankResponse(await response.body.json(), prepared.documents.length);
            const result: RerankResult = { ...parsed, requestId: ctx.requestId };
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
        },
        opts,
      );
    },

    listModels: (opts) => openai.listModels(opts),

    async predict(request, opts) {
      if (!isPlainObject(request)) check.fail('the predict request must be an object');
      const json = buildPredictBody(request);
      const rows = request.instances !== undefined;
      return backend.call<TfsPredictResult>(
        {
          operation: 'predict',
          path: `${tfsModelPath(tfsRef(request))}:predict`,
          json,
          parse: async (response, ctx) => {
            const result: TfsPredictResult = {
              ...parsePredictResponse(await response.body.json(), rows),
              requestId: ctx.requestId,
            };
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
        },
        opts,
      );
    },

    modelStatus: async (ref, opts) => get('model-status', tfsModelPath(tfsRef(ref)), parseModelStatus, opts),
    tfsModelMetadata: async (ref, opts) =>
      get('tfs-model-metadata', `${tfsModelPath(tfsRef(ref))}/metadata`, parseTfsModelMetadata, opts),
  };

  // What a log line or a REPL shows of the client: its endpoints and defaults, never a key.
  const describe = () => ({ provider: 'ovms', settings, endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `OvmsClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
