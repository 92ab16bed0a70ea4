/**
 * Fuzz tests of every reader of an OpenVINO Model Server response body (KServe `/v2`, TF Serving `/v1`,
 * OpenAI-style `/v3`): arbitrary JSON and near-miss bodies (the valid shape with fields of the wrong type,
 * missing, huge, or nested past any stack) give a well-formed result or a taxonomy error, and the error
 * mappers always return a taxonomy error.
 */
import {
  AccelerateError,
  type AttemptContext,
  type ChatStreamEvent,
  type ErrorResponse,
  isPlainObject,
  type SseEvent,
  type Tensor,
} from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOvmsChatStreamMapper } from './ovms-chat.js';
import { parseCompletionResponse } from './ovms-completions.js';
import { ovmsErrorCode, ovmsStreamError, parseOvmsError } from './ovms-error.js';
import { parseInferResponse, parseModelMetadata, parseServerMetadata } from './ovms-kserve.js';
import { parseRerankResponse } from './ovms-rerank.js';
import { elementCount, TENSOR_DATATYPES } from './ovms-tensor.js';
import { parseModelStatus, parsePredictResponse, parseTfsModelMetadata } from './ovms-tfs.js';

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

function expectUsage(usage: unknown): void {
  if (usage === undefined) return;
  expect(isPlainObject(usage)).toBe(true);
  for (const value of Object.values(usage as object)) expect(isCount(value)).toBe(true);
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

const DEEP_JSON: readonly string[] = [
  `${'['.repeat(20_000)}0${']'.repeat(20_000)}`,
  `${'{"a":'.repeat(20_000)}0${'}'.repeat(20_000)}`,
];

/** JSON text of a value, deep values included (JSON.stringify cannot write those). */
function toJson(value: unknown): string {
  const at = DEEP.indexOf(value);
  if (at >= 0) return DEEP_JSON[at] as string;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    const i = DEEP.indexOf(v);
    return i >= 0 ? `\u0000deep${i}\u0000` : v;
  });
  return (text ?? 'null').replace(
    /"\\u0000deep(\d)\\u0000"/g,
    (_m, i: string) => DEEP_JSON[Number(i)] as string,
  );
}

const FINISH_REASONS = new Set(['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other']);

function expectChatEvent(event: ChatStreamEvent): void {
  switch (event.type) {
    case 'text-delta':
    case 'reasoning-delta':
      expect(typeof event.text).toBe('string');
      return;
    case 'tool-call-delta':
      expect(typeof event.index).toBe('number');
      expect(typeof event.argumentsDelta).toBe('string');
      expectOptional(event.id, 'string');
      expectOptional(event.name, 'string');
      return;
    case 'finish':
      expect(FINISH_REASONS.has(event.finishReason)).toBe(true);
      expectUsage(event.usage);
      return;
    default:
      throw new Error(`unknown event ${JSON.stringify(event)}`);
  }
}

const asList = <E>(out: E | readonly E[] | undefined): readonly E[] =>
  out === undefined ? [] : Array.isArray(out) ? (out as readonly E[]) : [out as E];

// ---- OVMS shapes ----

function attemptContext(): AttemptContext {
  return { requestId: 'req_fuzz', providerRequestId: undefined } as unknown as AttemptContext;
}

const any = (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, planted(arb), anyBody);
const datatype = fc.constantFrom(...TENSOR_DATATYPES, 'FP8', 'toString', '');
const value = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.string(),
);
/** A tensor whose data matches its shape (flat or nested), before near-miss damage. */
const tensor = fc
  .tuple(fc.array(fc.nat({ max: 3 }), { maxLength: 3 }), datatype, fc.boolean())
  .chain(([shape, type, nest]) => {
    const count = elementCount(shape);
    return nearMiss({
      name: fc.string(),
      datatype: fc.constant(type),
      shape: fc.constant(shape),
      data: fc.array(value, { minLength: count, maxLength: count }).map((flat) => {
        if (!nest || shape.length < 2) return flat;
        const width = shape[shape.length - 1] as number;
        const rows: unknown[][] = [];
        for (let i = 0; i < flat.length; i += Math.max(width, 1))
          rows.push(flat.slice(i, i + Math.max(width, 1)));
        return rows;
      }),
      parameters: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
    });
  });
const inferBody = nearMiss({
  model_name: fc.string(),
  model_version: fc.string(),
  id: fc.string(),
  parameters: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
  outputs: fc.array(tensor, { maxLength: 2 }),
});
const metadataTensor = nearMiss({
  name: fc.string(),
  datatype,
  shape: fc.array(fc.integer({ min: -1, max: 8 }), { maxLength: 3 }),
});
const modelMetadata = nearMiss({
  name: fc.string(),
  versions: fc.array(fc.oneof(fc.string(), fc.jsonValue()), { maxLength: 2 }),
  platform: fc.string(),
  inputs: fc.array(metadataTensor, { maxLength: 2 }),
  outputs: fc.array(metadataTensor, { maxLength: 2 }),
  rt_info: fc.jsonValue({ maxDepth: 1 }),
});
const tensorInfo = nearMiss({
  name: fc.string(),
  dtype: fc.constantFrom('DT_FLOAT', 'DT_INT32'),
  tensorShape: nearMiss({
    dim: fc.array(nearMiss({ size: fc.oneof(fc.integer({ min: -1 }), fc.nat().map(String)) }), {
      maxLength: 3,
    }),
  }),
});
const tfsMetadata = nearMiss({
  modelSpec: nearMiss({
    name: fc.string(),
    version: fc.oneof(fc.nat().map(String), fc.nat()),
    signatureName: fc.string(),
  }),
  metadata: nearMiss({
    signature_def: nearMiss({
      signatureDef: fc.dictionary(
        fc.oneof(fc.string(), fc.constantFrom('__proto__', 'serving_default', 'constructor')),
        nearMiss({
          methodName: fc.string(),
          inputs: fc.dictionary(fc.string(), tensorInfo, { maxKeys: 2 }),
          outputs: fc.dictionary(fc.string(), tensorInfo, { maxKeys: 2 }),
        }),
        { maxKeys: 3 },
      ),
    }),
  }),
});
const modelStatus = nearMiss({
  model_version_status: fc.array(
    nearMiss({
      version: fc.oneof(fc.nat().map(String), fc.nat()),
      state: fc.constantFrom('AVAILABLE', 'LOADING', 'END'),
      status: nearMiss({ error_code: fc.constantFrom('OK', 'UNKNOWN'), error_message: fc.string() }),
    }),
    { maxLength: 3 },
  ),
});
const errorMessages = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'Model with requested name is not found',
    'Model with requested version is not found',
    'Model is not loaded yet',
    'Invalid input precision',
    'Invalid number of shape dimensions',
    'Mediapipe execution failed. MP status - INVALID_ARGUMENT: x',
  ),
);
const chunk = nearMiss({
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 1 }),
      delta: nearMiss({ content: fc.string() }),
      finish_reason: fc.string(),
    }),
    { maxLength: 2 },
  ),
  usage: nearMiss({ prompt_tokens: fc.nat(), completion_tokens: fc.nat() }),
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({
    event: fc.constantFrom('message', 'raw'),
    data: fc.oneof(chunk, planted(chunk), nearMiss({ error: errorMessages }), anyBody).map(toJson),
  }),
  fc.record({ event: fc.constantFrom('message', 'raw'), data: fc.oneof(fc.string(), fc.constant('[DONE]')) }),
);

const KIND: Record<string, string> = { BOOL: 'boolean', BYTES: 'string' };
function expectTensor(t: Tensor): void {
  expect(typeof t.name).toBe('string');
  expect(TENSOR_DATATYPES).toContain(t.datatype);
  expect(t.shape.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
  expect(t.data).toHaveLength(elementCount(t.shape));
  for (const x of t.data as unknown[]) expect(typeof x).toBe(KIND[t.datatype] ?? 'number');
  if (t.parameters !== undefined) expect(isPlainObject(t.parameters)).toBe(true);
}

describe('ovms readers under fuzzing', () => {
  it('parseInferResponse: flat tensors of their datatype and shape, or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(any(inferBody), (body) => {
        resultOrTyped(
          () => parseInferResponse(body),
          (result) => {
            expect(typeof result.model).toBe('string');
            result.outputs.forEach(expectTensor);
            expectOptional(result.version, 'string');
            expectOptional(result.id, 'string');
          },
        );
      }),
      { numRuns: 500 },
    );
  });

  it('server and model metadata: well-formed values or a taxonomy error (property)', () => {
    const server = nearMiss({ name: fc.string(), version: fc.string(), extensions: fc.array(fc.string()) });
    fc.assert(
      fc.property(any(server), any(modelMetadata), (s, m) => {
        resultOrTyped(
          () => parseServerMetadata(s),
          (result) => {
            expect(typeof result.name).toBe('string');
            expect(typeof result.version).toBe('string');
            expect(result.extensions.every((e) => typeof e === 'string')).toBe(true);
          },
        );
        resultOrTyped(
          () => parseModelMetadata(m),
          (result) => {
            expect(typeof result.name).toBe('string');
            expect(result.versions.every((v) => typeof v === 'string')).toBe(true);
            for (const t of [...result.inputs, ...result.outputs]) {
              expect(typeof t.name).toBe('string');
              expect(typeof t.datatype).toBe('string');
              expect(t.shape.every((d) => Number.isInteger(d) && d >= -1)).toBe(true);
            }
          },
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the TF Serving readers: well-formed values or a taxonomy error (property)', () => {
    const predict = nearMiss({
      predictions: fc.array(fc.jsonValue({ maxDepth: 1 })),
      outputs: fc.jsonValue(),
    });
    fc.assert(
      fc.property(
        any(tfsMetadata),
        any(modelStatus),
        any(predict),
        fc.boolean(),
        (meta, status, body, rows) => {
          resultOrTyped(
            () => parseTfsModelMetadata(meta),
            (result) => {
              expect(typeof result.name).toBe('string');
              expectOptional(result.version, 'string');
              const defs = (
                ((meta as Record<string, unknown>).metadata as Record<string, unknown>)
                  ?.signature_def as Record<string, unknown>
              )?.signatureDef as Record<string, unknown>;
              // Every signature the body names (an object) is read, `__proto__` too: no key is lost or followed.
              const named = isPlainObject(defs)
                ? Object.keys(defs).filter((k) => isPlainObject(defs[k]))
                : [];
              expect(Object.keys(result.signatures).sort()).toEqual(named.sort());
              for (const signature of Object.values(result.signatures)) {
                expectOptional(signature.methodName, 'string');
                for (const info of [...signature.inputs, ...signature.outputs]) {
                  for (const key of ['key', 'name', 'dtype'] as const)
                    expect(typeof info[key]).toBe('string');
                  expect(info.shape.every((d) => Number.isInteger(d) && d >= -1)).toBe(true);
                }
              }
            },
          );
          resultOrTyped(
            () => parseModelStatus(status),
            (list) => {
              for (const entry of list) {
                for (const key of ['version', 'state', 'errorCode', 'errorMessage'] as const) {
                  expect(typeof entry[key]).toBe('string');
                }
              }
            },
          );
          resultOrTyped(
            () => parsePredictResponse(body, rows),
            (result) => {
              if (rows) expect(Array.isArray(result.predictions)).toBe(true);
              else expect(result.outputs).toBeDefined();
            },
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('rerank and completions: well-formed results or a taxonomy error (property)', () => {
    const rerank = nearMiss({
      results: fc.array(
        nearMiss({
          index: fc.nat({ max: 4 }),
          relevance_score: fc.double(),
          document: fc.oneof(fc.string(), nearMiss({ text: fc.string() })),
        }),
        { maxLength: 3 },
      ),
    });
    const completion = nearMiss({
      model: fc.string(),
      choices: fc.array(
        nearMiss({ index: fc.nat({ max: 1 }), text: fc.string(), finish_reason: fc.string() }),
        {
          maxLength: 2,
        },
      ),
      usage: nearMiss({ prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() }),
    });
    fc.assert(
      fc.property(any(rerank), fc.nat({ max: 4 }), any(completion), (r, documents, c) => {
        resultOrTyped(
          () => parseRerankResponse(r, documents),
          (result) => {
            for (const item of result.results) {
              expect(Number.isInteger(item.index) && item.index >= 0 && item.index < documents).toBe(true);
              expect(Number.isFinite(item.score)).toBe(true);
              expectOptional(item.document, 'string');
            }
          },
        );
        resultOrTyped(
          () => parseCompletionResponse(c),
          (result) => {
            expect(typeof result.text).toBe('string');
            expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
            expectUsage(result.usage);
            expectOptional(result.model, 'string');
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('the /v3 chat stream mapper: well-formed events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const mapper = createOvmsChatStreamMapper(attemptContext());
        for (const f of frames) {
          const outcome = resultOrTyped(
            () => mapper.map(f),
            (out) => asList(out).forEach(expectChatEvent),
          );
          if (outcome === 'error') return;
        }
        (mapper.flush?.() ?? []).forEach(expectChatEvent);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ovms error mappers under fuzzing', () => {
  it('parseOvmsError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(
        errorResponse,
        any(nearMiss({ error: errorMessages, detail: fc.jsonValue() })),
        (response, body) => {
          mapsToTaxonomy(() => parseOvmsError({ ...response, bodyJson: body }));
          mapsToTaxonomy(() => parseOvmsError(response));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('ovmsStreamError and ovmsErrorCode never throw (property)', () => {
    fc.assert(
      fc.property(fc.oneof(errorMessages, any(nearMiss({ message: errorMessages }))), (error) => {
        mapsToTaxonomy(() => ovmsStreamError(error));
        if (typeof error === 'string') expectOptional(ovmsErrorCode(error), 'string');
      }),
      { numRuns: 300 },
    );
  });
});
