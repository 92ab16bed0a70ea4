/**
 * Refusals the pipeline writes itself, from counts and ids alone (a full queue, open breakers): built without a
 * stack trace, since they are made in bulk (a burst of 10k refused at once) and their message says everything,
 * and recognised afterwards as holding no text from anyone else, so no secret needs redacting from them.
 * @internal
 */

// The last refusal written. The pipeline fails a request refused at admission in the same synchronous step, so
// identity tells it apart without a WeakSet entry per refusal (a burst of 10k would make 10k of them).
let lastOwnRejection: Error | undefined;

/** Builds a refusal with `make`, without a stack trace, and remembers it as the last own rejection. */
export function ownRejection<T extends Error>(make: () => T): T {
  const error = withoutStack(make);
  lastOwnRejection = error;
  return error;
}

/** Whether `error` is the refusal written last, with no text from anyone else. */
export function isOwnRejection(error: unknown): boolean {
  return error !== undefined && error === lastOwnRejection;
}

/** Builds an error without capturing a stack trace: capturing it is most of an error's cost. */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
