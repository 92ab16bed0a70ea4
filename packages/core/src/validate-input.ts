/**
 * Field checks of caller input, bound to a provider name: every provider (and every backend a user builds)
 * refuses a bad argument the same way, before anything is queued or sent, with an InvalidRequestError whose
 * message is `<provider>: <field> must be …` and whose `provider` is set.
 */
import { InvalidRequestError } from './errors/index.js';

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bounds of {@link InputChecks.number}: inclusive `min`/`max`, exclusive `above`/`below`. */
export interface NumberLimits {
  /** The smallest allowed value (inclusive). */
  min?: number;
  /** The largest allowed value (inclusive). */
  max?: number;
  /** The value must be greater than this (exclusive). */
  above?: number;
  /** The value must be less than this (exclusive). */
  below?: number;
  /** The value must be an integer. */
  integer?: boolean;
  /** A sentence appended in parentheses to the message, e.g. how to get what the caller meant. */
  hint?: string;
}

/** Field checks bound to one provider name; see {@link createInputChecks}. */
export interface InputChecks {
  /** The provider named in every message and set on every error. */
  readonly provider: string;
  /** The InvalidRequestError `<provider>: <message>`, for callers that throw it themselves. */
  invalid(message: string): InvalidRequestError;
  /** Throws {@link InputChecks.invalid}. */
  fail(message: string): never;
  /** A plain object. */
  object(value: unknown, name: string): asserts value is Record<string, unknown>;
  /** Undefined or a plain object. */
  optionalObject(value: unknown, name: string): asserts value is Record<string, unknown> | undefined;
  /** A model id: a string that is not empty or blank. */
  model(value: unknown, name?: string): asserts value is string;
  /** An identifier (a name, a code): a string that is not empty or blank. */
  name(value: unknown, name: string): asserts value is string;
  /** A string, possibly empty. */
  string(value: unknown, name: string): asserts value is string;
  /** Undefined or a string, possibly empty. */
  optionalString(value: unknown, name: string): asserts value is string | undefined;
  /** A string that is not empty (blank text is allowed: it is content, not an id). */
  nonEmptyString(value: unknown, name: string): asserts value is string;
  /** Undefined or a non-empty string. */
  optionalNonEmptyString(value: unknown, name: string): asserts value is string | undefined;
  /** Undefined or a boolean. */
  optionalBoolean(value: unknown, name: string): asserts value is boolean | undefined;
  /** A finite number within the limits. */
  number(value: unknown, name: string, limits?: NumberLimits): asserts value is number;
  /** Undefined or a finite number within the limits. */
  optionalNumber(value: unknown, name: string, limits?: NumberLimits): asserts value is number | undefined;
  /** Undefined or an array of strings (of non-empty strings when `nonEmpty`). */
  optionalStrings(
    value: unknown,
    name: string,
    options?: { nonEmpty?: boolean },
  ): asserts value is string[] | undefined;
  /** Undefined or one of `allowed`. */
  optionalOneOf<T extends string>(
    value: unknown,
    allowed: readonly T[],
    name: string,
  ): asserts value is T | undefined;
  /** A non-empty array. */
  nonEmptyArray(value: unknown, name: string): asserts value is unknown[];
  /** Undefined or a record of string header values. */
  optionalHeaders(value: unknown, name?: string): asserts value is Record<string, string> | undefined;
}

function describeLimits(limits: NumberLimits): string {
  const { min, max, above, below } = limits;
  const bounds = [
    min !== undefined ? `>= ${min}` : above !== undefined ? `> ${above}` : undefined,
    max !== undefined ? `<= ${max}` : below !== undefined ? `< ${below}` : undefined,
  ]
    .filter(Boolean)
    .join(' and ');
  return bounds ? ` ${bounds}` : '';
}

function withinLimits(value: unknown, limits: NumberLimits): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const { min, max, above, below, integer } = limits;
  return (
    !(integer && !Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (above === undefined || value > above) &&
    (below === undefined || value < below)
  );
}

/**
 * Field checks for `provider`. Each throws an InvalidRequestError `${provider}: <field> must be …` (with
 * `provider` set) naming the field, e.g. `ollama: maxTokens must be an integer >= 1; got 0`. Declare the
 * result with its type (`const check: InputChecks = createInputChecks('acme')`): TypeScript needs it to
 * narrow through the assertion methods.
 */
export function createInputChecks(provider: string): InputChecks {
  const invalid = (message: string): InvalidRequestError =>
    new InvalidRequestError(`${provider}: ${message}`, { provider });
  const fail: (message: string) => never = (message) => {
    throw invalid(message);
  };
  const blank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';
  const checks: InputChecks = {
    provider,
    invalid,
    fail,
    object(value, name) {
      if (!isPlainObject(value)) fail(`${name} must be an object`);
    },
    optionalObject(value, name) {
      if (value !== undefined) checks.object(value, name);
    },
    model(value, name = 'model') {
      if (blank(value)) fail(`${name} must be a non-empty string`);
    },
    name(value, name) {
      if (blank(value)) fail(`${name} must be a non-empty string`);
    },
    string(value, name) {
      if (typeof value !== 'string') fail(`${name} must be a string; got ${typeof value}`);
    },
    optionalString(value, name) {
      if (value !== undefined) checks.string(value, name);
    },
    nonEmptyString(value, name) {
      if (typeof value !== 'string' || value === '') fail(`${name} must be a non-empty string`);
    },
    optionalNonEmptyString(value, name) {
      if (value !== undefined) checks.nonEmptyString(value, name);
    },
    optionalBoolean(value, name) {
      if (value !== undefined && typeof value !== 'boolean') {
        fail(`${name} must be a boolean; got ${typeof value}`);
      }
    },
    number(value, name, limits = {}) {
      if (withinLimits(value, limits)) return;
      const kind = limits.integer ? 'an integer' : 'a finite number';
      const hint = limits.hint ? ` (${limits.hint})` : '';
      fail(`${name} must be ${kind}${describeLimits(limits)}; got ${String(value)}${hint}`);
    },
    optionalNumber(value, name, limits) {
      if (value !== undefined) checks.number(value, name, limits);
    },
    optionalStrings(value, name, options = {}) {
      if (value === undefined) return;
      const what = options.nonEmpty ? 'non-empty strings' : 'strings';
      if (!Array.isArray(value)) fail(`${name} must be an array of ${what}`);
      value.forEach((item: unknown, i) => {
        if (typeof item !== 'string' || (options.nonEmpty && item === '')) {
          fail(
            `${name}[${i}] must be a ${options.nonEmpty ? 'non-empty ' : ''}string; got ${JSON.stringify(item)}`,
          );
        }
      });
    },
    optionalOneOf(value, allowed, name) {
      if (value !== undefined && !(allowed as readonly unknown[]).includes(value)) {
        fail(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
      }
    },
    nonEmptyArray(value, name) {
      if (!Array.isArray(value) || value.length === 0) fail(`${name} must be a non-empty array`);
    },
    optionalHeaders(value, name = 'headers') {
      if (value === undefined) return;
      checks.object(value, name);
      for (const [header, v] of Object.entries(value)) {
        if (typeof v !== 'string') fail(`header ${header} must be a string`);
      }
    },
  };
  return checks;
}
