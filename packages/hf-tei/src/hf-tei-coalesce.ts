/**
 * Opt-in coalescing of many small `embed` calls into one `/embed` request, through the core's Batcher
 * (which owns the timing: a batch leaves when full or `maxWaitMs` after its first call, so a lone call
 * never waits longer than that). Only calls that can share a request are coalesced: same embedding
 * options and priority, and no per-call deadline, timeout, request id or headers.
 */
import { Batcher, type Clock, type Priority, type RequestOptions } from '@ipfs-accelerate/core';
import type { HfTeiEmbedParams } from './hf-tei-embed.js';

/** Options of the opt-in coalescing of `embed` calls. */
export interface HfTeiBatchingOptions {
  /** Most calls merged into one request (each may carry several inputs). @default 16 */
  maxSize?: number;
  /** Longest a call waits for company, in ms, from the first call of its batch. @default 10 */
  maxWaitMs?: number;
}

interface Item {
  texts: string[];
  params: HfTeiEmbedParams;
  priority: Priority;
  key: string;
}

/** Embeds inputs with the given params and options (the client's batched `/embed` path). */
export type EmbedRunner = (
  texts: string[],
  params: HfTeiEmbedParams,
  options: RequestOptions,
) => Promise<number[][]>;

/** Coalesces small `embed` calls. */
export interface EmbedCoalescer {
  /** Whether a call with these inputs and options may be coalesced. */
  accepts(texts: readonly string[], options: RequestOptions | undefined): boolean;
  /** Adds a call; resolves with its own vectors. */
  add(texts: string[], params: HfTeiEmbedParams, options: RequestOptions | undefined): Promise<number[][]>;
  /** Sends what is pending and waits for it. */
  close(): Promise<void>;
}

const PER_CALL_ONLY: ReadonlyArray<keyof RequestOptions> = [
  'deadlineMs',
  'timeoutMs',
  'requestId',
  'headers',
];

/** Creates the coalescer on the core Batcher; `run` sends one merged request. */
export function createEmbedCoalescer(
  options: HfTeiBatchingOptions,
  clock: Clock | undefined,
  run: EmbedRunner,
): EmbedCoalescer {
  const batcher = new Batcher<Item, number[][]>({
    maxSize: options.maxSize,
    maxWaitMs: options.maxWaitMs,
    clock,
    key: (item) => item.key,
    execute: async (items, { signal }) => {
      const first = items[0] as Item;
      const vectors = await run(
        items.flatMap((item) => item.texts),
        first.params,
        { signal, priority: first.priority },
      );
      let at = 0;
      return items.map((item) => {
        const own = vectors.slice(at, at + item.texts.length);
        at += item.texts.length;
        return own;
      });
    },
  });
  const maxSize = options.maxSize ?? 16;
  return {
    accepts(texts, callOptions) {
      if (texts.length >= maxSize) return false;
      return !PER_CALL_ONLY.some((name) => callOptions?.[name] !== undefined);
    },
    add(texts, params, callOptions) {
      const priority = callOptions?.priority ?? 'normal';
      const key = JSON.stringify([
        priority,
        params.normalize,
        params.truncate,
        params.truncationDirection,
        params.promptName,
        params.dimensions,
      ]);
      return batcher.add({ texts, params, priority, key }, { signal: callOptions?.signal });
    },
    close: () => batcher.close(),
  };
}
