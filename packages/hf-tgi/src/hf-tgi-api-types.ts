/**
 * The wire shapes of Text Generation Inference (`router/src/lib.rs`, `docs/openapi.json`), as the server sends
 * them. Responses are read defensively (as `unknown`) and narrowed field by field.
 */

/** A JSON object of a response or a stream event. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** TGI's own finish reasons (`FinishReason` in the spec). */
export type HfTgiFinishReason = 'length' | 'eos_token' | 'stop_sequence';

/** One generated token (`Token`): `special` marks tokens such as `</s>` that are not text. */
export interface HfTgiToken {
  id: number;
  text: string;
  /** Log probability; `null` when the server did not compute it. */
  logprob: number | null;
  special: boolean;
}

/** One prompt token of `decoderInputDetails` (`PrefillToken`). */
export interface HfTgiPrefillToken {
  id: number;
  text: string;
  logprob: number | null;
}

/** One token of `tokenize` (`SimpleToken`): its id, text and character offsets in the input. */
export interface HfTgiTokenSpan {
  id: number;
  text: string;
  start: number;
  stop: number;
}

/** One of the `bestOf` candidates (`BestOfSequence`). */
export interface HfTgiBestOfSequence {
  generatedText: string;
  finishReason: HfTgiFinishReason;
  generatedTokens: number;
  seed?: number;
  prefill: HfTgiPrefillToken[];
  tokens: HfTgiToken[];
}

/** The `details` of a `/generate` answer (asked for by default). */
export interface HfTgiDetails {
  finishReason: HfTgiFinishReason;
  generatedTokens: number;
  /** The sampling seed used, when sampling. */
  seed?: number;
  /** Prompt tokens, filled when `decoderInputDetails` is on. */
  prefill: HfTgiPrefillToken[];
  tokens: HfTgiToken[];
  /** The `topNTokens` alternatives of each generated token. */
  topTokens?: HfTgiToken[][];
  bestOfSequences?: HfTgiBestOfSequence[];
}

/** Server-side timings TGI reports in `x-*-time` headers of `/generate`, in milliseconds. */
export interface HfTgiTimings {
  totalMs?: number;
  validationMs?: number;
  queueMs?: number;
  inferenceMs?: number;
  timePerTokenMs?: number;
}

/** `GET /info`: the served model and the router's limits. */
export interface HfTgiInfo {
  modelId: string;
  modelSha?: string;
  modelPipelineTag?: string;
  maxConcurrentRequests: number;
  maxBestOf: number;
  maxStopSequences: number;
  maxInputTokens: number;
  maxTotalTokens: number;
  validationWorkers: number;
  maxClientBatchSize: number;
  /** `text-generation-router`. */
  router: string;
  version: string;
  sha?: string;
  dockerLabel?: string;
}
