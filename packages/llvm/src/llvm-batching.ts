/**
 * Automatic batching of `infer`: single inputs for the same model and parameters are coalesced by the core
 * {@link Batcher} into one `/batch_infer` request, and each caller gets its own entry of `results` back. The
 * batcher's timer sends a half-full batch `maxWaitMs` after its first input, so a lone request never waits
 * for company that does not come (the seed's batching had no such timer and hung).
 */
import { Batcher, type Clock, PRIORITIES, type RequestOptions } from '@ipfs-accelerate/core';
import type { LlvmBatchInferResult, LlvmInferResult } from './llvm-api-types.js';
import type { LlvmBatchInferBody } from './llvm-infer.js';
import type { LlvmBatchingOptions } from './llvm-options.js';

/** One `infer` waiting for its batch. */
export interface LlvmBatchItem {
  model: string;
  input: unknown;
  parameters: Record<string, unknown> | undefined;
  options: RequestOptions | undefined;
}

/** Sends one explicit batch (the client's `/batch_infer` call). */
export type LlvmBatchSender = (
  model: string,
  body: LlvmBatchInferBody,
  options: RequestOptions,
) => Promise<LlvmBatchInferResult>;

/** Inputs share a batch only with the same model and the same parameters (the wire has one set per batch). */
export function llvmBatchKey(item: LlvmBatchItem): string {
  return `${item.model}\u0000${item.parameters === undefined ? '' : JSON.stringify(item.parameters)}`;
}

/**
 * The request options of a batch: the most urgent priority among its items, the batch's own abort signal
 * (it aborts once every item was withdrawn), and the longest deadline and timeout when every item set one
 * (a shorter one would fail the others early). Per-item request ids and headers do not apply to a batch.
 */
export function llvmBatchOptions(items: readonly LlvmBatchItem[], signal: AbortSignal): RequestOptions {
  let rank = PRIORITIES.length - 1;
  let deadlineMs: number | undefined = 0;
  let timeoutMs: number | undefined = 0;
  for (const { options } of items) {
    const level = PRIORITIES.indexOf(options?.priority ?? 'normal');
    if (level >= 0 && level < rank) rank = level;
    deadlineMs =
      deadlineMs === undefined || options?.deadlineMs === undefined
        ? undefined
        : Math.max(deadlineMs, options.deadlineMs);
    timeoutMs =
      timeoutMs === undefined || options?.timeoutMs === undefined
        ? undefined
        : Math.max(timeoutMs, options.timeoutMs);
  }
  const options: RequestOptions = { priority: PRIORITIES[rank] ?? 'normal', signal };
  if (deadlineMs !== undefined) options.deadlineMs = deadlineMs;
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  return options;
}

/** The batcher of a client with batching on. */
export function createLlvmBatcher(
  settings: Required<LlvmBatchingOptions>,
  clock: Clock | undefined,
  send: LlvmBatchSender,
): Batcher<LlvmBatchItem, LlvmInferResult> {
  return new Batcher<LlvmBatchItem, LlvmInferResult>({
    maxSize: settings.maxSize,
    maxWaitMs: settings.maxWaitMs,
    ...(clock ? { clock } : {}),
    key: llvmBatchKey,
    async execute(items, { signal }) {
      const first = items[0] as LlvmBatchItem;
      const body: LlvmBatchInferBody = first.parameters
        ? { inputs: items.map((i) => i.input), parameters: first.parameters }
        : { inputs: items.map((i) => i.input) };
      const batch = await send(first.model, body, llvmBatchOptions(items, signal));
      return batch.results.map((outputs) => ({
        modelId: batch.modelId,
        outputs,
        requestId: batch.requestId,
        batched: true,
      }));
    },
  });
}
