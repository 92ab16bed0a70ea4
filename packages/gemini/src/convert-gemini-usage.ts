/**
 * Gemini's `usageMetadata` -> the common TokenUsage.
 */

import type { TokenUsage } from '@ipfs-accelerate/core';
import { isPlainObject } from '@ipfs-accelerate/core';
import type { GeminiUsageMetadata } from './gemini-api-types.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * `inputTokens` = `promptTokenCount`; `outputTokens` = `candidatesTokenCount` + `thoughtsTokenCount` (thinking
 * tokens are generated and billed as output); `totalTokens` = `totalTokenCount` (which also counts tool-use
 * prompt tokens), else the sum. Undefined when the response carries no usage.
 */
export function convertGeminiUsage(metadata: unknown): TokenUsage | undefined {
  if (!isPlainObject(metadata)) return undefined;
  const usage = metadata as GeminiUsageMetadata;
  const input = count(usage.promptTokenCount);
  const candidates = count(usage.candidatesTokenCount);
  const thoughts = count(usage.thoughtsTokenCount);
  const total = count(usage.totalTokenCount);
  if (input === undefined && candidates === undefined && thoughts === undefined && total === undefined) {
    return undefined;
  }
  const output =
    candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0);
  const result: TokenUsage = {};
  if (input !== undefined) result.inputTokens = input;
  if (output !== undefined) result.outputTokens = output;
  const sum = (input ?? 0) + (output ?? 0);
  result.totalTokens = total ?? sum;
  return result;
}
