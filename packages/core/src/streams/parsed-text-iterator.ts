/**
 * The plumbing shared by the stream decoders: bytes (or strings) in, UTF-8 text through a parser, items
 * out, one at a time, pulled by the consumer. Closing the iterator early (or a parse error) closes the
 * source, so an abandoned stream never holds its socket.
 */
import { StringDecoder } from 'node:string_decoder';

/** A synchronous, incremental text parser: it appends the items each piece of text completes to `out`. */
export interface IncrementalTextParser<T> {
  /** Parses the next piece of text (a chunk boundary may fall anywhere, even inside a line). */
  push(text: string, out: T[]): void;
  /** The source ended: emit or reject what is still pending. */
  end(out: T[]): void;
}

/** Chunks a decoder accepts: bytes, or text already decoded (not mixed within one multi-byte character). */
export type TextChunk = Uint8Array | string;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const BOM = 0xfeff;

/** What {@link takeParsed} returns when no item is ready. @internal */
export const NOT_READY: unique symbol = Symbol('not ready');

/**
 * The next item of an iterator made by {@link iterateParsedText} when one is already parsed, taken
 * synchronously; {@link NOT_READY} otherwise (a pull is needed, or `iterator` is some other iterator).
 * A chunk of a token stream holds hundreds of events: the pipeline takes them without a promise each.
 * @internal
 */
export let takeParsed: <T>(iterator: AsyncIterator<T>) => T | typeof NOT_READY;

/**
 * An `AsyncGenerator` written by hand rather than with `async function*`: a buffered item costs one
 * resolved promise and no generator resumption, and `return()` works even before the first `next()`.
 */
class ParsedTextIterator<T> implements AsyncGenerator<T, undefined, unknown> {
  readonly #source: AsyncIterator<TextChunk>;
  readonly #parser: IncrementalTextParser<T>;
  // StringDecoder rather than TextDecoder: it carries a character split across chunks just the same and
  // is markedly faster on the small chunks of token streams. It keeps a BOM; #push drops exactly one.
  readonly #decoder = new StringDecoder('utf8');
  #items: T[] = [];
  #head = 0;
  #atStart = true;
  #finished = false;
  // A parse error met after some items of the same chunk: thrown once those items are taken.
  #failure: { error: unknown } | undefined;
  #pulling: Promise<IteratorResult<T, undefined>> | undefined;

  constructor(source: AsyncIterable<TextChunk>, parser: IncrementalTextParser<T>) {
    this.#source = source[Symbol.asyncIterator]();
    this.#parser = parser;
  }

  static {
    takeParsed = <T>(iterator: AsyncIterator<T>): T | typeof NOT_READY => {
      if (!(iterator instanceof ParsedTextIterator)) return NOT_READY;
      // Exactly the case in which next() would answer with a resolved promise of the next item.
      const self = iterator as ParsedTextIterator<T>;
      return self.#head < self.#items.length ? (self.#take().value as T) : NOT_READY;
    };
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#head < this.#items.length) return Promise.resolve(this.#take());
    const failure = this.#failure;
    if (failure !== undefined) {
      this.#failure = undefined;
      return Promise.reject(failure.error);
    }
    if (this.#finished) return Promise.resolve(DONE);
    // Calls made while a pull is under way queue behind it, as with an async generator.
    if (this.#pulling !== undefined) return this.#pulling.then(() => this.next());
    const pull = this.#pull();
    this.#pulling = pull;
    return pull;
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    if (!this.#finished) {
      this.#finish();
      await this.#closeSource();
    } else {
      this.#finish();
    }
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<T, undefined>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncGenerator<T, undefined, unknown> {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  async #pull(): Promise<IteratorResult<T, undefined>> {
    try {
      while (this.#head >= this.#items.length) {
        let chunk: IteratorResult<TextChunk>;
        try {
          chunk = await this.#source.next();
        } catch (error) {
          // The source failed and is done: nothing to close.
          this.#finish();
          throw error;
        }
        if (this.#finished) return DONE; // return() was called while we waited
        if (chunk.done === true) {
          this.#push(this.#decoder.end());
          this.#parser.end(this.#items);
          this.#finished = true;
          break;
        }
        const value = chunk.value;
        this.#push(typeof value === 'string' ? value : this.#decoder.write(value));
      }
    } catch (error) {
      if (!this.#finished) {
        // A parse error: stop the source too, as leaving a for-await would.
        this.#finished = true;
        await this.#closeSource();
      }
      if (this.#head < this.#items.length) {
        this.#failure = { error };
        return this.#take();
      }
      throw error;
    } finally {
      this.#pulling = undefined;
    }
    return this.#head < this.#items.length ? this.#take() : DONE;
  }

  #push(text: string): void {
    if (text.length === 0) return;
    if (this.#atStart) {
      this.#atStart = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    this.#parser.push(text, this.#items);
  }

  #take(): IteratorYieldResult<T> {
    const value = this.#items[this.#head] as T;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    }
    return { value, done: false };
  }

  #finish(): void {
    this.#finished = true;
    this.#failure = undefined;
    this.#items = [];
    this.#head = 0;
  }

  async #closeSource(): Promise<void> {
    try {
      await this.#source.return?.();
    } catch {
      // Closing is best effort; the error that made us close is the one worth reporting.
    }
  }
}

/** Runs `source` through `parser` and yields the parsed items one by one. */
export function iterateParsedText<T>(
  source: AsyncIterable<TextChunk>,
  parser: IncrementalTextParser<T>,
): AsyncGenerator<T, undefined, unknown> {
  return new ParsedTextIterator(source, parser);
}
