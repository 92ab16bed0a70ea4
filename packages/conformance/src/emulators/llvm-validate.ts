/**
 * Request checks of the LLVM emulator, by hand (the emulator ships without a schema validator): what
 * `packages/llvm/openapi.yaml` requires of each body, answered with a 400 `invalid_request` naming the field.
 */
import type { EmulatorRequest, JsonReply } from '../emulator/types.js';
import { invalidRequest, isObject, type JsonObject } from './llvm-shapes.js';

/** A parsed body, or the 400 to answer. */
export type Parsed = { ok: true; value: JsonObject } | { ok: false; reply: JsonReply };

const bad = (message: string): Parsed => ({ ok: false, reply: invalidRequest(message) });

/** The body as a JSON object; an empty body is `{}` when `optional`. */
export function parseObjectBody(request: EmulatorRequest, optional = false): Parsed {
  if (request.body.length === 0) return optional ? { ok: true, value: {} } : bad('request body is required');
  if (request.json === undefined) return bad('request body is not valid JSON');
  if (!isObject(request.json)) return bad('request body must be a JSON object');
  return { ok: true, value: request.json };
}

type Rule = (value: unknown) => boolean;

const integer =
  (min: number): Rule =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min;
const number =
  (min: number, max = Number.POSITIVE_INFINITY): Rule =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === 'string' && values.includes(v);

const PARAMETER_RULES: Record<string, [Rule, string]> = {
  max_tokens: [integer(1), 'an integer >= 1'],
  temperature: [number(0), 'a number >= 0'],
  top_p: [number(0, 1), 'a number in [0, 1]'],
  top_k: [integer(0), 'an integer >= 0'],
  repetition_penalty: [(v) => typeof v === 'number' && Number.isFinite(v) && v > 0, 'a number > 0'],
  stop: [
    (v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
    'a string or an array of strings',
  ],
  batch_size: [integer(1), 'an integer >= 1'],
  precision: [oneOf(['fp32', 'fp16', 'int8']), 'one of fp32, fp16, int8'],
  seed: [integer(Number.MIN_SAFE_INTEGER), 'an integer'],
};

/** The inference `parameters`: absent, or an object whose known fields have the contract's types. */
export function checkInferParameters(body: JsonObject): string | undefined {
  const parameters = body.parameters;
  if (parameters === undefined) return undefined;
  if (!isObject(parameters)) return 'parameters must be an object';
  for (const [key, [rule, what]] of Object.entries(PARAMETER_RULES)) {
    if (parameters[key] !== undefined && !rule(parameters[key])) return `parameters.${key} must be ${what}`;
  }
  return undefined;
}

/** An inference input: present and not null. */
export function checkInput(value: unknown, what: string): string | undefined {
  return value === undefined || value === null ? `${what} is required and must not be null` : undefined;
}

/** The code of `/execute` and `/optimize`: a non-empty string in `input`. */
export function checkCode(body: JsonObject): string | undefined {
  return typeof body.input === 'string' && body.input.trim() !== ''
    ? undefined
    : 'input must be a non-empty string of code';
}

/** The optimisation levels of the contract. */
export const OPTIMIZATION_LEVELS = ['O0', 'O1', 'O2', 'O3', 'Os', 'Oz'] as const;

const CODE_PARAMETER_RULES: Record<string, [Rule, string]> = {
  language: [(v) => typeof v === 'string', 'a string'],
  optimization_level: [oneOf(OPTIMIZATION_LEVELS), `one of ${OPTIMIZATION_LEVELS.join(', ')}`],
  args: [(v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), 'an array of strings'],
  stdin: [(v) => typeof v === 'string', 'a string'],
  timeout: [(v) => typeof v === 'number' && Number.isFinite(v) && v > 0, 'a number of seconds > 0'],
  target: [(v) => typeof v === 'string', 'a string'],
};

/** The `parameters` of `/execute` and `/optimize`. */
export function checkCodeParameters(body: JsonObject): string | undefined {
  const parameters = body.parameters;
  if (parameters === undefined) return undefined;
  if (!isObject(parameters)) return 'parameters must be an object';
  for (const [key, [rule, what]] of Object.entries(CODE_PARAMETER_RULES)) {
    if (parameters[key] !== undefined && !rule(parameters[key])) return `parameters.${key} must be ${what}`;
  }
  return undefined;
}
