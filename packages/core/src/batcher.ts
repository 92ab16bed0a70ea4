/**
 * Micro-batching for embedding-style calls: items added within a short window (or up to a size) go
 * to the service in one request, and each caller gets its own result back.
 *
 * A batch is flushed when it is full or when `maxWaitMs` has passed since its first item, so a lone
 * request never waits for company that does not come (the Python original hung on half-full batches
 * because nothing flushed them on time).
 */
import { type Clock, systemClock, type TimerHandle } from './clock.js';
import { AbortError, InvalidRequestError, ResponseFormatError } from './errors/index.js';

/** What {@link BatcherOptions.execute} receives beside the items. */
export interface BatchContext {
  /** Aborts when every item of the batch was aborted after it was sent: nobody waits for the result. */
  signal: AbortSignal;
}

/** Options of {@link Batcher}. */
export interface BatcherOptions<I, O> {
  /** Most items per batch; a batch that reaches it is sent at once. A positive integer. @default 16 */
  maxSize?: number;
  /** Longest an item waits for company, in ms, counted from the first item of its batch. @default 10 */
  maxWaitMs?: number;
  /** Time source for the flush timers. @default systemClock */
  clock?: Clock;
  /**
   * Sends one batch. Must resolve to one entry per item, in order: the item's result, or an `Error`
   * that fails that item alone. A rejection (or a throw) fails every item of the batch with that reason.
   */
  execute: (items: I[], context: BatchContext) => Promise<Array<O | Error>>;
  /** Items with different keys never share a batch (e.g. one batch per model). @default every item has key '' */
  key?: (item: I) => string;
}

/** Per-item options of {@link Batcher.add}. */
export interface BatchAddOptions {
  /** Aborting it withdraws the item: before its batch is sent it is not sent at all. */
  signal?: AbortSignal;
}

/** Default size and wait of a {@link Batcher}. */
export const DEFAULT_BATCHER_OPTIONS: Readonly<{ maxSize: number; maxWaitMs: number }> = Object.freeze({
  maxSize: 16,
  maxWaitMs: 10,
});

interface Entry<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  batch: Batch<I, O>;
  settled: boolean;
}

interface Batch<I, O> {
  readonly key: string;
  readonly entries: Entry<I, O>[];
  timer: TimerHandle | undefined;
  /** Set once the batch is sent. */
  controller: AbortController | undefined;
  /** Sent entries not yet settled; when aborts bring it to 0, the batch's signal aborts. */
  waiting: number;
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError('Batched item aborted', { cause: signal.reason });
}

/**
 * Groups items into batches and fans the batch results back out to each caller.
 *
 * Guarantees: every promise returned by {@link Batcher.add} settles exactly once; an item is sent at
 * most once; an empty batch is never executed; a pending batch is sent at most `maxWaitMs` after its
 * first item. Batches are executed independently (no concurrency limit here: run `execute` through
 * the admission queue for that).
 *
 * @example
 * ```ts
 * const batcher = new Batcher<string, number[]>({
 *   key: (text) => model,
 *   execute: async (texts, { signal }) => (await embed(texts, { signal })).data.map((d) => d.embedding),
 * });
 * const vector = await batcher.add('hello');
 * ```
 */
export class Batcher<I, O> {
  readonly #maxSize: number;
  readonly #maxWaitMs: number;
  readonly #clock: Clock;
  readonly #execute: BatcherOptions<I, O>['execute'];
  readonly #key: ((item: I) => string) | undefined;
  readonly #open = new Map<string, Batch<I, O>>();
  readonly #inFlight = new Set<Promise<void>>();
  #pending = 0;
  #closed = false;

  /** @throws InvalidRequestError when `execute` or `key` is not a function, or a size or wait is out of range. */
  constructor(options: BatcherOptions<I, O>) {
    if (typeof options?.execute !== 'function') {
      throw new InvalidRequestError(`execute must be a function; got ${typeof options?.execute}`);
    }
    const { maxSize = DEFAULT_BATCHER_OPTIONS.maxSize, maxWaitMs = DEFAULT_BATCHER_OPTIONS.maxWaitMs } =
      options;
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new InvalidRequestError(`maxSize must be a positive integer; got ${String(maxSize)}`);
    }
    if (typeof maxWaitMs !== 'number' || !Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
      throw new InvalidRequestError(`maxWaitMs must be a finite number >= 0; got ${String(maxWaitMs)}`);
    }
    if (options.key !== undefined && typeof options.key !== 'function') {
      throw new InvalidRequestError(`key must be a function; got ${typeof options.key}`);
    }
    this.#maxSize = maxSize;
    this.#maxWaitMs = maxWaitMs;
    this.#clock = options.clock ?? systemClock;
    this.#execute = options.execute;
    this.#key = options.key;
  }

  /** Items waiting in batches not yet sent. */
  get pendingItems(): number {
    return this.#pending;
  }

  /**
   * Adds an item to the batch of its key and resolves with its own result.
   *
   * Rejects with: the item's `Error` from the result array; the batch's error when `execute` throws or
   * rejects; {@link ResponseFormatError} when the result array is not an array, is too short (the
   * missing items only) or too long (every item, since results cannot be matched to items);
   * {@link AbortError} when `signal` aborts first (at once, whether the batch was sent or not);
   * {@link InvalidRequestError} after {@link Batcher.close}; whatever `key` throws.
   */
  add(item: I, options: BatchAddOptions = {}): Promise<O> {
    if (this.#closed) {
      return Promise.reject(new InvalidRequestError('Batcher is closed and accepts no new items'));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    let key: string;
    try {
      key = this.#key === undefined ? '' : this.#key(item);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<O>((resolve, reject) => {
      let batch = this.#open.get(key);
      if (batch === undefined) {
        batch = { key, entries: [], timer: undefined, controller: undefined, waiting: 0 };
        this.#open.set(key, batch);
      }
      const entry: Entry<I, O> = {
        item,
        resolve,
        reject,
        signal,
        onAbort: () => this.#abort(entry),
        batch,
        settled: false,
      };
      batch.entries.push(entry);
      this.#pending++;
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      if (batch.entries.length >= this.#maxSize) {
        this.#send(batch);
      } else if (batch.timer === undefined) {
        const open = batch;
        open.timer = this.#clock.setTimeout(() => this.#send(open), this.#maxWaitMs);
      }
    });
  }

  /** Sends every pending batch now and resolves once those, and any batch already in flight, have settled. */
  async flush(): Promise<void> {
    for (const batch of [...this.#open.values()]) this.#send(batch);
    await Promise.all([...this.#inFlight]);
  }

  /**
   * Refuses new items from now on (`add` rejects with {@link InvalidRequestError}: using a closed
   * batcher is a caller mistake, not a cancelled request), sends what is pending, and resolves once
   * every batch has settled. Calling it again is harmless.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #settle(entry: Entry<I, O>, outcome: { value: O } | { error: unknown }): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.signal?.removeEventListener('abort', entry.onAbort);
    if ('value' in outcome) entry.resolve(outcome.value);
    else entry.reject(outcome.error);
  }

  #abort(entry: Entry<I, O>): void {
    if (entry.settled || entry.signal === undefined) return;
    const batch = entry.batch;
    if (batch.controller === undefined) {
      // Not sent yet: the item leaves its batch, and an emptied batch is dropped with its timer.
      batch.entries.splice(batch.entries.indexOf(entry), 1);
      this.#pending--;
      if (batch.entries.length === 0) this.#discard(batch);
    } else if (--batch.waiting === 0) {
      batch.controller.abort(entry.signal.reason);
    }
    this.#settle(entry, { error: abortError(entry.signal) });
  }

  #discard(batch: Batch<I, O>): void {
    if (batch.timer !== undefined) this.#clock.clearTimeout(batch.timer);
    batch.timer = undefined;
    if (this.#open.get(batch.key) === batch) this.#open.delete(batch.key);
  }

  #send(batch: Batch<I, O>): void {
    if (batch.controller !== undefined || this.#open.get(batch.key) !== batch) return;
    this.#discard(batch);
    const entries = batch.entries;
    this.#pending -= entries.length;
    if (entries.length === 0) return;
    const controller = new AbortController();
    batch.controller = controller;
    batch.waiting = entries.length;

    let result: Promise<Array<O | Error>>;
    try {
      result = Promise.resolve(
        this.#execute(
          entries.map((e) => e.item),
          { signal: controller.signal },
        ),
      );
    } catch (error) {
      result = Promise.reject(error);
    }
    const done = result.then(
      (results) => this.#deliver(entries, results),
      (error: unknown) => {
        for (const entry of entries) this.#settle(entry, { error });
      },
    );
    this.#inFlight.add(done);
    void done.finally(() => this.#inFlight.delete(done));
  }

  #deliver(entries: Entry<I, O>[], results: unknown): void {
    if (!Array.isArray(results) || results.length > entries.length) {
      const what = Array.isArray(results) ? `${results.length} results` : typeof results;
      const error = new ResponseFormatError(`Batch of ${entries.length} items got ${what}`);
      for (const entry of entries) this.#settle(entry, { error });
      return;
    }
    entries.forEach((entry, i) => {
      if (i >= results.length) {
        this.#settle(entry, {
          error: new ResponseFormatError(
            `Batch of ${entries.length} items got ${results.length} results; item ${i} has none`,
          ),
        });
        return;
      }
      const result: unknown = results[i];
      if (result instanceof Error) this.#settle(entry, { error: result });
      else this.#settle(entry, { value: result as O });
    });
  }
}
