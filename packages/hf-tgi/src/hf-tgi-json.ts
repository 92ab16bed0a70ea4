/** Narrowing TGI's JSON answers into typed values; a shape the spec does not allow is a ResponseFormatError. */
import { ResponseFormatError } from '@ipfs-accelerate/core';
import {
  type HfTgiBestOfSequence,
  type HfTgiDetails,
  type HfTgiFinishReason,
  type HfTgiInfo,
  type HfTgiPrefillToken,
  type HfTgiToken,
  type HfTgiTokenSpan,
  isJsonObject,
  type JsonObject,
} from './hf-tgi-api-types.js';
import { PROVIDER } from './hf-tgi-validate.js';

/** A ResponseFormatError naming the provider. */
export function formatError(reason: string): ResponseFormatError {
  return new ResponseFormatError(`${PROVIDER}: ${reason}`, { provider: PROVIDER });
}

function object(value: unknown, what: string): JsonObject {
  if (!isJsonObject(value)) throw formatError(`${what} is not an object`);
  return value;
}

function int(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw formatError(`${what} is not an integer`);
  return value;
}

/** A token count: an integer from 0 up to the largest safe integer (a negative or huge one would poison usage). */
function count(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw formatError(`${what} is not a count`);
  return value as number;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw formatError(`${what} is not a string`);
  return value;
}

function optionalStr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function logprob(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A `Token`. */
export function readToken(value: unknown): HfTgiToken {
  const t = object(value, 'a token');
  return {
    id: int(t.id, 'token.id'),
    text: str(t.text, 'token.text'),
    logprob: logprob(t.logprob),
    special: t.special === true,
  };
}

function readPrefill(value: unknown): HfTgiPrefillToken {
  const t = object(value, 'a prefill token');
  return { id: int(t.id, 'prefill.id'), text: str(t.text, 'prefill.text'), logprob: logprob(t.logprob) };
}

function list<T>(value: unknown, read: (item: unknown) => T): T[] {
  return Array.isArray(value) ? value.map(read) : [];
}

/** A finish reason as sent; an unknown one is kept (servers add reasons over time). */
export function readFinishReason(value: unknown): HfTgiFinishReason {
  return str(value, 'finish_reason') as HfTgiFinishReason;
}

function seedOf(value: unknown): { seed?: number } {
  return typeof value === 'number' && Number.isInteger(value) ? { seed: value } : {};
}

function readBestOf(value: unknown): HfTgiBestOfSequence {
  const s = object(value, 'a best_of sequence');
  return {
    generatedText: str(s.generated_text, 'best_of.generated_text'),
    finishReason: readFinishReason(s.finish_reason),
    generatedTokens: count(s.generated_tokens, 'best_of.generated_tokens'),
    ...seedOf(s.seed),
    prefill: list(s.prefill, readPrefill),
    tokens: list(s.tokens, readToken),
  };
}

/** The `details` of a `/generate` answer. */
export function readDetails(value: unknown): HfTgiDetails {
  const d = object(value, 'details');
  const details: HfTgiDetails = {
    finishReason: readFinishReason(d.finish_reason),
    generatedTokens: count(d.generated_tokens, 'details.generated_tokens'),
    ...seedOf(d.seed),
    prefill: list(d.prefill, readPrefill),
    tokens: list(d.tokens, readToken),
  };
  if (Array.isArray(d.top_tokens)) details.topTokens = d.top_tokens.map((row) => list(row, readToken));
  if (Array.isArray(d.best_of_sequences)) details.bestOfSequences = d.best_of_sequences.map(readBestOf);
  return details;
}

/** The answer of `POST /tokenize`. */
export function readTokenSpans(value: unknown): HfTgiTokenSpan[] {
  if (!Array.isArray(value)) throw formatError('the tokenize response is not a list');
  return value.map((item) => {
    const t = object(item, 'a token');
    return {
      id: int(t.id, 'token.id'),
      text: str(t.text, 'token.text'),
      start: int(t.start, 'token.start'),
      stop: int(t.stop, 'token.stop'),
    };
  });
}

/** The answer of `GET /info`. */
export function readInfo(value: unknown): HfTgiInfo {
  const i = object(value, 'the info response');
  const info: HfTgiInfo = {
    modelId: str(i.model_id, 'model_id'),
    maxConcurrentRequests: int(i.max_concurrent_requests, 'max_concurrent_requests'),
    maxBestOf: int(i.max_best_of, 'max_best_of'),
    maxStopSequences: int(i.max_stop_sequences, 'max_stop_sequences'),
    maxInputTokens: int(i.max_input_tokens, 'max_input_tokens'),
    maxTotalTokens: int(i.max_total_tokens, 'max_total_tokens'),
    validationWorkers: int(i.validation_workers, 'validation_workers'),
    maxClientBatchSize: int(i.max_client_batch_size, 'max_client_batch_size'),
    router: str(i.router, 'router'),
    version: str(i.version, 'version'),
  };
  const modelSha = optionalStr(i.model_sha);
  if (modelSha !== undefined) info.modelSha = modelSha;
  const pipelineTag = optionalStr(i.model_pipeline_tag);
  if (pipelineTag !== undefined) info.modelPipelineTag = pipelineTag;
  const sha = optionalStr(i.sha);
  if (sha !== undefined) info.sha = sha;
  const dockerLabel = optionalStr(i.docker_label);
  if (dockerLabel !== undefined) info.dockerLabel = dockerLabel;
  return info;
}
