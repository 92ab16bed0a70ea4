/**
 * Gemini's `finishReason` (js-genai `FinishReason`) -> the common FinishReason.
 */
import type { FinishReason } from '@ipfs-accelerate/core';

// Every reason that means a safety or policy filter withheld (part of) the answer.
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * STOP -> stop (tool-calls when the answer called a function), MAX_TOKENS -> length, the safety and policy
 * reasons (SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_*) -> content-filter, everything
 * else (LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, FINISH_REASON_UNSPECIFIED, a reason
 * newer than this code, or none) -> other.
 */
export function mapGeminiFinishReason(reason: unknown, hasToolCalls: boolean): FinishReason {
  if (reason === 'STOP') return hasToolCalls ? 'tool-calls' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (typeof reason === 'string' && FILTERED.has(reason)) return 'content-filter';
  return 'other';
}
