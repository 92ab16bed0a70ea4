/**
 * `POST /generate` (and the compat route the hosted API serves at `/models/<model>`): the request's
 * parameters in TGI's names, and the answer with its `details`, usage and server timings.
 */
import type { AttemptContext, FinishReason, HttpResponse, TokenUsage } from '@ipfs-accelerate/core';
import type { HfTgiDetails, HfTgiTimings, JsonObject } from './hf-tgi-api-types.js';
import { isJsonObject } from './hf-tgi-api-types.js';
import { hfTgiStreamError } from './hf-tgi-error.js';
import { formatError, readDetails } from './hf-tgi-json.js';
import { check } from './hf-tgi-validate.js';

/** A grammar the output must follow (`GrammarType`): a JSON Schema, or a regular expression. */
export type HfTgiGrammar =
  | { type: 'json'; value: unknown }
  | { type: 'regex'; value: string }
  | { type: 'json_schema'; value: { name?: string; schema: unknown } };

/** A request to {@link HfTgiClient.generate} and {@link HfTgiClient.streamGenerate}. */
export interface HfTgiGenerateRequest {
  /** The prompt, sent as is (no chat template). */
  inputs: string;
  /**
   * Hosted mode: the model, put in the path (default: the client's `model`). A self-hosted server serves one
   * model and ignores it (pick a LoRA adapter with `adapterId`).
   */
  model?: string;
  /** `max_new_tokens` (TGI's default 1024 on recent servers). */
  maxNewTokens?: number;
  /** Strictly positive; for greedy decoding leave it out and set `doSample: false`. */
  temperature?: number;
  topP?: number;
  topK?: number;
  typicalP?: number;
  repetitionPenalty?: number;
  frequencyPenalty?: number;
  doSample?: boolean;
  seed?: number;
  /** Stop sequences (the server allows `maxStopSequences`, 4 by default). */
  stop?: string[];
  /** Prepend the prompt to the output. */
  returnFullText?: boolean;
  /** Keep only the last N input tokens. */
  truncate?: number;
  watermark?: boolean;
  /** Ask for `details` (finish reason, token counts, tokens). @default true */
  details?: boolean;
  /** Also return the prompt tokens with their logprobs (`prefill`). Not with streams. */
  decoderInputDetails?: boolean;
  /** Return the N most likely alternatives of each token. */
  topNTokens?: number;
  /** Generate N sequences and return the most likely. Not with streams. */
  bestOf?: number;
  grammar?: HfTgiGrammar;
  /** A LoRA adapter loaded by the server. */
  adapterId?: string;
  /** Extra `parameters` fields in TGI's own names; the typed fields above win. */
  providerOptions?: Record<string, unknown>;
}

/** The result of {@link HfTgiClient.generate}. */
export interface HfTgiGenerateResult {
  /** `generated_text` (with the prompt in front when `returnFullText`). */
  text: string;
  /** The finish reason in the common vocabulary (`other` when the server sent no details). */
  finishReason: FinishReason;
  /** TGI's own finish reason, when details were returned. */
  tgiFinishReason?: HfTgiDetails['finishReason'];
  details?: HfTgiDetails;
  /** From `x-prompt-tokens`/`x-generated-tokens`, else the details. */
  usage?: TokenUsage;
  /** From TGI's `x-*-time` headers, when sent. */
  timings?: HfTgiTimings;
  requestId: string;
  providerRequestId?: string;
}

const GRAMMAR_TYPES: ReadonlySet<unknown> = new Set(['json', 'regex', 'json_schema']);

/** Checks a generate request (before anything is queued) and builds the wire body. */
export function buildHfTgiGenerateBody(
  request: HfTgiGenerateRequest,
  options: { stream: boolean; compat: boolean; extraOptions?: JsonObject },
): JsonObject {
  check.object(request, 'generate request');
  check.nonEmptyString(request.inputs, 'inputs');
  check.optionalNonEmptyString(request.model, 'model');
  validateParameters(request, options.stream);
  const parameters: JsonObject = { ...request.providerOptions };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) parameters[key] = value;
  };
  set('max_new_tokens', request.maxNewTokens);
  set('temperature', request.temperature);
  set('top_p', request.topP);
  set('top_k', request.topK);
  set('typical_p', request.typicalP);
  set('repetition_penalty', request.repetitionPenalty);
  set('frequency_penalty', request.frequencyPenalty);
  set('do_sample', request.doSample);
  set('seed', request.seed);
  set('stop', request.stop);
  // The compat route (the hosted API) prepends the prompt by default for text-generation models; ask for the
  // generated text alone, like `/generate`, unless the caller says otherwise.
  set('return_full_text', request.returnFullText ?? (options.compat ? false : undefined));
  set('truncate', request.truncate);
  set('watermark', request.watermark);
  parameters.details = request.details ?? true;
  set('decoder_input_details', request.decoderInputDetails);
  set('top_n_tokens', request.topNTokens);
  set('best_of', request.bestOf);
  set('grammar', request.grammar);
  set('adapter_id', request.adapterId);
  const body: JsonObject = { inputs: request.inputs, parameters };
  // The compat route (`POST /`, the hosted API) picks JSON or SSE by this flag; the native routes by path.
  if (options.compat && options.stream) body.stream = true;
  if (options.extraOptions) body.options = options.extraOptions;
  return body;
}

function validateParameters(request: HfTgiGenerateRequest, stream: boolean): void {
  check.optionalNumber(request.maxNewTokens, 'maxNewTokens', { min: 1, integer: true });
  check.optionalNumber(request.temperature, 'temperature', {
    above: 0,
    hint: 'TGI refuses 0: leave temperature out and set doSample: false for greedy decoding',
  });
  check.optionalNumber(request.topP, 'topP', { above: 0, max: 1 });
  check.optionalNumber(request.topK, 'topK', { min: 1, integer: true });
  check.optionalNumber(request.typicalP, 'typicalP', { above: 0, below: 1 });
  check.optionalNumber(request.repetitionPenalty, 'repetitionPenalty', { above: 0 });
  check.optionalNumber(request.frequencyPenalty, 'frequencyPenalty', { above: -2 });
  check.optionalBoolean(request.doSample, 'doSample');
  check.optionalNumber(request.seed, 'seed', { min: 0, integer: true });
  check.optionalStrings(request.stop, 'stop', { nonEmpty: true });
  check.optionalBoolean(request.returnFullText, 'returnFullText');
  check.optionalNumber(request.truncate, 'truncate', { min: 1, integer: true });
  check.optionalBoolean(request.watermark, 'watermark');
  check.optionalBoolean(request.details, 'details');
  check.optionalBoolean(request.decoderInputDetails, 'decoderInputDetails');
  check.optionalNumber(request.topNTokens, 'topNTokens', { min: 0, integer: true });
  check.optionalNumber(request.bestOf, 'bestOf', { min: 1, integer: true });
  check.optionalNonEmptyString(request.adapterId, 'adapterId');
  if (request.providerOptions !== undefined) check.object(request.providerOptions, 'providerOptions');
  if (request.grammar !== undefined) {
    if (
      !isJsonObject(request.grammar) ||
      !GRAMMAR_TYPES.has(request.grammar.type) ||
      !('value' in request.grammar)
    ) {
      check.fail("grammar must be { type: 'json' | 'regex' | 'json_schema', value }");
    }
  }
  if (stream && request.bestOf !== undefined && request.bestOf > 1) {
    check.fail('bestOf > 1 is not supported when streaming (TGI refuses it)');
  }
  if (stream && request.decoderInputDetails === true) {
    check.fail('decoderInputDetails is not supported when streaming (TGI refuses it)');
  }
}

/** TGI's finish reason in the common vocabulary. */
export function mapHfTgiFinishReason(reason: string | undefined): FinishReason {
  if (reason === 'eos_token' || reason === 'stop_sequence') return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
}

function header(response: HttpResponse, name: string): number | undefined {
  const raw = response.headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function timingsOf(response: HttpResponse): HfTgiTimings | undefined {
  const timings: HfTgiTimings = {};
  const put = (key: keyof HfTgiTimings, name: string) => {
    const value = header(response, name);
    if (value !== undefined) timings[key] = value;
  };
  put('totalMs', 'x-total-time');
  put('validationMs', 'x-validation-time');
  put('queueMs', 'x-queue-time');
  put('inferenceMs', 'x-inference-time');
  put('timePerTokenMs', 'x-time-per-token');
  return Object.keys(timings).length > 0 ? timings : undefined;
}

function usageOf(response: HttpResponse, details: HfTgiDetails | undefined): TokenUsage | undefined {
  const input = header(response, 'x-prompt-tokens') ?? (details?.prefill.length || undefined);
  const output = header(response, 'x-generated-tokens') ?? details?.generatedTokens;
  if (input === undefined && output === undefined) return undefined;
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

/**
 * Parses a `/generate` answer, or the compat route's `[{…}]` (the hosted API wraps it in a list). A 200 body
 * that is an error (`{"error": …}`) throws that error rather than returning it.
 */
export function parseHfTgiGenerateResponse(
  json: unknown,
  response: HttpResponse,
  context: AttemptContext,
): HfTgiGenerateResult {
  const data = Array.isArray(json) ? json[0] : json;
  if (!isJsonObject(data)) throw formatError('the generate response is not an object');
  if (data.error !== undefined) throw hfTgiStreamError(data);
  if (typeof data.generated_text !== 'string')
    throw formatError('the generate response has no generated_text');
  const details = data.details === undefined || data.details === null ? undefined : readDetails(data.details);
  const result: HfTgiGenerateResult = {
    text: data.generated_text,
    finishReason: mapHfTgiFinishReason(details?.finishReason),
    requestId: context.requestId,
  };
  if (details) {
    result.details = details;
    result.tgiFinishReason = details.finishReason;
  }
  const usage = usageOf(response, details);
  if (usage) result.usage = usage;
  const timings = timingsOf(response);
  if (timings) result.timings = timings;
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  return result;
}
