/**
 * Fuzz tests of every reader of a TGI response body: arbitrary JSON and near-miss bodies (the valid shape
 * with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or a
 * taxonomy error, and the error mappers always return a taxonomy error.
 */
import type { HttpResponse, SseEvent } from '@ipfs-accelerate/core';
import {
  anyBody,
  anyErrorResponse,
  expectOptionalType,
  expectTokenUsage,
  FINISH_REASONS,
  fuzzAttemptContext,
  fuzzedBody,
  isCount,
  mapFramesOrTypedError,
  mapsToTaxonomyError,
  nearMiss,
  plantTrap,
  rarelyPresent,
  resultOrTypedError,
  toJsonText,
  trapValue,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HfTgiDetails, HfTgiToken } from './hf-tgi-api-types.js';
import { hfTgiStreamError, parseHfTgiError } from './hf-tgi-error.js';
import { type HfTgiGenerateResult, parseHfTgiGenerateResponse } from './hf-tgi-generate.js';
import { createHfTgiGenerateStreamMapper, type HfTgiGenerateStreamEvent } from './hf-tgi-generate-stream.js';
import { readDetails, readInfo, readTokenSpans } from './hf-tgi-json.js';

// ---- TGI shapes ----

/** A response whose headers carry TGI's token counts and timings (any text at all). */
const response: fc.Arbitrary<HttpResponse> = fc
  .dictionary(
    fc.constantFrom(
      'x-prompt-tokens',
      'x-generated-tokens',
      'x-total-time',
      'x-validation-time',
      'x-queue-time',
      'x-inference-time',
      'x-time-per-token',
    ),
    fc.oneof(
      fc.nat().map(String),
      fc.constantFrom('', '-1', 'NaN', 'Infinity', '1e999', ' 7 ', '0x10'),
      fc.string(),
    ),
  )
  .map((headers) => ({ status: 200, headers, body: undefined }) as unknown as HttpResponse);

const token = nearMiss({
  id: fc.integer(),
  text: fc.string(),
  logprob: fc.oneof(fc.double(), fc.constant(null)),
  special: fc.boolean(),
});
const finishReason = fc.constantFrom('length', 'eos_token', 'stop_sequence', 'other');
const details = nearMiss({
  finish_reason: finishReason,
  generated_tokens: fc.nat(),
  seed: fc.nat(),
  input_length: fc.nat(),
  prefill: fc.array(nearMiss({ id: fc.integer(), text: fc.string(), logprob: fc.double() }), {
    maxLength: 2,
  }),
  tokens: fc.array(token, { maxLength: 2 }),
  top_tokens: fc.array(fc.array(token, { maxLength: 2 }), { maxLength: 2 }),
  best_of_sequences: fc.array(
    nearMiss({
      generated_text: fc.string(),
      finish_reason: finishReason,
      generated_tokens: fc.nat(),
      tokens: fc.array(token, { maxLength: 1 }),
    }),
    { maxLength: 1 },
  ),
});
const errorBody = nearMiss({
  error: fc.oneof(
    fc.string(),
    fc.array(fc.oneof(fc.string(), trapValue), { maxLength: 2 }),
    nearMiss({ message: fc.string() }),
  ),
  error_type: fc.constantFrom(
    'validation',
    'generation',
    'overloaded',
    'healthcheck',
    'incomplete_generation',
    'x',
  ),
  estimated_time: fc.oneof(
    fc.double({ min: 0, max: 100 }),
    fc.double(),
    fc.constantFrom(1e308, Number.MAX_VALUE),
  ),
  message: fc.string(),
});
const generated = nearMiss({ generated_text: fc.string(), details, error: rarelyPresent(fc.string()) });
const streamEvent = nearMiss({
  index: fc.nat(),
  token,
  top_tokens: fc.array(token, { maxLength: 2 }),
  generated_text: rarelyPresent(fc.string()),
  details: rarelyPresent(details),
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({
    event: fc.constant('message'),
    data: fc.oneof(streamEvent, plantTrap(streamEvent), errorBody, anyBody).map(toJsonText),
  }),
  fc.record({ event: fc.constant('message'), data: fc.oneof(fc.string(), fc.constant('[DONE]')) }),
);

function expectToken(t: HfTgiToken): void {
  expect(Number.isInteger(t.id)).toBe(true);
  expect(typeof t.text).toBe('string');
  expect(t.logprob === null || Number.isFinite(t.logprob)).toBe(true);
  expect(typeof t.special).toBe('boolean');
}
function expectDetails(d: HfTgiDetails): void {
  expect(typeof d.finishReason).toBe('string');
  expect(Number.isInteger(d.generatedTokens)).toBe(true);
  d.tokens.forEach(expectToken);
  for (const p of d.prefill) {
    expect(Number.isInteger(p.id)).toBe(true);
    expect(typeof p.text).toBe('string');
  }
  for (const row of d.topTokens ?? []) row.forEach(expectToken);
  for (const s of d.bestOfSequences ?? []) {
    expect(typeof s.generatedText).toBe('string');
    s.tokens.forEach(expectToken);
  }
}
function expectResult(result: HfTgiGenerateResult): void {
  expect(typeof result.text).toBe('string');
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  if (result.details) expectDetails(result.details);
  expectTokenUsage(result.usage);
  for (const value of Object.values(result.timings ?? {})) expect(isCount(value)).toBe(true);
}
function expectStreamEvent(event: HfTgiGenerateStreamEvent): void {
  if (event.type === 'text-delta') {
    expect(typeof event.text).toBe('string');
    expectToken(event.token);
    event.topTokens?.forEach(expectToken);
    return;
  }
  expect(FINISH_REASONS.has(event.finishReason)).toBe(true);
  expect(typeof event.generatedText).toBe('string');
  expectOptionalType(event.tgiFinishReason, 'string');
  expectTokenUsage(event.usage);
  expectOptionalType(event.seed, 'number');
}

describe('hf-tgi readers under fuzzing', () => {
  it('parseHfTgiGenerateResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(generated, plantTrap(generated), fc.array(generated, { maxLength: 2 }), anyBody),
        response,
        (body, res) => {
          resultOrTypedError(() => parseHfTgiGenerateResponse(body, res, fuzzAttemptContext()), expectResult);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the generate stream mapper: well-formed events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const mapper = createHfTgiGenerateStreamMapper();
        if (mapFramesOrTypedError(mapper, frames, expectStreamEvent) === 'error') return;
      }),
      { numRuns: 300 },
    );
  });

  it('readDetails, readTokenSpans and readInfo: typed values or a taxonomy error (property)', () => {
    const spans = fc.array(
      nearMiss({ id: fc.integer(), text: fc.string(), start: fc.nat(), stop: fc.nat() }),
      {
        maxLength: 3,
      },
    );
    const info = nearMiss({
      model_id: fc.string(),
      model_sha: fc.string(),
      max_concurrent_requests: fc.nat(),
      max_best_of: fc.nat(),
      max_stop_sequences: fc.nat(),
      max_input_tokens: fc.nat(),
      max_total_tokens: fc.nat(),
      validation_workers: fc.nat(),
      max_client_batch_size: fc.nat(),
      router: fc.string(),
      version: fc.string(),
      docker_label: fc.string(),
    });
    fc.assert(
      fc.property(fuzzedBody(details), fuzzedBody(spans), fuzzedBody(info), (d, s, i) => {
        resultOrTypedError(() => readDetails(d), expectDetails);
        resultOrTypedError(
          () => readTokenSpans(s),
          (list) => {
            for (const span of list) {
              for (const key of ['id', 'start', 'stop'] as const)
                expect(Number.isInteger(span[key])).toBe(true);
              expect(typeof span.text).toBe('string');
            }
          },
        );
        resultOrTypedError(
          () => readInfo(i),
          (result) => {
            for (const [key, value] of Object.entries(result)) {
              if (
                [
                  'modelId',
                  'router',
                  'version',
                  'modelSha',
                  'sha',
                  'dockerLabel',
                  'modelPipelineTag',
                ].includes(key)
              ) {
                expect(typeof value).toBe('string');
              } else expect(Number.isInteger(value)).toBe(true);
            }
          },
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('hf-tgi error mappers under fuzzing', () => {
  it('parseHfTgiError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(anyErrorResponse, fuzzedBody(errorBody), (res, body) => {
        mapsToTaxonomyError(() => parseHfTgiError({ ...res, bodyJson: body }));
        mapsToTaxonomyError(() => parseHfTgiError({ ...res, bodyJson: undefined }));
      }),
      { numRuns: 400 },
    );
  });

  it('hfTgiStreamError maps any in-band error event, never throws (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(errorBody), (event) => {
        mapsToTaxonomyError(() => hfTgiStreamError(event));
      }),
      { numRuns: 300 },
    );
  });
});
