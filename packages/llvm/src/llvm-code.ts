/**
 * Code on the wire: `POST /execute` `{input: code, parameters?}` -> `{output, errors, execution_time, result?,
 * exit_code?}` and `POST /optimize` `{input: code, parameters?: {optimization_level, target}}` ->
 * `{optimized_code, optimization_passes, errors}`.
 */
import type {
  LlvmExecuteRequest,
  LlvmExecuteResult,
  LlvmOptimizationLevel,
  LlvmOptimizeRequest,
  LlvmOptimizeResult,
} from './llvm-api-types.js';
import { asObject, countField, stringField, stringsField } from './llvm-json.js';
import { check } from './llvm-validate.js';

/** The optimisation levels of the contract. */
export const LLVM_OPTIMIZATION_LEVELS: readonly LlvmOptimizationLevel[] = [
  'O0',
  'O1',
  'O2',
  'O3',
  'Os',
  'Oz',
];

/** The wire body of `/execute` and `/optimize`. */
export interface LlvmCodeBody {
  input: string;
  parameters?: Record<string, unknown>;
}

function withParameters(input: string, parameters: Record<string, unknown>): LlvmCodeBody {
  return Object.keys(parameters).length > 0 ? { input, parameters } : { input };
}

/** Validates an `execute` request and builds its body (`timeoutMs` goes out in seconds). */
export function buildLlvmExecuteBody(request: LlvmExecuteRequest): LlvmCodeBody {
  check.object(request, 'execute request');
  check.name(request.code, 'code');
  const code = request.code;
  check.optionalString(request.language, 'language');
  check.optionalOneOf(request.optimizationLevel, LLVM_OPTIMIZATION_LEVELS, 'optimizationLevel');
  check.optionalStrings(request.args, 'args');
  check.optionalString(request.stdin, 'stdin');
  check.optionalNumber(request.timeoutMs, 'timeoutMs', { above: 0 });
  check.optionalObject(request.providerOptions, 'providerOptions');
  const parameters: Record<string, unknown> = { ...request.providerOptions };
  if (request.language !== undefined) parameters.language = request.language;
  if (request.optimizationLevel !== undefined) parameters.optimization_level = request.optimizationLevel;
  if (request.args !== undefined) parameters.args = [...request.args];
  if (request.stdin !== undefined) parameters.stdin = request.stdin;
  if (request.timeoutMs !== undefined) parameters.timeout = request.timeoutMs / 1000;
  return withParameters(code, parameters);
}

/** Reads an `/execute` answer. */
export function parseLlvmExecuteResponse(json: unknown): Omit<LlvmExecuteResult, 'requestId'> {
  const o = asObject(json, 'execute response');
  const output = typeof o.output === 'string' ? o.output : stringField(o, 'output', 'execute response');
  const result: Omit<LlvmExecuteResult, 'requestId'> = {
    output,
    errors: stringsField(o, 'errors', 'execute response'),
    executionTimeMs: countField(o, 'execution_time', 'execute response') * 1000,
  };
  if ('result' in o) result.result = o.result;
  else if ('outputs' in o) result.result = o.outputs;
  if (typeof o.exit_code === 'number' && Number.isInteger(o.exit_code)) result.exitCode = o.exit_code;
  return result;
}

/** Validates an `optimize` request and builds its body. */
export function buildLlvmOptimizeBody(request: LlvmOptimizeRequest): LlvmCodeBody {
  check.object(request, 'optimize request');
  check.name(request.code, 'code');
  const code = request.code;
  check.optionalOneOf(request.level, LLVM_OPTIMIZATION_LEVELS, 'level');
  check.optionalString(request.target, 'target');
  check.optionalObject(request.providerOptions, 'providerOptions');
  const parameters: Record<string, unknown> = { ...request.providerOptions };
  if (request.level !== undefined) parameters.optimization_level = request.level;
  if (request.target !== undefined) parameters.target = request.target;
  return withParameters(code, parameters);
}

/** Reads an `/optimize` answer. */
export function parseLlvmOptimizeResponse(json: unknown): Omit<LlvmOptimizeResult, 'requestId'> {
  const o = asObject(json, 'optimize response');
  const optimizedCode = o.optimized_code;
  return {
    optimizedCode:
      typeof optimizedCode === 'string'
        ? optimizedCode
        : stringField(o, 'optimized_code', 'optimize response'),
    passes: stringsField(o, 'optimization_passes', 'optimize response'),
    errors: stringsField(o, 'errors', 'optimize response'),
  };
}
