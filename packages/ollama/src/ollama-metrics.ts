/**
 * What the final object of a chat or generate answer says about the run: token usage, why it stopped and how
 * long each phase took (Ollama reports nanoseconds; we report milliseconds).
 */
import type { ChatResult, FinishReason } from '@ipfs-accelerate/core';
import type { OllamaWireStats } from './ollama-api-types.js';

/** Token counts of a run (the core's TokenUsage, which its index does not re-export). */
export type TokenUsage = NonNullable<ChatResult['usage']>;

/** How long a run took, in milliseconds (converted from Ollama's nanoseconds); absent when not reported. */
export interface OllamaDurations {
  /** The whole request. */
  totalMs?: number;
  /** Loading the model. */
  loadMs?: number;
  /** Evaluating the prompt. */
  promptEvalMs?: number;
  /** Generating the output. */
  evalMs?: number;
}

/** Token usage: `prompt_eval_count` in, `eval_count` out. */
export function ollamaUsage(stats: OllamaWireStats): TokenUsage {
  const inputTokens = count(stats.prompt_eval_count);
  const outputTokens = count(stats.eval_count);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

/** The durations of a run, nanoseconds -> milliseconds. */
export function ollamaDurations(stats: OllamaWireStats): OllamaDurations {
  return {
    totalMs: nsToMs(stats.total_duration),
    loadMs: nsToMs(stats.load_duration),
    promptEvalMs: nsToMs(stats.prompt_eval_duration),
    evalMs: nsToMs(stats.eval_duration),
  };
}

/**
 * The common finish reason: tool calls win; `stop` and `length` map through; `load`/`unload` (an empty prompt
 * loaded the model, `keep_alive: 0` unloaded it) and unknown reasons are `other`. Older servers send no
 * `done_reason`: a finished run without one stopped normally.
 */
export function ollamaFinishReason(doneReason: string | undefined, sawToolCalls: boolean): FinishReason {
  if (sawToolCalls) return 'tool-calls';
  if (doneReason === undefined || doneReason === '' || doneReason === 'stop') return 'stop';
  if (doneReason === 'length') return 'length';
  return 'other';
}

/** Nanoseconds -> milliseconds, for the duration fields. */
export function nsToMs(ns: unknown): number | undefined {
  return typeof ns === 'number' && Number.isFinite(ns) && ns >= 0 ? ns / 1e6 : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
