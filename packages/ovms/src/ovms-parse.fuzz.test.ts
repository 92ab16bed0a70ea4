/**
 * Fuzz tests of every reader of an OpenVINO Model Server response body (KServe `/v2`, TF Serving `/v1`,
 * OpenAI-style `/v3`): arbitrary JSON and near-miss bodies (the valid shape with fields of the wrong type,
 * missing, huge, or nested past any stack) give a well-formed result or a taxonomy error, and the error
 * mappers always return a taxonomy error.
 */
import { isPlainObject, type SseEvent, type Tensor } from '@ipfs-accelerate/core';
import {
  anyBody,
  anyErrorResponse,
  expectChatStreamEvent,
  expectOptionalType,
  expectTokenUsage,
  FINISH_REASONS,
  fuzzAttemptContext,
  fuzzedBody,
  mapFramesOrTypedError,
  mapsToTaxonomyError,
  nearMiss,
  plantTrap,
  resultOrTypedError,
  toJsonText,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOvmsChatStreamMapper } from './ovms-chat.js';
import { parseCompletionResponse } from './ovms-completions.js';
import { ovmsErrorCode, ovmsStreamError, parseOvmsError } from './ovms-error.js';
import { parseInferResponse, parseModelMetadata, parseServerMetadata } from './ovms-kserve.js';
import { parseRerankResponse } from './ovms-rerank.js';
import { elementCount, TENSOR_DATATYPES } from './ovms-tensor.js';
import { parseModelStatus, parsePredictResponse, parseTfsModelMetadata } from './ovms-tfs.js';

// ---- OVMS shapes ----

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
    data: fc.oneof(chunk, plantTrap(chunk), nearMiss({ error: errorMessages }), anyBody).map(toJsonText),
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
      fc.property(fuzzedBody(inferBody), (body) => {
        resultOrTypedError(
          () => parseInferResponse(body),
          (result) => {
            expect(typeof result.model).toBe('string');
            result.outputs.forEach(expectTensor);
            expectOptionalType(result.version, 'string');
            expectOptionalType(result.id, 'string');
          },
        );
      }),
      { numRuns: 500 },
    );
  });

  it('server and model metadata: well-formed values or a taxonomy error (property)', () => {
    const server = nearMiss({ name: fc.string(), version: fc.string(), extensions: fc.array(fc.string()) });
    fc.assert(
      fc.property(fuzzedBody(server), fuzzedBody(modelMetadata), (s, m) => {
        resultOrTypedError(
          () => parseServerMetadata(s),
          (result) => {
            expect(typeof result.name).toBe('string');
            expect(typeof result.version).toBe('string');
            expect(result.extensions.every((e) => typeof e === 'string')).toBe(true);
          },
        );
        resultOrTypedError(
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
        fuzzedBody(tfsMetadata),
        fuzzedBody(modelStatus),
        fuzzedBody(predict),
        fc.boolean(),
        (meta, status, body, rows) => {
          resultOrTypedError(
            () => parseTfsModelMetadata(meta),
            (result) => {
              expect(typeof result.name).toBe('string');
              expectOptionalType(result.version, 'string');
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
                expectOptionalType(signature.methodName, 'string');
                for (const info of [...signature.inputs, ...signature.outputs]) {
                  for (const key of ['key', 'name', 'dtype'] as const)
                    expect(typeof info[key]).toBe('string');
                  expect(info.shape.every((d) => Number.isInteger(d) && d >= -1)).toBe(true);
                }
              }
            },
          );
          resultOrTypedError(
            () => parseModelStatus(status),
            (list) => {
              for (const entry of list) {
                for (const key of ['version', 'state', 'errorCode', 'errorMessage'] as const) {
                  expect(typeof entry[key]).toBe('string');
                }
              }
            },
          );
          resultOrTypedError(
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
      fc.property(fuzzedBody(rerank), fc.nat({ max: 4 }), fuzzedBody(completion), (r, documents, c) => {
        resultOrTypedError(
          () => parseRerankResponse(r, documents),
          (result) => {
            for (const item of result.results) {
              expect(Number.isInteger(item.index) && item.index >= 0 && item.index < documents).toBe(true);
              expect(Number.isFinite(item.score)).toBe(true);
              expectOptionalType(item.document, 'string');
            }
          },
        );
        resultOrTypedError(
          () => parseCompletionResponse(c),
          (result) => {
            expect(typeof result.text).toBe('string');
            expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
            expectTokenUsage(result.usage);
            expectOptionalType(result.model, 'string');
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('the /v3 chat stream mapper: well-formed events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const mapper = createOvmsChatStreamMapper(fuzzAttemptContext());
        if (mapFramesOrTypedError(mapper, frames, expectChatStreamEvent) === 'error') return;
        (mapper.flush?.() ?? []).forEach(expectChatStreamEvent);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ovms error mappers under fuzzing', () => {
  it('parseOvmsError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(
        anyErrorResponse,
        fuzzedBody(nearMiss({ error: errorMessages, detail: fc.jsonValue() })),
        (response, body) => {
          mapsToTaxonomyError(() => parseOvmsError({ ...response, bodyJson: body }));
          mapsToTaxonomyError(() => parseOvmsError(response));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('ovmsStreamError and ovmsErrorCode never throw (property)', () => {
    fc.assert(
      fc.property(fc.oneof(errorMessages, fuzzedBody(nearMiss({ message: errorMessages }))), (error) => {
        mapsToTaxonomyError(() => ovmsStreamError(error));
        if (typeof error === 'string') expectOptionalType(ovmsErrorCode(error), 'string');
      }),
      { numRuns: 300 },
    );
  });
});
