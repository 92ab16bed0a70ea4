/**
 * Checks of caller input, run before anything is queued or sent: a mistake fails at once with an
 * InvalidRequestError that names the field, never as a 400 after a round trip (or a retry loop). The field
 * checks are the core's; this file holds only what is Ollama's own.
 */
import { createInputChecks, type InputChecks } from '@ipfs-accelerate/core';

/** The core field checks, bound to `ollama`. */
export const check: InputChecks = createInputChecks('ollama');

/** Ollama's `keep_alive`: a duration string (`5m`, `1h`) or a number of seconds (0 unloads at once, -1 never). */
export function optionalKeepAlive(value: unknown, name: string): void {
  if (value === undefined) return;
  if (
    typeof value === 'string' ? value.trim() === '' : !(typeof value === 'number' && Number.isFinite(value))
  ) {
    check.fail(`${name} must be a duration string like "5m" or a number of seconds`);
  }
}

/**
 * The well-known numeric fields of Ollama's `options` (runtime and sampling parameters); other keys pass
 * through unchecked, since Ollama accepts many and adds more.
 */
export function validateModelOptions(options: unknown, name = 'options'): void {
  if (options === undefined) return;
  check.object(options, name);
  check.optionalNumber(options.temperature, `${name}.temperature`, { min: 0 });
  check.optionalNumber(options.top_p, `${name}.top_p`, { min: 0, max: 1 });
  check.optionalNumber(options.min_p, `${name}.min_p`, { min: 0, max: 1 });
  check.optionalNumber(options.top_k, `${name}.top_k`, { min: 0, integer: true });
  check.optionalNumber(options.seed, `${name}.seed`, { integer: true });
  check.optionalNumber(options.num_predict, `${name}.num_predict`, { min: -2, integer: true });
  check.optionalNumber(options.num_ctx, `${name}.num_ctx`, { min: 1, integer: true });
  const stop = options.stop;
  if (stop !== undefined && typeof stop !== 'string') check.optionalStrings(stop, `${name}.stop`);
}
