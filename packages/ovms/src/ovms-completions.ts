/**
 * OVMS `/v3/completions`: the legacy OpenAI text completion. OVMS takes a single string `prompt` only
 * (`docs/model_server_rest_api_completions.md`), so a list of prompts is refused before sending.
 */

import type { FinishReason, TokenUsage } from '@ipfs-accelerate/core';
import { isPlainObject, ResponseFormatError } from '@ipfs-accelerate/core';
import { convertOpenAIUsage, mapOpenAIFinishReason } from '@ipfs-accelerate/openai-compatible';
import { check, OVMS_PROVIDER } from './ovms-validate.js';

/** A text completion request. */
export interface OvmsCompletionRequest {
  /** The servable; the client's default model when empty. */
  model?: string;
  /** One prompt (OVMS accepts no list). */
  prompt: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  /** Extra wire fields (`ignore_eos`, `repetition_penalty`, `min_p`, …), merged last. */
  providerOptions?: Record<string, unknown>;
}

/** A text completion result. */
export interface OvmsCompletionResult {
  text: string;
  finishReason: FinishReason;
  usage?: TokenUsage;
  model?: string;
  requestId: string;
  providerRequestId?: string;
}

function range(value: unknown, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    check.fail(`${name} must be a number from ${min} to ${max}; got ${String(value)}`);
  }
}

/** Checks a completion request (model filled in already) and builds its body. */
export function buildCompletionBody(request: OvmsCompletionRequest): Record<string, unknown> {
  check.name(request.model, 'model');
  if (typeof request.prompt !== 'string' || request.prompt === '')
    check.fail('prompt must be a non-empty string');
  check.optionalNumber(request.maxTokens, 'maxTokens', { min: 1, integer: true });
  check.optionalNumber(request.topK, 'topK', { min: 1, integer: true });
  range(request.temperature, 'temperature', 0, 2);
  range(request.topP, 'topP', 0, 1);
  if (request.seed !== undefined && !Number.isInteger(request.seed)) check.fail('seed must be an integer');
  if (request.stop !== undefined) {
    if (!Array.isArray(request.stop) || !request.stop.every((s) => typeof s === 'string' && s !== '')) {
      check.fail('stop must be an array of non-empty strings');
    }
  }
  check.optionalObject(request.providerOptions, 'providerOptions');
  const body: Record<string, unknown> = { model: request.model, prompt: request.prompt };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  const { stream: _stream, ...extra } = request.providerOptions ?? {};
  return { ...body, ...extra, stream: false };
}

/** Reads a `text_completion` response (first choice). */
export function parseCompletionResponse(
  body: unknown,
): Omit<OvmsCompletionResult, 'requestId' | 'providerRequestId'> {
  const bad = (why: string) => new ResponseFormatError(`ovms: ${why}`, { provider: OVMS_PROVIDER });
  if (!isPlainObject(body)) throw bad('completion response is not a JSON object');
  if (!Array.isArray(body.choices)) throw bad('completion response has no choices array');
  const choice: unknown = body.choices.find((c: unknown) => isPlainObject(c) && (c.index ?? 0) === 0);
  if (!isPlainObject(choice) || typeof choice.text !== 'string') throw bad('completion has no text');
  const result: Omit<OvmsCompletionResult, 'requestId' | 'providerRequestId'> = {
    text: choice.text,
    finishReason: mapOpenAIFinishReason(choice.finish_reason),
  };
  const usage = convertOpenAIUsage(body.usage);
  if (usage) result.usage = usage;
  if (typeof body.model === 'string') result.model = body.model;
  return result;
}
