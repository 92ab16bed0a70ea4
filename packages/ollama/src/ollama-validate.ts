/**
 * Checks of caller input, run before anything is queued or sent: a mistake fails at once with an
 * InvalidRequestError that names the field, never as a 400 after a round trip (or a retry loop).
 */
import { InvalidRequestError } from '@ipfs-accelerate/core';

/** The request is a plain object. */
export function requireObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError(`ollama: ${what} must be an object`);
  }
}

/** A non-empty model name. */
export function requireModel(model: unknown): asserts model is string {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new InvalidRequestError('ollama: model must be a non-empty string');
  }
}

/** A string, possibly empty. */
export function requireString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new InvalidRequestError(`ollama: ${name} must be a string; got ${typeof value}`);
  }
}

/** An optional string. */
export function optionalString(value: unknown, name: string): void {
  if (value !== undefined) requireString(value, name);
}

/** An optional boolean. */
export function optionalBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidRequestError(`ollama: ${name} must be a boolean; got ${typeof value}`);
  }
}

/** An optional plain object (e.g. `providerOptions`, a JSON Schema). */
export function optionalObject(value: unknown, name: string): void {
  if (value !== undefined) requireObject(value, name);
}

/** An optional finite number within `[min, max]`, an integer when asked. */
export function optionalNumber(
  value: unknown,
  name: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): void {
  if (value === undefined) return;
  const { min = -Infinity, max = Infinity, integer = false } = range;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a finite number';
    const bounds = [
      Number.isFinite(min) ? `>= ${min}` : undefined,
      Number.isFinite(max) ? `<= ${max}` : undefined,
    ]
      .filter(Boolean)
      .join(' and ');
    throw new InvalidRequestError(
      `ollama: ${name} must be ${kind}${bounds ? ` ${bounds}` : ''}; got ${String(value)}`,
    );
  }
}

/** An optional array of strings (`stop`). */
export function optionalStringArray(value: unknown, name: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidRequestError(`ollama: ${name} must be an array of strings`);
  }
}

/** Ollama's `keep_alive`: a duration string (`5m`, `1h`) or a number of seconds (0 unloads at once, -1 never). */
export function optionalKeepAlive(value: unknown, name: string): void {
  if (value === undefined) return;
  if (
    typeof value === 'string' ? value.trim() === '' : !(typeof value === 'number' && Number.isFinite(value))
  ) {
    throw new InvalidRequestError(
      `ollama: ${name} must be a duration string like "5m" or a number of seconds`,
    );
  }
}

/**
 * The well-known numeric fields of Ollama's `options` (runtime and sampling parameters); other keys pass
 * through unchecked, since Ollama accepts many and adds more.
 */
export function validateModelOptions(options: unknown, name = 'options'): void {
  if (options === undefined) return;
  requireObject(options, name);
  optionalNumber(options.temperature, `${name}.temperature`, { min: 0 });
  optionalNumber(options.top_p, `${name}.top_p`, { min: 0, max: 1 });
  optionalNumber(options.min_p, `${name}.min_p`, { min: 0, max: 1 });
  optionalNumber(options.top_k, `${name}.top_k`, { min: 0, integer: true });
  optionalNumber(options.seed, `${name}.seed`, { integer: true });
  optionalNumber(options.num_predict, `${name}.num_predict`, { min: -2, integer: true });
  optionalNumber(options.num_ctx, `${name}.num_ctx`, { min: 1, integer: true });
  const stop = options.stop;
  if (stop !== undefined && typeof stop !== 'string') optionalStringArray(stop, `${name}.stop`);
}
