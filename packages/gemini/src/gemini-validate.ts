/**
 * Checks of caller input, run before anything is queued or sent: a mistake fails at once with an
 * InvalidRequestError that names the field, never as a 400 after a round trip. The field checks are the
 * core's; this file binds them to `gemini` and adds the response-side guard.
 */
import {
  createInputChecks,
  type InputChecks,
  isPlainObject,
  ResponseFormatError,
} from '@ipfs-accelerate/core';

/** The core field checks, bound to `gemini`. */
export const check: InputChecks = createInputChecks('gemini');

/** A JSON object from a response, or a ResponseFormatError naming what was expected. */
export function responseObject<T>(value: unknown, what: string): T {
  if (!isPlainObject(value)) throw new ResponseFormatError(`gemini: ${what} is not a JSON object`);
  return value as T;
}
