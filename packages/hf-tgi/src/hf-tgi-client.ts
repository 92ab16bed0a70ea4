/**
 * The TGI client: a self-hosted Text Generation Inference server (native `/generate`, `/generate_stream`,
 * `/info`, `/health`, `/tokenize`, and the OpenAI-compatible `/v1`), or the hosted Hugging Face inference API
 * (model in the path), all through the core pipeline. This file only wires operations to paths and parsers.
 */
import { inspect } from 'node:util';
import {
  AccelerateError,
  type BackendControl,
  backendControl,
  type ChatCapability,
  type ChatRequest,
  type ChatResult,
  type ChatStreamEvent,
  type ClientOptions,
  createBackend,
  decodeSse,
  type EventStream,
  type ModelCatalogCapability,
  type ModelInfo,
  type RequestOptions,
  resolveEndpoints,
} from '@ipfs-accelerate/core';
import {
  createOpenAICompatibleOperations,
  type OpenAICompatibleOperations,
} from '@ipfs-accelerate/openai-compatible';
import type { HfTgiInfo, HfTgiTokenSpan, JsonObject } from './hf-tgi-api-types.js';
import {
  HF_API_KEY_ENV,
  HF_INFERENCE_DEFAULT_MODEL,
  HF_TGI_DEFAULT_CHAT_MODEL,
  type HfTgiMode,
  hostedModelPath,
  resolveHfTgiBaseURL,
} from './hf-tgi-base-url.js';
import { hfTgiProtocol } from './hf-tgi-error.js';
import {
  buildHfTgiGenerateBody,
  type HfTgiGenerateRequest,
  type HfTgiGenerateResult,
  parseHfTgiGenerateResponse,
} from './hf-tgi-generate.js';
import {
  createHfTgiGenerateStreamMapper,
  type HfTgiGenerateStreamEvent,
  isHfTgiGenerateContent,
} from './hf-tgi-generate-stream.js';
import { readInfo, readTokenSpans } from './hf-tgi-json.js';
import { check, PROVIDER } from './hf-tgi-validate.js';

/** Options of {@link createHfTgi}: the common client options plus TGI's. */
export interface HfTgiOptions extends ClientOptions {
  /**
   * `'self-hosted'` (a TGI server; base URL from `baseURL`, `HF_TGI_BASE_URL`, `TGI_BASE_URL`, else
   * `http://127.0.0.1:8080`) or `'hosted'` (the Hugging Face inference API, `/models/<model>` under
   * `baseURL`, default `https://router.huggingface.co/hf-inference`; a key is required). @default 'self-hosted'
   */
  mode?: HfTgiMode;
  /**
   * Hosted: the default model of every request (default `mistralai/Mistral-7B-Instruct-v0.2`, the seed's).
   * Self-hosted: the `model` of `/v1` chat bodies when a request leaves it empty (default `tgi`).
   */
  model?: string;
  /** Headers sent with every request (not for keys: use `apiKey`). */
  headers?: Record<string, string>;
  /** Hosted: `options.wait_for_model` (wait for a cold model instead of a 503 with `estimated_time`). */
  waitForModel?: boolean;
  /** Hosted: `options.use_cache` (false forces a fresh generation). */
  useCache?: boolean;
}

/** A request to {@link HfTgiClient.tokenize}. */
export interface HfTgiTokenizeRequest {
  inputs: string;
}

/** A TGI client: native generation, chat through `/v1`, server info, health and tokenization. */
export interface HfTgiClient extends ChatCapability, ModelCatalogCapability, BackendControl {
  readonly provider: 'hf-tgi';
  readonly mode: HfTgiMode;
  /** `POST /generate` (hosted: `POST /models/<model>`). Operation `generate`. */
  generate(request: HfTgiGenerateRequest, options?: RequestOptions): Promise<HfTgiGenerateResult>;
  /** `POST /generate_stream` (hosted: `/models/<model>` with `stream: true`). Operation `stream-generate`. */
  streamGenerate(
    request: HfTgiGenerateRequest,
    options?: RequestOptions,
  ): EventStream<HfTgiGenerateStreamEvent>;
  /** `POST /v1/chat/completions` (hosted: under `/models/<model>`). Operation `chat`. */
  chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResult>;
  /** The same, streamed: deltas, then one `finish` with usage. Operation `stream-chat`. */
  streamChat(request: ChatRequest, options?: RequestOptions): EventStream<ChatStreamEvent>;
  /** `GET /v1/models`: the served model. Self-hosted only. Operation `list-models`. */
  listModels(options?: RequestOptions): Promise<ModelInfo[]>;
  /** `GET /info`: the served model and the router's limits. Self-hosted only. Operation `info`. */
  info(options?: RequestOptions): Promise<HfTgiInfo>;
  /**
   * `GET /health`: true on 200, false on 503 (TGI's `unhealthy`); other failures (connection refused, 401, an
   * open breaker) throw their typed error. Never retried: it reports the present state. Self-hosted only.
   */
  health(options?: RequestOptions): Promise<boolean>;
  /** `POST /tokenize`: the tokens of `inputs` with their offsets. Self-hosted only. Operation `tokenize`. */
  tokenize(request: HfTgiTokenizeRequest, options?: RequestOptions): Promise<HfTgiTokenSpan[]>;
}

const HOSTED_CHAT_CACHE_LIMIT = 64;

function validateOptions(options: HfTgiOptions): HfTgiMode {
  check.object(options, 'createHfTgi options');
  const mode = options.mode ?? 'self-hosted';
  if (mode !== 'self-hosted' && mode !== 'hosted') check.fail("mode must be 'self-hosted' or 'hosted'");
  check.optionalNonEmptyString(options.model, 'model');
  check.optionalHeaders(options.headers);
  check.optionalBoolean(options.waitForModel, 'waitForModel');
  check.optionalBoolean(options.useCache, 'useCache');
  if (mode === 'self-hosted' && (options.waitForModel !== undefined || options.useCache !== undefined)) {
    check.fail('waitForModel and useCache apply to the hosted mode only');
  }
  return mode;
}

/**
 * Creates a TGI client. Keys (`--api-key` of a server, a Hugging Face token) come from `apiKey`, else
 * `HF_API_KEY`, `HF_API_TOKEN`, `HF_TOKEN`, and go as `Authorization: Bearer`; the hosted mode requires one
 * (AuthenticationError at once otherwise), a self-hosted server usually needs none.
 */
export function createHfTgi(options: HfTgiOptions = {}): HfTgiClient {
  const mode = validateOptions(options);
  const {
    mode: _mode,
    model: _model,
    headers,
    waitForModel,
    useCache,
    baseURL: _baseURL,
    apiKey,
    endpoints,
    ...pipeline
  } = options;
  const hosted = mode === 'hosted';
  const baseURL = resolveHfTgiBaseURL(mode, options.baseURL);
  const configs = resolveEndpoints(
    { baseURL, apiKey, endpoints },
    { provider: PROVIDER, baseURL, apiKeyEnv: [...HF_API_KEY_ENV], requireApiKey: hosted },
  );
  const backend = createBackend({
    ...pipeline,
    provider: PROVIDER,
    endpoints: configs,
    protocol: hfTgiProtocol(headers),
  });
  const defaultModel = options.model ?? (hosted ? HF_INFERENCE_DEFAULT_MODEL : HF_TGI_DEFAULT_CHAT_MODEL);
  const hostedOptions: JsonObject | undefined =
    hosted && (waitForModel !== undefined || useCache !== undefined)
      ? {
          ...(waitForModel !== undefined ? { wait_for_model: waitForModel } : {}),
          ...(useCache !== undefined ? { use_cache: useCache } : {}),
        }
      : undefined;

  const selfHostedChat = createOpenAICompatibleOperations(backend, {
    provider: PROVIDER,
    paths: { chat: '/v1/chat/completions', models: '/v1/models' },
    defaultModel,
  });
  // Hosted chat puts the model in the path, so each model gets its own (cheap) set of operations.
  const hostedChat = new Map<string, OpenAICompatibleOperations>();
  const chatOps = (request: ChatRequest): OpenAICompatibleOperations => {
    if (!hosted) return selfHostedChat;
    const model = typeof request?.model === 'string' && request.model !== '' ? request.model : defaultModel;
    let ops = hostedChat.get(model);
    if (ops === undefined) {
      if (hostedChat.size >= HOSTED_CHAT_CACHE_LIMIT) hostedChat.clear();
      ops = createOpenAICompatibleOperations(backend, {
        provider: PROVIDER,
        paths: { chat: `${hostedModelPath(model)}/v1/chat/completions` },
        defaultModel: model,
      });
      hostedChat.set(model, ops);
    }
    return ops;
  };
  const generatePath = (request: HfTgiGenerateRequest, stream: boolean): string =>
    hosted ? hostedModelPath(request.model ?? defaultModel) : stream ? '/generate_stream' : '/generate';
  const selfHostedOnly = (operation: string): void => {
    if (hosted) check.fail(`${operation} is served by a self-hosted TGI server only, not in hosted mode`);
  };

  const client: HfTgiClient = {
    provider: PROVIDER,
    mode,
    ...backendControl(backend),

    async generate(request, opts) {
      const json = buildHfTgiGenerateBody(request, {
        stream: false,
        compat: hosted,
        extraOptions: hostedOptions,
      });
      return backend.call(
        {
          operation: 'generate',
          path: generatePath(request, false),
          json,
          parse: async (response, ctx) =>
            parseHfTgiGenerateResponse(await response.body.json(), response, ctx),
          usage: (result) => result.usage,
        },
        opts,
      );
    },

    streamGenerate(request, opts) {
      const json = buildHfTgiGenerateBody(request, {
        stream: true,
        compat: hosted,
        extraOptions: hostedOptions,
      });
      return backend.stream(
        {
          operation: 'stream-generate',
          path: generatePath(request, true),
          json,
          headers: { accept: 'text/event-stream' },
          decode: (body) => decodeSse(body),
          mapper: () => createHfTgiGenerateStreamMapper(),
          isContent: isHfTgiGenerateContent,
          usage: (event) => (event.type === 'finish' ? event.usage : undefined),
        },
        opts,
      );
    },

    chat: (request, opts) => chatOps(request).chat(request, opts),
    streamChat: (request, opts) => chatOps(request).streamChat(request, opts),

    async listModels(opts) {
      selfHostedOnly('listModels');
      return selfHostedChat.listModels(opts);
    },

    async info(opts) {
      selfHostedOnly('info');
      return backend.call(
        {
          operation: 'info',
          method: 'GET',
          path: '/info',
          parse: async (response) => readInfo(await response.body.json()),
        },
        opts,
      );
    },

    async health(opts) {
      selfHostedOnly('health');
      try {
        return await backend.call(
          {
            operation: 'health',
            method: 'GET',
            path: '/health',
            retry: false,
            parse: (response) => {
              response.body.cancel();
              return true;
            },
          },
          opts,
        );
      } catch (error) {
        if (AccelerateError.isInstance(error) && error.code === 'overloaded' && error.status === 503)
          return false;
        throw error;
      }
    },

    async tokenize(request, opts) {
      selfHostedOnly('tokenize');
      check.object(request, 'tokenize request');
      check.nonEmptyString(request.inputs, 'inputs');
      return backend.call(
        {
          operation: 'tokenize',
          path: '/tokenize',
          json: { inputs: request.inputs },
          parse: async (response) => readTokenSpans(await response.body.json()),
        },
        opts,
      );
    },
  };

  // What a log line or a REPL shows of the client: its mode and endpoints, never a key.
  const describe = () => ({ provider: PROVIDER, mode, endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `HfTgiClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
