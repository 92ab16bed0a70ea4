/**
 * Large inputs in server-sized batches. TEI refuses a request with more inputs than its
 * `max_client_batch_size` (413), so a long list is cut into batches no larger than that, each sent as
 * its own call through the pipeline (the core's queue bounds how many run at once), and the results are
 * put back together in input order. One failed batch fails the whole operation: the others are aborted
 * and no partial result is returned.
 */
import { AbortError, type Backend, linkAbort, type RequestOptions } from '@ipfs-accelerate/core';

/** `items` cut into consecutive slices of at most `size`. */
export function splitIntoBatches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batch size must be a positive integer; got ${size}`);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

const REQUEST_ID_ROOM = 190;

/** The options of batch `index` of `total`: a caller-given request id gets a `:<index>` suffix so ids stay unique. */
function batchOptions(
  options: RequestOptions | undefined,
  signal: AbortSignal,
  index: number,
  total: number,
): RequestOptions {
  const out: RequestOptions = { ...options, signal };
  if (options?.requestId !== undefined && total > 1) {
    out.requestId = `${options.requestId.slice(0, REQUEST_ID_ROOM)}:${index}`;
  }
  return out;
}

/**
 * Runs `run` for every batch of `items`, all at once (the pipeline queues them), and returns the results
 * in batch order. A single batch runs with the caller's options untouched. When a batch fails, the other
 * batches are aborted and the first failure is thrown.
 */
export async function runInBatches<T, R>(
  items: readonly T[],
  size: number,
  options: RequestOptions | undefined,
  run: (batch: T[], options: RequestOptions | undefined, offset: number) => Promise<R>,
): Promise<R[]> {
  const batches = splitIntoBatches(items, size);
  if (batches.length === 1) return [await run(batches[0] as T[], options, 0)];
  const controller = new AbortController();
  const unlink = linkAbort(options?.signal, controller);
  let firstError: unknown;
  let failed = false;
  try {
    return await Promise.all(
      batches.map(async (batch, i) => {
        try {
          return await run(batch, batchOptions(options, controller.signal, i, batches.length), i * size);
        } catch (error) {
          if (!failed) {
            failed = true;
            firstError = error;
            controller.abort(
              new AbortError('hf-tei: another batch of this request failed', { cause: error }),
            );
          }
          throw error;
        }
      }),
    );
  } catch (error) {
    throw failed ? firstError : error;
  } finally {
    unlink();
  }
}

/**
 * Knows each endpoint's `max_client_batch_size` (learnt from `/info`, per endpoint id) and gives the
 * size to cut by: the configured size when there is one, else the smallest known among the current
 * endpoints (any endpoint may serve any batch), fetching `/info` when none is known yet.
 */
export class BatchSizes {
  readonly #known = new Map<string, number>();
  readonly #backend: Backend;
  readonly #configured: number | undefined;
  readonly #fetchInfo: (options: RequestOptions) => Promise<unknown>;
  #shared: Promise<unknown> | undefined;

  constructor(
    backend: Backend,
    configured: number | undefined,
    fetchInfo: (options: RequestOptions) => Promise<unknown>,
  ) {
    this.#backend = backend;
    this.#configured = configured;
    this.#fetchInfo = fetchInfo;
  }

  /** Records what `/info` of an endpoint said. */
  learn(endpointId: string, maxClientBatchSize: number): void {
    this.#known.set(endpointId, maxClientBatchSize);
  }

  /** The configured size, else the smallest known among the current endpoints, if any is known. */
  known(): number | undefined {
    if (this.#configured !== undefined) return this.#configured;
    let smallest: number | undefined;
    for (const { id } of this.#backend.endpoints()) {
      const size = this.#known.get(id);
      if (size !== undefined && (smallest === undefined || size < smallest)) smallest = size;
    }
    return smallest;
  }

  /**
   * The size to cut `count` items by. One item needs no limit (and no `/info`); otherwise the known size,
   * or `/info` is fetched first (at high priority; a failure fails the call: set `maxClientBatchSize` to
   * skip it). Callers without a signal share one `/info` request; a caller with a signal (or deadline)
   * fetches its own, so that its abort never fails anyone else's call.
   */
  sizeFor(count: number, options: RequestOptions | undefined): number | Promise<number> {
    // Synchronous when nothing needs fetching, so that a call is queued in the same turn it is made.
    if (count <= 1) return 1;
    const known = this.known();
    if (known !== undefined) return known;
    const fetched =
      options?.signal !== undefined || options?.deadlineMs !== undefined
        ? this.#fetchInfo({ priority: 'high', signal: options.signal, deadlineMs: options.deadlineMs })
        : this.#sharedFetch();
    return fetched.then(() => this.known() ?? count);
  }

  #sharedFetch(): Promise<unknown> {
    if (this.#shared === undefined) {
      const pending = this.#fetchInfo({ priority: 'high' });
      this.#shared = pending;
      const clear = (): void => {
        if (this.#shared === pending) this.#shared = undefined;
      };
      pending.then(clear, clear);
    }
    return this.#shared;
  }
}
