/**
 * Inference on the wire: `POST /models/{id}/infer` `{input, parameters?}` -> `{model_id, outputs, metadata?}`
 * and `POST /models/{id}/batch_infer` `{inputs, parameters?}` -> `{results}` (one per input, in order).
 */
import { ResponseFormatError } from '@ipfs-accelerate/core';
import type { LlvmBatchInferRequest, LlvmInferParameters, LlvmInferRequest } from './llvm-api-types.js';
import { asObject, optionalObjectField, optionalStringField } from './llvm-json.js';
import { check, requireInput, requireModel } from './llvm-validate.js';

/** The wire body of `/infer`. */
export interface LlvmInferBody {
  input: unknown;
  parameters?: Record<string, unknown>;
}

/** The wire body of `/batch_infer`. */
export interface LlvmBatchInferBody {
  inputs: unknown[];
  parameters?: Record<string, unknown>;
}

const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;

/** Validates the parameters and maps them to the wire (snake_case); undefined when there are none. */
export function buildLlvmParameters(parameters: unknown): Record<string, unknown> | undefined {
  if (parameters === undefined) return undefined;
  check.object(parameters, 'parameters');
  const p = parameters as LlvmInferParameters;
  check.optionalNumber(p.maxTokens, 'parameters.maxTokens', { min: 1, integer: true });
  check.optionalNumber(p.temperature, 'parameters.temperature', { min: 0 });
  check.optionalNumber(p.topP, 'parameters.topP', { min: 0, max: 1 });
  check.optionalNumber(p.topK, 'parameters.topK', { min: 0, integer: true });
  check.optionalNumber(p.repetitionPenalty, 'parameters.repetitionPenalty', { above: 0 });
  check.optionalNumber(p.batchSize, 'parameters.batchSize', { min: 1, integer: true });
  check.optionalNumber(p.seed, 'parameters.seed', { integer: true });
  check.optionalOneOf(p.precision, PRECISIONS, 'parameters.precision');
  if (
    p.stop !== undefined &&
    typeof p.stop !== 'string' &&
    !(Array.isArray(p.stop) && p.stop.every((s) => typeof s === 'string'))
  ) {
    check.fail('parameters.stop must be a string or an array of strings');
  }
  check.optionalObject(p.providerOptions, 'parameters.providerOptions');
  const wire: Record<string, unknown> = { ...p.providerOptions };
  const named: Array<[string, unknown]> = [
    ['max_tokens', p.maxTokens],
    ['temperature', p.temperature],
    ['top_p', p.topP],
    ['top_k', p.topK],
    ['repetition_penalty', p.repetitionPenalty],
    ['stop', p.stop],
    ['batch_size', p.batchSize],
    ['precision', p.precision],
    ['seed', p.seed],
  ];
  for (const [key, value] of named) if (value !== undefined) wire[key] = value;
  return Object.keys(wire).length > 0 ? wire : undefined;
}

/** Validates an `infer` request and builds its path and body. */
export function buildLlvmInfer(request: LlvmInferRequest): { model: string; body: LlvmInferBody } {
  check.object(request, 'infer request');
  const model = requireModel(request.model);
  requireInput(request.input, 'input');
  const parameters = buildLlvmParameters(request.parameters);
  return { model, body: parameters ? { input: request.input, parameters } : { input: request.input } };
}

/** Validates a `batchInfer` request and builds its body. */
export function buildLlvmBatchInfer(request: LlvmBatchInferRequest): {
  model: string;
  body: LlvmBatchInferBody;
} {
  check.object(request, 'batchInfer request');
  const model = requireModel(request.model);
  if (!Array.isArray(request.inputs) || request.inputs.length === 0) {
    check.fail('inputs must be a non-empty array');
  }
  for (const [i, input] of request.inputs.entries()) requireInput(input, `inputs[${i}]`);
  const parameters = buildLlvmParameters(request.parameters);
  const inputs = [...request.inputs];
  return { model, body: parameters ? { inputs, parameters } : { inputs } };
}

/** Reads an `/infer` answer. `outputs` must be present (any JSON value, null included). */
export function parseLlvmInferResponse(
  json: unknown,
  model: string,
): { modelId: string; outputs: unknown; metadata?: Record<string, unknown> } {
  const o = asObject(json, 'infer response');
  if (!('outputs' in o)) throw new ResponseFormatError('llvm: infer response has no outputs');
  const metadata = optionalObjectField(o, 'metadata');
  const modelId = optionalStringField(o, 'model_id') || model;
  return metadata ? { modelId, outputs: o.outputs, metadata } : { modelId, outputs: o.outputs };
}

/** Reads a `/batch_infer` answer: exactly one result per input, else ResponseFormatError. */
export function parseLlvmBatchResponse(
  json: unknown,
  model: string,
  expected: number,
): { modelId: string; results: unknown[]; metadata?: Record<string, unknown> } {
  const o = asObject(json, 'batch_infer response');
  const results = o.results;
  if (!Array.isArray(results))
    throw new ResponseFormatError('llvm: batch_infer response has no results array');
  if (results.length !== expected) {
    throw new ResponseFormatError(
      `llvm: batch_infer answered ${results.length} results for ${expected} inputs`,
    );
  }
  const modelId = optionalStringField(o, 'model_id') || model;
  const metadata = optionalObjectField(o, 'metadata');
  return metadata ? { modelId, results, metadata } : { modelId, results };
}
