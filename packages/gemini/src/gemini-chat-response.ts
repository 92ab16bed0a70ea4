/**
 * A GenerateContentResponse -> ChatResult: the first candidate's text (thought parts apart), its function
 * calls as tool calls, the finish reason, usage, and `responseId` as the provider request id.
 */
import {
  type AttemptContext,
  type ChatResult,
  isPlainObject,
  ResponseFormatError,
  type ToolCall,
} from '@ipfs-accelerate/core';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiWireCandidate, GeminiWireResponse } from './gemini-api-types.js';
import { geminiStreamError } from './gemini-error.js';
import { stripModelsPrefix } from './gemini-model-path.js';
import { responseObject } from './gemini-validate.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** The result of {@link GeminiClient.chat}: the common ChatResult plus what Gemini adds. */
export interface GeminiChatResult extends ChatResult {
  /** The thought summaries (`thought: true` parts) of a thinking model, when it sent any. */
  reasoning?: string;
  /** Why the prompt itself was blocked (`promptFeedback.blockReason`); the result is then empty. */
  blockReason?: string;
  /** The candidate's raw `finishReason`, e.g. `STOP`, `SAFETY`, `MALFORMED_FUNCTION_CALL`. */
  rawFinishReason?: string;
}

/** What one candidate's parts hold. */
export interface CandidateParts {
  text: string;
  reasoning: string;
  /** Function calls in order; `id` only when the service sent one. */
  calls: Array<{ id?: string; name: string; arguments: string }>;
}

/** JSON text of a function call's `args`; args nested too deeply to write back as JSON are malformed. */
function argumentsJson(args: unknown): string {
  try {
    return JSON.stringify(args ?? {});
  } catch (cause) {
    throw new ResponseFormatError('gemini: functionCall args are nested too deeply to write as JSON', {
      cause,
    });
  }
}

/** Reads a candidate's parts: text, thought text and function calls; other part kinds are skipped. */
export function readCandidateParts(candidate: GeminiWireCandidate | undefined): CandidateParts {
  const out: CandidateParts = { text: '', reasoning: '', calls: [] };
  const parts = candidate?.content?.parts;
  if (parts === undefined || parts === null) return out;
  if (!Array.isArray(parts)) throw new ResponseFormatError('gemini: candidate content.parts is not an array');
  for (const part of parts) {
    if (!isPlainObject(part)) continue;
    if (typeof part.text === 'string') {
      if (part.thought === true) out.reasoning += part.text;
      else out.text += part.text;
    }
    const call = part.functionCall;
    if (isPlainObject(call)) {
      if (typeof call.name !== 'string' || call.name === '') {
        throw new ResponseFormatError('gemini: a functionCall part without a name');
      }
      const entry: CandidateParts['calls'][number] = { name: call.name, arguments: argumentsJson(call.args) };
      if (typeof call.id === 'string' && call.id !== '') entry.id = call.id;
      out.calls.push(entry);
    }
  }
  return out;
}

/** The candidate with index 0 (the common vocabulary has one answer), or undefined when there is none. */
export function firstCandidate(response: GeminiWireResponse): GeminiWireCandidate | undefined {
  const { candidates } = response;
  if (candidates === undefined || candidates === null) return undefined;
  if (!Array.isArray(candidates)) throw new ResponseFormatError('gemini: candidates is not an array');
  const found = candidates.find((c) => isPlainObject(c) && (c.index ?? 0) === 0) ?? candidates[0];
  if (found === undefined) return undefined;
  return responseObject<GeminiWireCandidate>(found, 'a candidate');
}

/** The tool call of the `n`-th function call: the service's id, else `call_<n>`. */
export function toolCallOf(call: CandidateParts['calls'][number], n: number): ToolCall {
  return { id: call.id ?? `call_${n}`, name: call.name, arguments: call.arguments };
}

/** The block reason of a response whose prompt was refused, if it was. */
export function blockReasonOf(response: GeminiWireResponse): string | undefined {
  const feedback = response.promptFeedback;
  if (!isPlainObject(feedback)) return undefined;
  const reason = feedback.blockReason;
  return typeof reason === 'string' && reason !== '' ? reason : undefined;
}

/** Records `responseId` as the attempt's provider request id, so the ledger and the result carry it. */
export function recordResponseId(response: GeminiWireResponse, context: AttemptContext): void {
  if (
    context.providerRequestId === undefined &&
    typeof response.responseId === 'string' &&
    response.responseId
  ) {
    context.providerRequestId = response.responseId;
  }
}

/**
 * Parses the answer of `:generateContent`. A blocked prompt (HTTP 200, no candidates,
 * `promptFeedback.blockReason`) is a result with empty text, `finishReason: 'content-filter'` and `blockReason`
 * set, not an exception: the call worked and the service answered "no", like a candidate stopped for SAFETY.
 * A response without candidates and without a block reason is malformed.
 */
export function parseGeminiChatResponse(json: unknown, context: AttemptContext): GeminiChatResult {
  const response = responseObject<GeminiWireResponse>(json, 'the generateContent response');
  if (response.error !== undefined) throw geminiStreamError(response);
  recordResponseId(response, context);
  const candidate = firstCandidate(response);
  const blockReason = blockReasonOf(response);
  if (candidate === undefined && blockReason === undefined) {
    throw new ResponseFormatError(
      'gemini: the response has neither candidates nor a promptFeedback.blockReason',
    );
  }
  const parts = readCandidateParts(candidate);
  const toolCalls = parts.calls.map(toolCallOf);
  const rawFinishReason = typeof candidate?.finishReason === 'string' ? candidate.finishReason : undefined;
  const result: GeminiChatResult = {
    text: parts.text,
    toolCalls,
    finishReason:
      candidate === undefined
        ? 'content-filter'
        : mapGeminiFinishReason(rawFinishReason, toolCalls.length > 0),
    requestId: context.requestId,
  };
  const usage = convertGeminiUsage(response.usageMetadata);
  if (usage) result.usage = usage;
  if (typeof response.modelVersion === 'string') result.model = stripModelsPrefix(response.modelVersion);
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  if (parts.reasoning !== '') result.reasoning = parts.reasoning;
  if (blockReason !== undefined) result.blockReason = blockReason;
  if (rawFinishReason !== undefined) result.rawFinishReason = rawFinishReason;
  return result;
}
