/**
 * The Text Generation Inference emulator: TGI's native routes (`/generate`, `/generate_stream`, the compat
 * `POST /`, `/info`, `/health`, `/tokenize`), its OpenAI-compatible `/v1` (the OpenAI emulator's chat
 * handler, wrapped: any `model` is served as the one model, errors in TGI's shape, chunks with TGI's
 * fingerprint), and the hosted Hugging Face inference API's `POST /models/<model>` (the compat route).
 * No auth unless `apiKeys` (TGI's `--api-key`) are given.
 */
import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
  RouteHandler,
} from '../emulator/types.js';
import { openAIProtocol } from './openai-compatible.js';
import type { OpenAIChatChunk, OpenAIChatCompletion } from './openai-compatible-shapes.js';
import { isObject } from './openai-compatible-validate.js';
import { tgiAuthorize, tgiErrorFrame, tgiErrorReply, tgiFaultReply, validationError } from './tgi-errors.js';
import { compatReply, generateReply, generateStreamReply, tokenizeText } from './tgi-generate.js';
import { readGenerateBody, type TgiLimits } from './tgi-validate.js';

/** Options of {@link startTgiEmulator}. */
export interface TgiEmulatorOptions extends EmulatorOptions {
  /** Accepted bearer keys (`--api-key`); default none: no auth, like a default TGI. */
  readonly apiKeys?: readonly string[];
  /** The served model. @default 'bigscience/bloom-560m' */
  readonly modelId?: string;
  /** Router limits reported by `/info` and enforced by validation. */
  readonly limits?: Partial<TgiLimits> & {
    readonly maxClientBatchSize?: number;
    readonly maxConcurrentRequests?: number;
  };
}

/** A running TGI emulator. */
export interface TgiEmulator extends Emulator {
  readonly modelId: string;
  /** What `/health` answers: 200, or 503 `{"error":"unhealthy","error_type":"healthcheck"}`. */
  setHealthy(healthy: boolean): void;
}

/** The version the emulator reports (`/info`, `system_fingerprint`). */
export const TGI_EMULATOR_VERSION = '3.3.6';
/** The model a TGI emulator serves by default. */
export const TGI_EMULATOR_MODEL = 'bigscience/bloom-560m';

/** Starts a TGI emulator on 127.0.0.1; its `baseURL` is the origin (TGI has no path prefix). */
export async function startTgiEmulator(options: TgiEmulatorOptions = {}): Promise<TgiEmulator> {
  const state = { healthy: true };
  const modelId = options.modelId ?? TGI_EMULATOR_MODEL;
  const emulator = await startEmulator(tgiProtocol(options, state), options);
  return Object.assign(emulator, {
    modelId,
    setHealthy: (healthy: boolean) => {
      state.healthy = healthy;
    },
  });
}

/** The {@link EmulatorDefinition} of TGI (and the hosted inference API's per-model routes). */
export function tgiProtocol(options: TgiEmulatorOptions, state: { healthy: boolean }): EmulatorDefinition {
  const modelId = options.modelId ?? TGI_EMULATOR_MODEL;
  const apiKeys = [...(options.apiKeys ?? [])];
  const limits: TgiLimits = {
    maxBestOf: options.limits?.maxBestOf ?? 2,
    maxStopSequences: options.limits?.maxStopSequences ?? 4,
    maxInputTokens: options.limits?.maxInputTokens ?? 1024,
    maxTotalTokens: options.limits?.maxTotalTokens ?? 2048,
  };
  const fingerprint = `${TGI_EMULATOR_VERSION}-native`;
  const info = {
    model_id: modelId,
    model_sha: 'e985a63cdc139290c5f700ff1929f0b5942cced2',
    model_pipeline_tag: 'text-generation',
    max_concurrent_requests: options.limits?.maxConcurrentRequests ?? 128,
    max_best_of: limits.maxBestOf,
    max_stop_sequences: limits.maxStopSequences,
    max_input_tokens: limits.maxInputTokens,
    max_total_tokens: limits.maxTotalTokens,
    validation_workers: 2,
    max_client_batch_size: options.limits?.maxClientBatchSize ?? 4,
    router: 'text-generation-router',
    version: TGI_EMULATOR_VERSION,
    sha: null,
    docker_label: null,
  };
  const base = openAIProtocol(
    {
      apiKeys: [],
      provider: 'tgi',
      decorateCompletion: (completion) => tgiCompletion(completion, modelId, fingerprint),
      decorateChunk: (chunk) => tgiChunk(chunk, modelId, fingerprint),
    },
    'tgi',
    [modelId],
  );
  const openAIChat = base.routes['POST /v1/chat/completions'];
  if (!openAIChat) throw new Error('the OpenAI-compatible emulator lacks its chat route');
  const chat: RouteHandler = async (request, params) =>
    tgiErrors(await openAIChat(servedModel(request, modelId), params));
  const compat: RouteHandler = (request) => compatReply(request, limits);

  return {
    name: 'tgi',
    pathPrefix: '',
    routes: {
      'POST /generate': (request) => generateReply(request, limits),
      'POST /generate_stream': (request) => generateStreamReply(request, limits),
      'POST /': compat,
      'POST /v1/chat/completions': chat,
      'GET /v1/models': () => ({
        kind: 'json',
        status: 200,
        // The spec says `ModelInfo`; the router (`openai_get_model_info`) sends this list.
        body: { object: 'list', data: [{ id: modelId, object: 'model', created: 0, owned_by: modelId }] },
      }),
      'GET /info': () => ({ kind: 'json', status: 200, body: info }),
      'GET /health': () =>
        state.healthy
          ? { kind: 'json', status: 200, body: undefined }
          : tgiErrorReply(503, 'healthcheck', 'unhealthy'),
      'POST /tokenize': (request) => tokenizeReply(request),
      'POST /models/:name': compat,
      'POST /models/:org/:name': compat,
      'POST /models/:org/:name/v1/chat/completions': chat,
    },
    authorize: (request) => tgiAuthorize(request, apiKeys),
    errorReply: ({ status, code, message }) => tgiFaultReply(status, code, message),
    errorFrame: tgiErrorFrame,
    notFound: () => ({ kind: 'json', status: 404, body: undefined }),
    malformedFrame: 'data:{"index":1,"token":{"id":\n\n',
    malformedBody: '{"generated_text":"Echo',
  };
}

function tokenizeReply(request: EmulatorRequest): Reply {
  const body = readGenerateBody(request.json);
  if ('kind' in body) return body;
  if (body.inputs === '') return validationError('`inputs` cannot be empty');
  return { kind: 'json', status: 200, body: tokenizeText(body.inputs) };
}

/** TGI serves its one model whatever `model` says ("tgi" by convention). */
function servedModel(request: EmulatorRequest, modelId: string): EmulatorRequest {
  if (!isObject(request.json)) return request;
  return { ...request, json: { ...request.json, model: modelId } };
}

/** OpenAI-shaped validation errors become TGI's 422 `validation` errors. */
function tgiErrors(reply: Reply): Reply {
  if (reply.kind !== 'json' || reply.status < 400 || !isObject(reply.body) || !isObject(reply.body.error))
    return reply;
  const message = typeof reply.body.error.message === 'string' ? reply.body.error.message : 'invalid request';
  return reply.status >= 500 ? tgiErrorReply(reply.status) : validationError(message);
}

function tgiCompletion(
  completion: OpenAIChatCompletion,
  modelId: string,
  fingerprint: string,
): OpenAIChatCompletion {
  const { service_tier: _tier, ...rest } = completion;
  return { ...rest, model: modelId, system_fingerprint: fingerprint } as OpenAIChatCompletion;
}

/** TGI's text deltas always carry `role` and `content` (`TextMessage`); the model is the served one. */
function tgiChunk(chunk: OpenAIChatChunk, modelId: string, fingerprint: string): OpenAIChatChunk {
  const { service_tier: _tier, ...rest } = chunk;
  const choices = chunk.choices.map((choice) => {
    const delta = isObject(choice.delta) ? choice.delta : {};
    if (delta.tool_calls !== undefined) return choice;
    const { refusal: _refusal, ...text } = delta;
    return {
      ...choice,
      delta: { role: 'assistant', ...text, content: typeof text.content === 'string' ? text.content : '' },
    };
  });
  return { ...rest, model: modelId, system_fingerprint: fingerprint, choices } as OpenAIChatChunk;
}
