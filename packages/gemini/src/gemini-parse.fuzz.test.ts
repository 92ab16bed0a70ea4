/**
 * Fuzz tests of every reader of a Gemini response body: arbitrary JSON and near-miss bodies (the valid
 * shape with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or
 * a taxonomy error, and the error mappers always return a taxonomy error.
 */
import type { SseEvent } from '@ipfs-accelerate/core';
import {
  anyBody,
  anyErrorResponse,
  expectChatStreamEvent,
  expectOptionalType,
  expectTokenUsage,
  expectToolCall,
  FINISH_REASONS,
  fuzzAttemptContext,
  fuzzedBody,
  mapFramesOrTypedError,
  mapsToTaxonomyError,
  nearMiss,
  plantTrap,
  rarelyPresent,
  resultOrTypedError,
  toJsonText,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { type GeminiChatResult, parseGeminiChatResponse } from './gemini-chat-response.js';
import { createGeminiChatStreamMapper } from './gemini-chat-stream.js';
import { parseGeminiCountTokens } from './gemini-count-tokens.js';
import { parseGeminiEmbedResponse } from './gemini-embed.js';
import {
  geminiErrorFromStatus,
  geminiStreamError,
  parseGeminiError,
  readGeminiErrorDetails,
  readGeminiStatus,
} from './gemini-error.js';
import { type GeminiModelInfo, modelInfoFromWire, parseGeminiModelsPage } from './gemini-models.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

// ---- Gemini shapes ----

const RPC_STATUSES = [
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'CANCELLED',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
];
const duration = fc.oneof(
  fc.nat({ max: 100 }).map((s) => `${s}s`),
  fc.string(),
  nearMiss({ seconds: fc.oneof(fc.nat(), fc.string()), nanos: fc.nat() }),
);
const detail = fc.oneof(
  nearMiss({ '@type': fc.constant('type.googleapis.com/google.rpc.RetryInfo'), retryDelay: duration }),
  nearMiss({ '@type': fc.constant('type.googleapis.com/google.rpc.ErrorInfo'), reason: fc.string() }),
  nearMiss({
    '@type': fc.constant('type.googleapis.com/google.rpc.QuotaFailure'),
    violations: fc.array(nearMiss({ quotaId: fc.string(), quotaMetric: fc.string() }), { maxLength: 2 }),
  }),
);
const rpcStatus = nearMiss({
  code: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.double()),
  message: fc.string(),
  status: fc.constantFrom(...RPC_STATUSES),
  details: fc.array(detail, { maxLength: 3 }),
});
const errorBody = fc.oneof(
  nearMiss({ error: rpcStatus }),
  plantTrap(nearMiss({ error: rpcStatus })),
  fc.array(nearMiss({ error: rpcStatus }), { maxLength: 2 }),
  anyBody,
);
const usageMetadata = nearMiss({
  promptTokenCount: fc.nat(),
  candidatesTokenCount: fc.nat(),
  thoughtsTokenCount: fc.nat(),
  totalTokenCount: fc.nat(),
});
const part = fc.oneof(
  nearMiss({ text: fc.string(), thought: fc.boolean() }),
  nearMiss({
    functionCall: nearMiss({
      id: fc.string(),
      name: fc.string(),
      args: fc.dictionary(fc.string(), fc.jsonValue()),
    }),
  }),
);
const candidate = nearMiss({
  index: fc.nat({ max: 2 }),
  content: nearMiss({ role: fc.constant('model'), parts: fc.array(part, { maxLength: 4 }) }),
  finishReason: fc.constantFrom('STOP', 'MAX_TOKENS', 'SAFETY', 'OTHER', '', 'toString'),
});
const response = nearMiss({
  candidates: fc.array(candidate, { maxLength: 2 }),
  promptFeedback: nearMiss({ blockReason: fc.constantFrom('SAFETY', 'OTHER', '') }),
  usageMetadata,
  modelVersion: fc.constantFrom('models/gemini-2.0-flash', 'gemini-x'),
  responseId: fc.string(),
  error: rarelyPresent(rpcStatus),
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({
    event: fc.constantFrom('message', 'raw'),
    data: fc.oneof(response, plantTrap(response), errorBody).map(toJsonText),
  }),
  fc.record({ event: fc.constantFrom('message', 'raw'), data: fc.string() }),
);

function expectChatResult(result: GeminiChatResult): void {
  expect(typeof result.text).toBe('string');
  result.toolCalls.forEach(expectToolCall);
  for (const call of result.toolCalls) JSON.parse(call.arguments);
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expect(result.requestId).toBe('req_fuzz');
  expectTokenUsage(result.usage);
  for (const key of ['model', 'reasoning', 'blockReason', 'rawFinishReason', 'providerRequestId'] as const) {
    expectOptionalType(result[key], 'string');
  }
}

function expectModel(model: GeminiModelInfo): void {
  expect(typeof model.id).toBe('string');
  expect(typeof model.name === 'string' && model.name !== '').toBe(true);
  expect(model.supportedGenerationMethods.every((m) => typeof m === 'string')).toBe(true);
  for (const key of ['displayName', 'description', 'version'] as const)
    expectOptionalType(model[key], 'string');
  for (const key of ['inputTokenLimit', 'outputTokenLimit'] as const) {
    if (model[key] !== undefined) expect(Number.isFinite(model[key])).toBe(true);
  }
  expectOptionalType(model.thinking, 'boolean');
}

describe('gemini readers under fuzzing', () => {
  it('parseGeminiChatResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(response), (body) => {
        resultOrTypedError(() => parseGeminiChatResponse(body, fuzzAttemptContext()), expectChatResult);
      }),
      { numRuns: 500 },
    );
  });

  it('the stream mapper: well-formed events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const context = fuzzAttemptContext();
        const mapper = createGeminiChatStreamMapper(context);
        if (mapFramesOrTypedError(mapper, frames, expectChatStreamEvent) === 'error') return;
        expectOptionalType(context.providerRequestId, 'string');
      }),
      { numRuns: 300 },
    );
  });

  it('parseGeminiEmbedResponse: the expected number of finite vectors or a taxonomy error (property)', () => {
    const values = nearMiss({
      values: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }),
    });
    const body = fc.oneof(
      nearMiss({ embedding: values }),
      nearMiss({ embeddings: fc.array(values, { maxLength: 3 }) }),
      anyBody,
    );
    fc.assert(
      fc.property(body, fc.boolean(), fc.nat({ max: 3 }), (json, batch, expected) => {
        resultOrTypedError(
          () =>
            parseGeminiEmbedResponse(
              json,
              { batch, expected: batch ? expected : 1 },
              { model: 'text-embedding-004', input: 'x' },
              fuzzAttemptContext(),
            ),
          (result) => {
            expect(result.embeddings).toHaveLength(batch ? expected : 1);
            for (const v of result.embeddings) expect(v.every((x) => Number.isFinite(x))).toBe(true);
          },
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the models page and countTokens: well-formed values or a taxonomy error (property)', () => {
    const model = nearMiss({
      name: fc.constantFrom('models/gemini-2.0-flash', 'tunedModels/x', ''),
      displayName: fc.string(),
      description: fc.string(),
      version: fc.string(),
      inputTokenLimit: fc.nat(),
      outputTokenLimit: fc.nat(),
      supportedGenerationMethods: fc.array(fc.oneof(fc.string(), fc.jsonValue()), { maxLength: 3 }),
      thinking: fc.boolean(),
    });
    const page = nearMiss({ models: fc.array(model, { maxLength: 3 }), nextPageToken: fc.string() });
    const count = nearMiss({ totalTokens: fc.nat(), cachedContentTokenCount: fc.nat() });
    fc.assert(
      fc.property(fc.oneof(page, anyBody), fc.oneof(model, anyBody), fc.oneof(count, anyBody), (p, m, c) => {
        resultOrTypedError(
          () => parseGeminiModelsPage(p),
          (result) => {
            result.models.forEach(expectModel);
            expectOptionalType(result.nextPageToken, 'string');
          },
        );
        resultOrTypedError(() => modelInfoFromWire(m), expectModel);
        resultOrTypedError(
          () => parseGeminiCountTokens(c, fuzzAttemptContext()),
          (result) => {
            expect(Number.isInteger(result.totalTokens) && result.totalTokens >= 0).toBe(true);
            expectOptionalType(result.cachedContentTokenCount, 'number');
          },
        );
      }),
      { numRuns: 300 },
    );
  });

  it('small readers never throw: usage and finish reasons (property)', () => {
    fc.assert(
      fc.property(fc.oneof(usageMetadata, anyBody), fc.boolean(), (value, tools) => {
        expectTokenUsage(convertGeminiUsage(value));
        expect(FINISH_REASONS.has(mapGeminiFinishReason(value, tools))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('gemini error mappers under fuzzing', () => {
  it('parseGeminiError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(anyErrorResponse, errorBody, (response, body) => {
        mapsToTaxonomyError(() => parseGeminiError({ ...response, bodyJson: body }));
        mapsToTaxonomyError(() => parseGeminiError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('geminiStreamError, geminiErrorFromStatus and the detail readers never throw (property)', () => {
    fc.assert(
      fc.property(
        errorBody,
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
        fc.oneof(fc.array(detail, { maxLength: 3 }), anyBody),
        (body, status, details) => {
          const error = mapsToTaxonomyError(() => geminiStreamError(body));
          // Without an HTTP status the class comes from the body: its status is a real one or none.
          if (error.status !== undefined) expect(error.status >= 100 && error.status <= 599).toBe(true);
          mapsToTaxonomyError(() => geminiErrorFromStatus(readGeminiStatus(body), status, 'fallback'));
          const read = readGeminiErrorDetails(details);
          if (read.retryDelayMs !== undefined) {
            expect(Number.isFinite(read.retryDelayMs) && read.retryDelayMs >= 0).toBe(true);
          }
          expectOptionalType(read.reason, 'string');
          expect(read.quotaIds.every((id) => typeof id === 'string')).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
