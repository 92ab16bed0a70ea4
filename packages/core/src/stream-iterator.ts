/**
 * The iterator of a backend stream, written by hand rather than as an `async function*`.
 *
 * Why: a token stream hands out hundreds of thousands of events a second. An async generator costs two
 * promises and two microtask turns per `yield`, and awaiting the decoder costs one more per frame. Here an
 * event is handed out with one resolved promise, and frames the decoder has already parsed are taken
 * synchronously (`takeParsed`). The semantics are those of the generator it replaces: frames are mapped one
 * at a time as the consumer pulls, the request begins on the first `next()`, `return()` before it starts
 * does nothing, calls made while a pull is under way wait for it, and every ending (success, failure,
 * `break`) is recorded once and frees the socket, the slot and the request state. @internal
 */
import type { FrameMapper } from './backend.js';
import type { TokenUsage } from './capabilities.js';
import { StreamError } from './errors/index.js';
import { NOT_READY, takeParsed } from './streams/parsed-text-iterator.js';

/** A stream past its commit point, as the attempt loop hands it over. */
export interface CommittedStream<F, E> {
  frames: AsyncIterator<F>;
  mapper: FrameMapper<F, E>;
  /** Events read before the commit point, handed out first. */
  buffered: E[];
  /** The body ended while reading up to the commit point. */
  ended: boolean;
  /** A terminal frame was among them. */
  terminal: boolean;
  /** Whether a body ending without a terminal frame is a truncation. */
  requireTerminal: boolean;
}

/** What the iterator asks of the backend. */
export interface StreamSession<F, E> {
  /** Begins the request and runs attempts to the commit point. */
  open(): Promise<CommittedStream<F, E>>;
  /** Records a failure and returns the error the consumer sees. */
  fail(error: unknown, usage: TokenUsage | undefined): unknown;
  /** Records a normal end. */
  succeed(usage: TokenUsage | undefined): void;
  /** Records that the consumer left before the end. */
  abandon(usage: TokenUsage | undefined): void;
  /** Closes the frames and the body, releases the slot and the request state. Once. */
  close(): void;
  /** The token usage an event carries, if any. */
  usage?(event: E): TokenUsage | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const PENDING = Symbol('pending');

const INITIAL = 0;
const OPEN = 1;
const CLOSED = 2;

/** The events of a backend stream. */
export class StreamIterator<F, E> implements AsyncGenerator<E, undefined, unknown> {
  readonly #session: StreamSession<F, E>;
  #phase: typeof INITIAL | typeof OPEN | typeof CLOSED = INITIAL;
  #stream: CommittedStream<F, E> | undefined = undefined;
  // Events of the current frame, handed out one by one.
  #events: readonly E[] = [];
  #index = 0;
  #single: E | typeof PENDING = PENDING;
  #framesEnded = false;
  #terminal = false;
  #flushed = false;
  #usage: TokenUsage | undefined = undefined;
  // Settles once every call made so far has: while set, a new call waits its turn (async generator order).
  #pending: Promise<unknown> | undefined = undefined;

  constructor(session: StreamSession<F, E>) {
    this.#session = session;
  }

  next(): Promise<IteratorResult<E, undefined>> {
    if (this.#pending !== undefined) return this.#after(this.#nextNow);
    return this.#nextNow();
  }

  return(): Promise<IteratorResult<E, undefined>> {
    if (this.#pending !== undefined) return this.#after(this.#returnNow);
    return this.#returnNow();
  }

  throw(error: unknown): Promise<IteratorResult<E, undefined>> {
    const throwNow = () => this.#throwNow(error);
    if (this.#pending !== undefined) return this.#after(throwNow);
    return throwNow();
  }

  [Symbol.asyncIterator](): AsyncGenerator<E, undefined, unknown> {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  readonly #nextNow = (): Promise<IteratorResult<E, undefined>> => {
    if (this.#phase === CLOSED) return Promise.resolve(DONE);
    if (this.#phase === OPEN) {
      let result: IteratorResult<E, undefined> | typeof PENDING;
      try {
        result = this.#step();
      } catch (error) {
        return Promise.reject(this.#failWith(error));
      }
      if (result !== PENDING) return Promise.resolve(result);
    }
    const pull = this.#pull();
    // Called directly (nothing pending), the pull is what later calls must wait for; called through
    // #after, the chained promise already covers it.
    if (this.#pending === undefined) this.#track(pull);
    return pull;
  };

  readonly #returnNow = (): Promise<IteratorResult<E, undefined>> => {
    if (this.#phase === OPEN) {
      this.#phase = CLOSED;
      this.#session.abandon(this.#usage);
      this.#session.close();
    }
    this.#phase = CLOSED;
    return Promise.resolve(DONE);
  };

  #throwNow(error: unknown): Promise<never> {
    // Thrown in at the point the consumer stopped: after the commit, it fails the stream like any error.
    if (this.#phase === OPEN) return Promise.reject(this.#failWith(error));
    this.#phase = CLOSED;
    return Promise.reject(error);
  }

  /** Runs `call` once every call made before it has settled. */
  #after<R>(call: () => Promise<R>): Promise<R> {
    const run = (this.#pending as Promise<unknown>).then(call, call);
    this.#track(run);
    return run;
  }

  #track(promise: Promise<unknown>): void {
    this.#pending = promise;
    const clear = (): void => {
      if (this.#pending === promise) this.#pending = undefined;
    };
    promise.then(clear, clear);
  }

  async #pull(): Promise<IteratorResult<E, undefined>> {
    try {
      if (this.#phase === INITIAL) {
        this.#phase = OPEN;
        const stream = await this.#session.open();
        this.#stream = stream;
        this.#events = stream.buffered;
        this.#framesEnded = stream.ended;
        this.#terminal = stream.terminal;
      }
      for (;;) {
        const result = this.#step();
        if (result !== PENDING) return result;
        const next = await (this.#stream as CommittedStream<F, E>).frames.next();
        if (next.done === true) this.#framesEnded = true;
        else this.#map(next.value);
      }
    } catch (error) {
      throw this.#failWith(error);
    }
  }

  /**
   * Advances as far as possible without waiting: the next event, the end, or PENDING when the next frame
   * has still to be read from the body.
   */
  #step(): IteratorResult<E, undefined> | typeof PENDING {
    const stream = this.#stream as CommittedStream<F, E>;
    for (;;) {
      const single = this.#single;
      if (single !== PENDING) {
        this.#single = PENDING;
        return this.#hand(single);
      }
      if (this.#index < this.#events.length) return this.#hand(this.#events[this.#index++] as E);
      if (!this.#framesEnded && !this.#terminal) {
        const frame = takeParsed(stream.frames);
        if (frame === NOT_READY) return PENDING;
        this.#map(frame);
        continue;
      }
      if (!this.#flushed) {
        this.#flushed = true;
        if (stream.requireTerminal && !this.#terminal) {
          throw new StreamError('stream ended before its terminator (truncated)');
        }
        this.#setEvents(stream.mapper.flush?.());
        continue;
      }
      this.#phase = CLOSED;
      this.#session.succeed(this.#usage);
      this.#session.close();
      return DONE;
    }
  }

  #map(frame: F): void {
    const mapper = (this.#stream as CommittedStream<F, E>).mapper;
    const out = mapper.map(frame);
    if (out !== undefined) {
      if (Array.isArray(out)) this.#setEvents(out as readonly E[]);
      else this.#single = out as E;
    }
    if (mapper.isTerminal?.(frame)) this.#terminal = true;
  }

  #setEvents(events: readonly E[] | undefined): void {
    this.#events = events ?? [];
    this.#index = 0;
  }

  #hand(event: E): IteratorYieldResult<E> {
    const usage = this.#session.usage?.(event);
    if (usage !== undefined) this.#usage = usage;
    return { value: event, done: false };
  }

  #failWith(error: unknown): unknown {
    if (this.#phase === CLOSED) return error;
    this.#phase = CLOSED;
    const failure = this.#session.fail(error, this.#usage);
    this.#session.close();
    return failure;
  }
}
