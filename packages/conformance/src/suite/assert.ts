/** Framework-agnostic assertions for checks: a failed one throws a {@link ConformanceFailure} with a clear reason. */
import { AccelerateError } from '@ipfs-accelerate/core';

/** A check found the backend not conforming. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

/** Throws a {@link ConformanceFailure} unless `condition` holds. */
export function expectTrue(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Throws unless `actual` equals `expected` (compared as JSON). */
export function expectEqual<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new ConformanceFailure(`${what}: expected ${e}, got ${a}`);
}

/** Awaits `promise`, which must reject with a taxonomy error of code `code`; returns that error. */
export async function expectRejects(
  promise: Promise<unknown>,
  code: string,
  what: string,
): Promise<AccelerateError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (!AccelerateError.isInstance(error)) {
      throw new ConformanceFailure(
        `${what}: expected a ${code} error, got a foreign error: ${String(error)}`,
      );
    }
    if (error.code !== code) {
      throw new ConformanceFailure(`${what}: expected a ${code} error, got ${error.code} (${error.message})`);
    }
    return error;
  }
  throw new ConformanceFailure(
    `${what}: expected a ${code} error, but it resolved with ${JSON.stringify(value)?.slice(0, 120)}`,
  );
}

/** Collects every event of a stream. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Settles a promise into a value-or-error pair without throwing. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}
