/**
 * Fuzz tests of every reader of an LLVM inference server's response body: arbitrary JSON and near-miss
 * bodies (the valid shape with fields of the wrong type, missing, huge, or nested past any stack) give a
 * well-formed result or a taxonomy error, and the error mapper always returns a taxonomy error.
 */
import { AccelerateError, type ErrorResponse, isPlainObject } from '@ipfs-accelerate/core';
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

// ---- fuzz kit (the same in every provider's parse fuzz file) ----

/** A value nested deeper than a recursive reader or JSON.stringify can follow; JSON.parse accepts it. */
function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = wrap(value);
  // fast-check prints counterexamples recursively: give it a short name instead.
  Object.defineProperty(value, fc.toStringMethod, { value: () => `<nested ${depth} deep>` });
  return value;
}

const DEEP: readonly unknown[] = [nested(20_000, (v) => [v]), nested(20_000, (v) => ({ a: v }))];

/** An object as JSON.parse makes it: every key an own property, `__proto__` included. */
function own(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** JSON values that trip careless readers: coercion traps, prototype keys, extremes, deep nesting. */
const trap: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    '',
    ' ',
    'NaN',
    '-1',
    '1e999',
    '__proto__',
    'constructor',
    'toString',
    '\u0000',
    'x'.repeat(5000),
    [],
    {},
    [null],
    [[]],
    own([['toString', 1]]),
    own([
      ['valueOf', 1],
      ['toString', 1],
    ]),
    own([['__proto__', { polluted: 1 }]]),
    own([['constructor', 'x']]),
  ),
  fc.constantFrom(...DEEP),
);

const MISSING = Symbol('missing');

/** A wrong value for a field: a trap, any JSON, or the field left out. */
const wrong: fc.Arbitrary<unknown> = fc.oneof(trap, fc.jsonValue({ maxDepth: 2 }), fc.constant(MISSING));

/** A field that is usually absent: error keys and the like, which would hide the rest of the body. */
const rarely = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: fc.constant(MISSING), weight: 4 }, { arbitrary: valid, weight: 1 });

/** Any body at all. */
const anyBody: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.anything(), trap);

/** The valid shape with each field sometimes wrong (or left out), plus now and then a stray key. */
function nearMiss(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const arbitraries = Object.fromEntries(
    Object.entries(fields).map(([key, valid]) => [
      key,
      fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: wrong, weight: 1 }),
    ]),
  );
  const stray = fc.tuple(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'error'),
    wrong,
  );
  return fc
    .tuple(fc.record(arbitraries), fc.array(stray, { maxLength: 1 }))
    .map(([record, extra]) => own([...Object.entries(record), ...extra].filter(([, v]) => v !== MISSING)));
}

/** `body` with one value somewhere inside it (picked at random) replaced by a trap: a copy, never a mutation. */
function planted(body: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(body, fc.nat(), trap).map(([value, pick, replacement]) => {
    const paths: Array<Array<string | number>> = [];
    const walk = (v: unknown, path: Array<string | number>): void => {
      if (paths.length >= 500 || DEEP.includes(v)) return;
      if (Array.isArray(v)) {
        v.forEach((item, i) => {
          paths.push([...path, i]);
          walk(item, [...path, i]);
        });
      } else if (isPlainObject(v)) {
        for (const [key, item] of Object.entries(v)) {
          paths.push([...path, key]);
          walk(item, [...path, key]);
        }
      }
    };
    walk(value, []);
    const path = paths[pick % Math.max(paths.length, 1)] ?? [];
    const replace = (v: unknown, at: number): unknown => {
      if (at === path.length) return replacement;
      const key = path[at] as string | number;
      if (Array.isArray(v)) {
        const copy = [...v];
        copy[key as number] = replace(v[key as number], at + 1);
        return copy;
      }
      const entries = Object.entries(v as Record<string, unknown>);
      return own(entries.map(([k, item]) => [k, k === key ? replace(item, at + 1) : item] as const));
    };
    return replace(value, 0);
  });
}

function expectTaxonomy(error: unknown): asserts error is AccelerateError {
  // Anything else fails the property with the very exception, so its counterexample shows what broke.
  if (!AccelerateError.isInstance(error)) throw error;
  expect(typeof error.message).toBe('string');
  expect(typeof error.code).toBe('string');
  if (error.status !== undefined) expect(Number.isInteger(error.status)).toBe(true);
  if (error.retryAfterMs !== undefined) {
    expect(Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0).toBe(true);
  }
  for (const key of ['provider', 'providerCode', 'providerRequestId'] as const) {
    if (error[key] !== undefined) expect(typeof error[key]).toBe('string');
  }
}

/** `fn` returns a result that `check` accepts, or throws a taxonomy error; nothing else. */
function resultOrTyped<T>(fn: () => T, check: (value: T) => void): 'result' | 'error' {
  let value: T;
  try {
    value = fn();
  } catch (error) {
    expectTaxonomy(error);
    return 'error';
  }
  check(value);
  return 'result';
}

/** An error mapper: returns (never throws) a well-formed taxonomy error. */
function mapsToTaxonomy(fn: () => unknown): AccelerateError {
  const error = fn();
  expect(AccelerateError.isInstance(error)).toBe(true);
  expectTaxonomy(error);
  return error;
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function expectOptional(value: unknown, type: 'string' | 'number' | 'boolean'): void {
  if (value !== undefined) expect(typeof value).toBe(type);
}

/** An error response as the core hands it to `parseError`. */
const errorResponse: fc.Arbitrary<ErrorResponse> = fc.record({
  status: fc.oneof(
    fc.constantFrom(400, 401, 402, 403, 404, 408, 409, 413, 422, 424, 429, 498, 499, 500, 502, 503, 504, 529),
    fc.integer({ min: 400, max: 599 }),
    fc.integer({ min: 0, max: 999 }),
  ),
  headers: fc.constant({}),
  bodyText: fc.oneof(fc.string(), fc.constant('')),
  bodyJson: fc.oneof(anyBody, fc.constant(undefined)),
  providerRequestId: fc.option(fc.string(), { nil: undefined }),
});

// ---- LLVM server shapes ----

const any = (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, planted(arb), anyBody);
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
  data: rarely(fc.array(model)),
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
  for (const key of ['type', 'description'] as const) expectOptional(m[key], 'string');
  expectOptional(m.batchSupport, 'boolean');
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
      fc.property(any(modelList), any(model), (list, one) => {
        resultOrTyped(
          () => parseLlvmModelList(list),
          (models) => models.forEach(expectModel),
        );
        resultOrTyped(() => parseLlvmModel(one), expectModel);
        resultOrTyped(
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
      fc.property(any(statistics), any(status), (stats, server) => {
        resultOrTyped(
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
        resultOrTyped(
          () => parseLlvmStatus(server),
          (result) => {
            expect(['ok', 'degraded', 'error']).toContain(result.status);
            expectOptional(result.version, 'string');
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
      fc.property(any(inferBody), any(batchBody), fc.nat({ max: 3 }), (one, batch, expected) => {
        resultOrTyped(
          () => parseLlvmInferResponse(one, 'fallback-model'),
          (result) => {
            expect(typeof result.modelId === 'string' && result.modelId !== '').toBe(true);
            expect(result.outputs).toBe((one as Record<string, unknown>).outputs);
            if (result.metadata !== undefined) expect(isPlainObject(result.metadata)).toBe(true);
          },
        );
        resultOrTyped(
          () => parseLlvmBatchResponse(batch, 'fallback-model', expected),
          (result) => {
            expect(result.results).toHaveLength(expected);
            expect(typeof result.modelId).toBe('string');
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('the field readers never throw anything but a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss({ k: fc.oneof(fc.string(), fc.nat(), date) }), anyBody), (value) => {
        resultOrTyped(
          () => asObject(value, 'body'),
          (o) => {
            resultOrTyped(
              () => stringField(o, 'k', 'body'),
              (s) => expect(typeof s).toBe('string'),
            );
            resultOrTyped(
              () => countField(o, 'k', 'body'),
              (n) => expect(isCount(n)).toBe(true),
            );
            resultOrTyped(
              () => stringsField(o, 'k', 'body'),
              (list) => expect(list.every((s) => typeof s === 'string')).toBe(true),
            );
            expectOptional(optionalStringField(o, 'k'), 'string');
            expectOptional(optionalNumberField(o, 'k'), 'number');
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
      fc.property(errorResponse, any(errorBody), (response, body) => {
        mapsToTaxonomy(() => parseLlvmError({ ...response, bodyJson: body }));
        mapsToTaxonomy(() => parseLlvmError(response));
      }),
      { numRuns: 400 },
    );
  });
});
