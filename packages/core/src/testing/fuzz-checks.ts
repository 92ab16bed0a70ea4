/**
 * Checks for fuzz properties: each throws an `Error` saying what was wrong (a throw fails a fast-check
 * property), so they work under any test runner. Test support only.
 */
import { inspect } from 'node:util';
import type { FrameMapper } from '../backend.js';
import type { ChatStreamEvent, FinishReason } from '../capabilities.js';
import { AccelerateError } from '../errors/index.js';
import { isPlainObject } from '../validate-input.js';

/** A short, safe description of any value for a failure message (never walks deep values or calls getters). */
function describeValue(value: unknown): string {
  const text = inspect(value, { depth: 2, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 5 });
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Error(message());
}

/** Every finish reason of the common vocabulary (`FinishReason`). */
export const FINISH_REASONS: ReadonlySet<string> = new Set<FinishReason>([
  'stop',
  'length',
  'tool-calls',
  'content-filter',
  'error',
  'other',
]);

/** Whether `value` is a token or byte count: a finite number, zero or more. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Asserts that `error` is a well-formed taxonomy error: an `AccelerateError` whose `message` and `code` are
 * strings, `status` an integer, `retryAfterMs` finite and not negative, `provider`, `providerCode` and
 * `providerRequestId` strings, where set. Anything that is not an `AccelerateError` is thrown again as it
 * is, so the counterexample shows the very exception (a TypeError, a RangeError from a deep value, …).
 */
export function expectTaxonomyError(error: unknown): asserts error is AccelerateError {
  if (!AccelerateError.isInstance(error)) throw error;
  check(
    typeof error.message === 'string',
    () => `taxonomy error: message is ${describeValue(error.message)}`,
  );
  check(typeof error.code === 'string', () => `taxonomy error: code is ${describeValue(error.code)}`);
  if (error.status !== undefined) {
    check(Number.isInteger(error.status), () => `taxonomy error: status is ${describeValue(error.status)}`);
  }
  if (error.retryAfterMs !== undefined) {
    const ms = error.retryAfterMs;
    check(Number.isFinite(ms) && ms >= 0, () => `taxonomy error: retryAfterMs is ${describeValue(ms)}`);
  }
  for (const key of ['provider', 'providerCode', 'providerRequestId'] as const) {
    const value = error[key];
    if (value !== undefined) {
      check(typeof value === 'string', () => `taxonomy error: ${key} is ${describeValue(value)}`);
    }
  }
}

/**
 * Runs a reader: it must return a result that `checkResult` accepts (it throws otherwise), or throw a
 * well-formed taxonomy error ({@link expectTaxonomyError}); any other exception is thrown again.
 * @returns which of the two happened, for properties that stop at the first error (a stream)
 */
export function resultOrTypedError<T>(read: () => T, checkResult: (value: T) => void): 'result' | 'error' {
  let value: T;
  try {
    value = read();
  } catch (error) {
    expectTaxonomyError(error);
    return 'error';
  }
  checkResult(value);
  return 'result';
}

/**
 * Feeds `frames` to a stream mapper one by one, as the pipeline does: each `map` must return events that
 * `checkEvent` accepts, or throw a taxonomy error, which ends the stream there; `isTerminal`, where the
 * mapper has one, must answer a boolean for every frame mapped. Check `flush` yourself afterwards.
 * @returns `'error'` when a frame ended the stream with a taxonomy error, else `'mapped'`
 */
export function mapFramesOrTypedError<F, E>(
  mapper: FrameMapper<F, E>,
  frames: Iterable<F>,
  checkEvent: (event: E) => void,
): 'mapped' | 'error' {
  for (const frame of frames) {
    const outcome = resultOrTypedError(
      () => mapper.map(frame),
      (out) => {
        for (const event of eventsOf(out)) checkEvent(event);
      },
    );
    if (outcome === 'error') return 'error';
    if (mapper.isTerminal !== undefined) {
      const terminal: unknown = mapper.isTerminal(frame);
      check(typeof terminal === 'boolean', () => `isTerminal returned ${describeValue(terminal)}`);
    }
  }
  return 'mapped';
}

/**
 * Runs an error mapper (e.g. a `parseError`): it must return, never throw, a well-formed taxonomy error.
 * @returns the error, for further checks
 */
export function mapsToTaxonomyError(map: () => unknown): AccelerateError {
  const error = map();
  check(
    AccelerateError.isInstance(error),
    () => `expected the mapper to return an AccelerateError, it returned ${describeValue(error)}`,
  );
  expectTaxonomyError(error);
  return error;
}

/** Asserts that `value` is undefined or of the given `typeof` type. */
export function expectOptionalType(value: unknown, type: 'string' | 'number' | 'boolean'): void {
  if (value !== undefined) {
    check(typeof value === type, () => `expected ${type} or undefined, got ${describeValue(value)}`);
  }
}

/** Asserts that `usage` is undefined or a plain object whose every value is a count ({@link isCount}). */
export function expectTokenUsage(usage: unknown): void {
  if (usage === undefined) return;
  check(isPlainObject(usage), () => `usage: expected a plain object, got ${describeValue(usage)}`);
  for (const [key, value] of Object.entries(usage)) {
    check(isCount(value), () => `usage.${key}: expected a count, got ${describeValue(value)}`);
  }
}

/** Asserts that `call` is a tool call: a non-empty string `id`, a string `name` and string `arguments`. */
export function expectToolCall(call: unknown): void {
  check(isPlainObject(call), () => `tool call: expected an object, got ${describeValue(call)}`);
  check(typeof call.id === 'string' && call.id !== '', () => `tool call: id is ${describeValue(call.id)}`);
  check(typeof call.name === 'string', () => `tool call: name is ${describeValue(call.name)}`);
  check(typeof call.arguments === 'string', () => `tool call: arguments is ${describeValue(call.arguments)}`);
}

/**
 * Asserts that `event` is a well-formed chat stream event: text deltas carry a string, tool-call deltas a
 * non-negative integer index and a string `argumentsDelta` (optional string id and name), a finish one of
 * {@link FINISH_REASONS} and valid usage; any other type fails.
 */
export function expectChatStreamEvent(event: ChatStreamEvent): void {
  switch (event.type) {
    case 'text-delta':
    case 'reasoning-delta':
      check(typeof event.text === 'string', () => `${event.type}: text is ${describeValue(event.text)}`);
      return;
    case 'tool-call-delta':
      check(
        Number.isSafeInteger(event.index) && event.index >= 0,
        () => `tool-call-delta: index is ${describeValue(event.index)}`,
      );
      check(
        typeof event.argumentsDelta === 'string',
        () => `tool-call-delta: argumentsDelta is ${describeValue(event.argumentsDelta)}`,
      );
      expectOptionalType(event.id, 'string');
      expectOptionalType(event.name, 'string');
      return;
    case 'finish':
      check(
        FINISH_REASONS.has(event.finishReason),
        () => `finish: finishReason is ${describeValue(event.finishReason)}`,
      );
      expectTokenUsage(event.usage);
      return;
    default:
      throw new Error(`unknown chat stream event ${describeValue(event)}`);
  }
}

/** The events of what a `FrameMapper.map` or `flush` returned, as a list (none, one, or many). */
export function eventsOf<E>(out: E | readonly E[] | undefined): readonly E[] {
  return out === undefined ? [] : Array.isArray(out) ? (out as readonly E[]) : [out as E];
}
