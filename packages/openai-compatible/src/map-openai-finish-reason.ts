/** Wire `finish_reason` values to the common FinishReason. */
import type { FinishReason } from '@ipfs-accelerate/core';

const REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
  // Compatible servers: TGI's `eos_token` / `stop_sequence`, vLLM's `abort` and `error`.
  eos_token: 'stop',
  stop_sequence: 'stop',
  error: 'error',
  abort: 'error',
};

/** Maps `stop`, `length`, `tool_calls`, `function_call` and `content_filter` (and a few server dialects); anything else is `other`. */
export function mapOpenAIFinishReason(reason: unknown): FinishReason {
  return (typeof reason === 'string' && Object.hasOwn(REASONS, reason) && REASONS[reason]) || 'other';
}
