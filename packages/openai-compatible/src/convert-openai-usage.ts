/** Wire usage (`prompt_tokens`, `completion_tokens`, `total_tokens`) to the common TokenUsage. */
import type { TokenUsage } from './openai-compatible-api.js';
import { isJsonObject } from './openai-compatible-api.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Converts a wire usage object; fields that are absent or not counts are left out, and `totalTokens` is
 * the sum when the service omitted it. Returns undefined for a missing or empty usage.
 */
export function convertOpenAIUsage(usage: unknown): TokenUsage | undefined {
  if (!isJsonObject(usage)) return undefined;
  const inputTokens = count(usage.prompt_tokens);
  const outputTokens = count(usage.completion_tokens);
  let totalTokens = count(usage.total_tokens);
  if (totalTokens === undefined && inputTokens !== undefined && outputTokens !== undefined) {
    totalTokens = inputTokens + outputTokens;
  }
  if (inputTokens === undefined && outputTokens === undefined && totalTokens === undefined) return undefined;
  const result: TokenUsage = {};
  if (inputTokens !== undefined) result.inputTokens = inputTokens;
  if (outputTokens !== undefined) result.outputTokens = outputTokens;
  if (totalTokens !== undefined) result.totalTokens = totalTokens;
  return result;
}
