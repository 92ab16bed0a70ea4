/**
 * `POST /api/generate`: a completion of one prompt (no chat template when `raw`), one-shot or streamed.
 */
import type { AttemptContext, FinishReason, FrameMapper } from '@ipfs-accelerate/core';
import type { OllamaModelOptions, OllamaWireGenerateResponse } from './ollama-api-types.js';
import { ollamaStreamError } from './ollama-error.js';
import { asObject, isOllamaDone, stringOf } from './ollama-json.js';
import {
  type OllamaDurations,
  ollamaDurations,
  ollamaFinishReason,
  ollamaUsage,
  type TokenUsage,
} from './ollama-metrics.js';
import { check, optionalKeepAlive, validateModelOptions } from './ollama-validate.js';

/** Ollama's `think`: on/off, or an effort level on the models that have one. */
export type OllamaThink = boolean | 'high' | 'medium' | 'low' | 'max';

/** A request to {@link OllamaClient.generate} and {@link OllamaClient.streamGenerate}. */
export interface OllamaGenerateRequest {
  model: string;
  /** The prompt; an empty prompt only loads the model (`doneReason: 'load'`). */
  prompt: string;
  /** Replaces the model's system prompt. */
  system?: string;
  /** Text after the insertion point, for fill-in-the-middle models. */
  suffix?: string;
  /** Replaces the model's prompt template. */
  template?: string;
  /** Images for multimodal models: base64 strings or raw bytes (sent as base64). */
  images?: Array<string | Uint8Array>;
  /** `'json'`, or a JSON Schema the output must match. */
  format?: 'json' | Record<string, unknown>;
  /** Runtime options (`temperature`, `num_ctx`, `num_predict`, …), in Ollama's own names. */
  options?: OllamaModelOptions;
  /** Send the prompt as is, without the template. */
  raw?: boolean;
  /** How long the model stays loaded afterwards: `'5m'`, seconds, `0` to unload at once. */
  keepAlive?: string | number;
  /** Separate thinking output, on models that think. */
  think?: OllamaThink;
  /** The `context` of an earlier answer, to continue it (deprecated by Ollama, still served). */
  context?: number[];
  /** Extra body fields (`logprobs`, …); the typed fields above win. */
  providerOptions?: Record<string, unknown>;
}

/** The result of {@link OllamaClient.generate}. */
export interface OllamaGenerateResult {
  text: string;
  /** The thinking output, when `think` was on. */
  thinking?: string;
  done: boolean;
  /** Ollama's `done_reason`: `stop`, `length`, `load`, `unload`. */
  doneReason?: string;
  /** `doneReason` in the common vocabulary. */
  finishReason: FinishReason;
  /** The conversation encoding, for `context` of a follow-up request. */
  context?: number[];
  model?: string;
  usage: TokenUsage;
  durations: OllamaDurations;
  requestId: string;
  providerRequestId?: string;
}

/**
 * Events of {@link OllamaClient.streamGenerate}: `text-delta` (and `reasoning-delta` when thinking), then
 * exactly one `finish` carrying what the final object reported.
 */
export type OllamaGenerateStreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  | {
      type: 'finish';
      finishReason: FinishReason;
      doneReason?: string;
      context?: number[];
      usage: TokenUsage;
      durations: OllamaDurations;
    };

const THINK_LEVELS: ReadonlySet<unknown> = new Set([true, false, 'high', 'medium', 'low', 'max']);

/** Checks a generate request and builds the body. */
export function buildOllamaGenerateBody(
  request: OllamaGenerateRequest,
  stream: boolean,
): Record<string, unknown> {
  check.object(request, 'generate request');
  check.model(request.model);
  check.string(request.prompt, 'prompt');
  check.optionalString(request.system, 'system');
  check.optionalString(request.suffix, 'suffix');
  check.optionalString(request.template, 'template');
  check.optionalBoolean(request.raw, 'raw');
  optionalKeepAlive(request.keepAlive, 'keepAlive');
  check.optionalObject(request.providerOptions, 'providerOptions');
  validateModelOptions(request.options);
  if (request.think !== undefined && !THINK_LEVELS.has(request.think)) {
    throw check.invalid("think must be a boolean or 'high', 'medium', 'low', 'max'");
  }
  if (request.format !== undefined && request.format !== 'json') {
    check.optionalObject(request.format, "format (must be 'json' or a JSON Schema object)");
  }
  if (request.context !== undefined) {
    if (!Array.isArray(request.context) || request.context.some((n) => !Number.isInteger(n))) {
      throw check.invalid('context must be an array of integers');
    }
  }
  const body: Record<string, unknown> = {
    ...request.providerOptions,
    model: request.model,
    prompt: request.prompt,
    stream,
  };
  if (request.system !== undefined) body.system = request.system;
  if (request.suffix !== undefined) body.suffix = request.suffix;
  if (request.template !== undefined) body.template = request.template;
  if (request.images !== undefined) body.images = encodeImages(request.images);
  if (request.format !== undefined) body.format = request.format;
  if (request.options !== undefined) body.options = request.options;
  if (request.raw !== undefined) body.raw = request.raw;
  if (request.keepAlive !== undefined) body.keep_alive = request.keepAlive;
  if (request.think !== undefined) body.think = request.think;
  if (request.context !== undefined) body.context = request.context;
  return body;
}

function encodeImages(images: unknown): string[] {
  if (!Array.isArray(images)) throw check.invalid('images must be an array');
  return images.map((image: unknown, i) => {
    if (typeof image === 'string' && image !== '') return image;
    if (image instanceof Uint8Array && image.length > 0) return Buffer.from(image).toString('base64');
    throw check.invalid(`images[${i}] must be a non-empty base64 string or Uint8Array`);
  });
}

function contextOf(data: OllamaWireGenerateResponse): number[] | undefined {
  const { context } = data;
  return Array.isArray(context) && context.every((n) => typeof n === 'number') ? context : undefined;
}

/** Parses the answer of `/api/generate` with `stream: false`. */
export function parseOllamaGenerateResponse(json: unknown, context: AttemptContext): OllamaGenerateResult {
  const data = asObject<OllamaWireGenerateResponse>(json, 'the generate response');
  if (data.error !== undefined) throw ollamaStreamError(data.error);
  const result: OllamaGenerateResult = {
    text: typeof data.response === 'string' ? data.response : '',
    done: data.done === true,
    finishReason: ollamaFinishReason(data.done_reason, false),
    usage: ollamaUsage(data),
    durations: ollamaDurations(data),
    model: stringOf(data.model),
    requestId: context.requestId,
  };
  if (typeof data.thinking === 'string' && data.thinking !== '') result.thinking = data.thinking;
  if (typeof data.done_reason === 'string') result.doneReason = data.done_reason;
  const ctx = contextOf(data);
  if (ctx !== undefined) result.context = ctx;
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  return result;
}

/** A fresh mapper for one attempt of a generate stream. */
export function createOllamaGenerateStreamMapper(): FrameMapper<unknown, OllamaGenerateStreamEvent> {
  return {
    map(frame) {
      const chunk = asObject<OllamaWireGenerateResponse>(frame, 'a generate stream line');
      if (chunk.error !== undefined) throw ollamaStreamError(chunk.error);
      const events: OllamaGenerateStreamEvent[] = [];
      if (typeof chunk.thinking === 'string' && chunk.thinking !== '') {
        events.push({ type: 'reasoning-delta', text: chunk.thinking });
      }
      if (typeof chunk.response === 'string' && chunk.response !== '') {
        events.push({ type: 'text-delta', text: chunk.response });
      }
      if (chunk.done === true) {
        const finish: OllamaGenerateStreamEvent = {
          type: 'finish',
          finishReason: ollamaFinishReason(chunk.done_reason, false),
          usage: ollamaUsage(chunk),
          durations: ollamaDurations(chunk),
        };
        if (typeof chunk.done_reason === 'string') finish.doneReason = chunk.done_reason;
        const ctx = contextOf(chunk);
        if (ctx !== undefined) finish.context = ctx;
        events.push(finish);
      }
      return events.length === 0 ? undefined : events;
    },
    isTerminal: isOllamaDone,
  };
}
