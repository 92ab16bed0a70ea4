/**
 * Fuzz tests of every reader of an LLVM inference server's response body: arbitrary JSON and near-miss
 * bodies (the valid shape with fields of the wrong type, missing, huge, or nested past any stack) give a
 * well-formed result or a taxonomy error, and the error mapper always returns a taxonomy error.
 */
import { isPlainObject } from '@ipfs-accelerate/core';
import {
  anyBody,
  anyErrorResponse,
  expectOptionalType,
  fuzzedBody,
  isCount,
  mapsToTaxonomyError,
  nearMiss,
  rarelyPresent,
  resultOrTypedError,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LlvmModel } from './llvm-api-types.js';
import { LLVM_MODEL_NOT_LOADED, parseLlvmError } from './llvm-error.js';
import { parseLlvmBatchResponse, parseLlvmInferResponse } from './llvm-infer.js';
import {
  asObject,
  countField,
  optionalDateField,
  optionalNumberField,
  optionalObjectField,
  optionalStringField,
  stringField,
  stringsField,
} from './llvm-json.js';
import {
  parseLlvmModel,
  parseLlvmModelList,
  parseLlvmModelResponse,
  parseLlvmStatistics,
  parseLlvmStatus,
} from './llvm-models.js';

// ---- LLVM server shapes ----

const date = fc.oneof(fc.constant('2024-05-01T10:00:00Z'), fc.string());
const model = nearMiss({
  model_id: fc.string(),
  name: fc.string(),
  id: fc.string(),
  status: fc.constantFrom('loaded', 'loading', 'unloaded', 'error', 'toString', 'constructor'),
  type: fc.string(),
  description: fc.string(),
  batch_support: fc.boolean(),
  precision_modes: fc.array(fc.constantFrom('fp32', 'fp16', 'int8'), { maxLength: 3 }),
  optimization_profiles: fc.array(fc.string(), { maxLength: 2 }),
  details: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
});
const modelList = nearMiss({
  models: fc.array(fc.oneof(model, fc.string()), { maxLength: 3 }),
  data: rarelyPresent(fc.array(model)),
});
const statistics = nearMiss({
  model_id: fc.string(),
  requests: fc.nat(),
  inferences: fc.nat(),
  batches: fc.nat(),
  errors: fc.nat(),
  average_latency_ms: fc.double(),
  last_used_at: date,
  loaded_at: date,
});
const status = nearMiss({
  status: fc.constantFrom('ok', 'degraded', 'error', 'toString'),
  version: fc.string(),
  uptime_seconds: fc.nat(),
  models_loaded: fc.nat(),
  active_requests: fc.nat(),
  requests_served: fc.nat(),
});
const inferBody = nearMiss({
  model_id: fc.string(),
  outputs: fc.jsonValue({ maxDepth: 2 }),
  metadata: fc.jsonValue(),
});
const batchBody = nearMiss({
  model_id: fc.string(),
  results: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  metadata: fc.jsonValue(),
});
const errorBody = nearMiss({
  error: fc.string(),
  code: fc.constantFrom(LLVM_MODEL_NOT_LOADED, 'model_not_found', ''),
  detail: fc.jsonValue(),
});

function expectModel(m: LlvmModel): void {
  expect(typeof m.id === 'string' && m.id !== '').toBe(true);
  if (m.status !== undefined) expect(['loaded', 'loading', 'unloaded', 'error']).toContain(m.status);
  for (const key of ['type', 'description'] as const) expectOptionalType(m[key], 'string');
  expectOptionalType(m.batchSupport, 'boolean');
  for (const list of [m.precisionModes, m.optimizationProfiles]) {
    if (list !== undefined) expect(list.every((s) => typeof s === 'string')).toBe(true);
  }
  if (m.details !== undefined) expect(isPlainObject(m.details)).toBe(true);
}
function expectDate(value: Date | undefined): void {
  if (value !== undefined) expect(Number.isNaN(value.getTime())).toBe(false);
}

describe('llvm readers under fuzzing', () => {
  it('the model readers: well-formed models or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(modelList), fuzzedBody(model), (list, one) => {
        resultOrTypedError(
          () => parseLlvmModelList(list),
          (models) => models.forEach(expectModel),
        );
        resultOrTypedError(() => parseLlvmModel(one), expectModel);
        resultOrTypedError(
          () => parseLlvmModelResponse(one, 'model'),
          (m) => {
            expectModel(m);
            expect(m.status).toBeDefined();
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('statistics and server status: well-formed values or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(statistics), fuzzedBody(status), (stats, server) => {
        resultOrTypedError(
          () => parseLlvmStatistics(stats, 'fallback-model'),
          (result) => {
            expect(typeof result.modelId === 'string' && result.modelId !== '').toBe(true);
            for (const key of ['requests', 'inferences', 'batches', 'errors'] as const) {
              expect(isCount(result[key])).toBe(true);
            }
            if (result.averageLatencyMs !== undefined)
              expect(Number.isFinite(result.averageLatencyMs)).toBe(true);
            expectDate(result.lastUsedAt);
            expectDate(result.loadedAt);
          },
        );
        resultOrTypedError(
          () => parseLlvmStatus(server),
          (result) => {
            expect(['ok', 'degraded', 'error']).toContain(result.status);
            expectOptionalType(result.version, 'string');
            for (const key of [
              'uptimeSeconds',
              'modelsLoaded',
              'activeRequests',
              'requestsServed',
            ] as const) {
              if (result[key] !== undefined) expect(Number.isFinite(result[key])).toBe(true);
            }
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('infer and batch infer: the outputs as sent, one result per input, or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        fuzzedBody(inferBody),
        fuzzedBody(batchBody),
        fc.nat({ max: 3 }),
        (one, batch, expected) => {
          resultOrTypedError(
            () => parseLlvmInferResponse(one, 'fallback-model'),
            (result) => {
              expect(typeof result.modelId === 'string' && result.modelId !== '').toBe(true);
              expect(result.outputs).toBe((one as Record<string, unknown>).outputs);
              if (result.metadata !== undefined) expect(isPlainObject(result.metadata)).toBe(true);
            },
          );
          resultOrTypedError(
            () => parseLlvmBatchResponse(batch, 'fallback-model', expected),
            (result) => {
              expect(result.results).toHaveLength(expected);
              expect(typeof result.modelId).toBe('string');
            },
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the field readers never throw anything but a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss({ k: fc.oneof(fc.string(), fc.nat(), date) }), anyBody), (value) => {
        resultOrTypedError(
          () => asObject(value, 'body'),
          (o) => {
            resultOrTypedError(
              () => stringField(o, 'k', 'body'),
              (s) => expect(typeof s).toBe('string'),
            );
            resultOrTypedError(
              () => countField(o, 'k', 'body'),
              (n) => expect(isCount(n)).toBe(true),
            );
            resultOrTypedError(
              () => stringsField(o, 'k', 'body'),
              (list) => expect(list.every((s) => typeof s === 'string')).toBe(true),
            );
            expectOptionalType(optionalStringField(o, 'k'), 'string');
            expectOptionalType(optionalNumberField(o, 'k'), 'number');
            const object = optionalObjectField(o, 'k');
            if (object !== undefined) expect(isPlainObject(object)).toBe(true);
            expectDate(optionalDateField(o, 'k'));
          },
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('llvm error mapper under fuzzing', () => {
  it('parseLlvmError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(anyErrorResponse, fuzzedBody(errorBody), (response, body) => {
        mapsToTaxonomyError(() => parseLlvmError({ ...response, bodyJson: body }));
        mapsToTaxonomyError(() => parseLlvmError(response));
      }),
      { numRuns: 400 },
    );
  });
});
