/**
 * Fuzz tests of every reader of an OpenAI-compatible response body: arbitrary JSON and near-miss bodies
 * (the valid shape with fields of the wrong type, missing, huge, or nested past any stack) give a
 * well-formed result or a taxonomy error, and the error mappers always return a taxonomy error.
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
  fuzzedBody,
  mapFramesOrTypedError,
  mapsToTaxonomyError,
  nearMiss,
  rarelyPresent,
  resultOrTypedError,
  toJsonText,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import {
  type ParsedChatCompletion,
  parseOpenAIChatResponse,
  readToolArguments,
} from './openai-chat-response.js';
import { createOpenAIChatStreamMapper } from './openai-chat-stream.js';
import { decodeBase64Embedding, parseOpenAIEmbeddingsResponse } from './openai-embeddings.js';
import {
  mapOpenAIStreamError,
  openAIErrorFromBody,
  parseOpenAIError,
  readOpenAIErrorFields,
} from './openai-error.js';
import { parseOpenAIModelsResponse } from './openai-models.js';

// ---- OpenAI-compatible shapes ----

const usage = nearMiss({
  prompt_tokens: fc.nat(),
  completion_tokens: fc.nat(),
  total_tokens: fc.nat(),
});
const toolCall = nearMiss({
  id: fc.string(),
  type: fc.constant('function'),
  function: nearMiss({ name: fc.string(), arguments: fc.oneof(fc.string(), fc.jsonValue()) }),
});
const errorObject = nearMiss({
  message: fc.string(),
  type: fc.constantFrom('invalid_request_error', 'insufficient_quota', 'rate_limit_error', 'server_error'),
  code: fc.constantFrom('rate_limit_exceeded', 'insufficient_quota', 'model_not_found', 'invalid_api_key'),
  param: fc.string(),
  http_status_code: fc.integer({ min: 100, max: 700 }),
});
const chatCompletion = nearMiss({
  id: fc.string(),
  object: fc.constant('chat.completion'),
  model: fc.string(),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 2 }),
      message: nearMiss({
        role: fc.constant('assistant'),
        content: fc.oneof(
          fc.string(),
          fc.constant(null),
          fc.array(nearMiss({ type: fc.constant('text'), text: fc.string() })),
        ),
        tool_calls: fc.array(toolCall, { maxLength: 3 }),
      }),
      finish_reason: fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter', 'eos_token', 'weird'),
    }),
    { maxLength: 3 },
  ),
  usage,
  error: rarelyPresent(fc.oneof(errorObject, fc.string())),
});
const chunk = nearMiss({
  id: fc.string(),
  object: fc.constant('chat.completion.chunk'),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 1 }),
      delta: nearMiss({
        content: fc.string(),
        reasoning_content: fc.string(),
        tool_calls: fc.array(
          nearMiss({
            index: fc.nat({ max: 3 }),
            id: fc.string(),
            function: nearMiss({ name: fc.string(), arguments: fc.string() }),
          }),
          { maxLength: 2 },
        ),
      }),
      finish_reason: fc.constantFrom('stop', 'length', 'tool_calls', null),
    }),
    { maxLength: 2 },
  ),
  usage,
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({
    event: fc.constant('message'),
    data: fuzzedBody(chunk).map(toJsonText),
  }),
  fc.record({
    event: fc.constantFrom('message', 'error', 'raw'),
    data: fc.oneof(fc.string(), fc.constant('[DONE]')),
  }),
  fc.record({ event: fc.constant('error'), data: fc.oneof(errorObject, anyBody).map(toJsonText) }),
);

function expectCompletion(result: ParsedChatCompletion): void {
  expect(typeof result.text).toBe('string');
  expect(Array.isArray(result.toolCalls)).toBe(true);
  result.toolCalls.forEach(expectToolCall);
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expectTokenUsage(result.usage);
  expectOptionalType(result.model, 'string');
  expectOptionalType(result.id, 'string');
}

describe('openai-compatible readers under fuzzing', () => {
  it('parseOpenAIChatResponse: a well-formed completion or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(chatCompletion), (body) => {
        resultOrTypedError(() => parseOpenAIChatResponse(body, { provider: 'fuzz' }), expectCompletion);
      }),
      { numRuns: 500 },
    );
  });

  it('the chat stream mapper: well-formed events or a taxonomy error, then one finish (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const context = { providerRequestId: undefined as string | undefined };
        const mapper = createOpenAIChatStreamMapper({ provider: 'fuzz', context });
        if (mapFramesOrTypedError(mapper, frames, expectChatStreamEvent) === 'error') return;
        const finish = mapper.flush?.() ?? [];
        expect(finish).toHaveLength(1);
        finish.forEach(expectChatStreamEvent);
        expect(mapper.flush?.()).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it('parseOpenAIEmbeddingsResponse and decodeBase64Embedding: vectors of numbers or a taxonomy error (property)', () => {
    const embeddings = nearMiss({
      object: fc.constant('list'),
      data: fc.array(
        nearMiss({
          index: fc.nat({ max: 3 }),
          embedding: fc.oneof(
            fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 4 }),
            fc.base64String(),
            fc.string(),
          ),
        }),
        { maxLength: 4 },
      ),
      model: fc.string(),
      usage,
    });
    fc.assert(
      fc.property(
        fuzzedBody(embeddings),
        fc.option(fc.nat({ max: 4 }), { nil: undefined }),
        (body, expected) => {
          resultOrTypedError(
            () => parseOpenAIEmbeddingsResponse(body, { provider: 'fuzz', expected }),
            (result) => {
              for (const vector of result.embeddings) for (const x of vector) expect(typeof x).toBe('number');
              if (expected !== undefined) expect(result.embeddings).toHaveLength(expected);
              expectTokenUsage(result.usage);
              expectOptionalType(result.model, 'string');
            },
          );
        },
      ),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String()), (text) => {
        resultOrTypedError(
          () => decodeBase64Embedding(text),
          (vector) => expect(vector.every((x) => typeof x === 'number')).toBe(true),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('decodeBase64Embedding round-trips any float32 vector (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { maxLength: 16 }), (values) => {
        const bytes = Buffer.alloc(values.length * 4);
        values.forEach((v, i) => {
          bytes.writeFloatLE(v, i * 4);
        });
        expect(decodeBase64Embedding(bytes.toString('base64'))).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });

  it('parseOpenAIModelsResponse: models with an id (and a valid date) or a taxonomy error (property)', () => {
    const models = nearMiss({
      object: fc.constant('list'),
      data: fc.array(
        nearMiss({ id: fc.string(), owned_by: fc.string(), created: fc.oneof(fc.nat(), fc.double()) }),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(fuzzedBody(models), (body) => {
        resultOrTypedError(
          () => parseOpenAIModelsResponse(body, 'fuzz'),
          (list) => {
            for (const model of list) {
              expect(typeof model.id === 'string' && model.id !== '').toBe(true);
              expectOptionalType(model.ownedBy, 'string');
              if (model.createdAt !== undefined) expect(Number.isNaN(model.createdAt.getTime())).toBe(false);
            }
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('small readers never throw: usage, finish reasons, tool arguments (property)', () => {
    fc.assert(
      fc.property(fc.oneof(usage, anyBody), (value) => {
        expectTokenUsage(convertOpenAIUsage(value));
        expect(FINISH_REASONS.has(mapOpenAIFinishReason(value))).toBe(true);
        resultOrTypedError(
          () => readToolArguments(value),
          (text) => expect(typeof text).toBe('string'),
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('openai-compatible error mappers under fuzzing', () => {
  const errorBody = fc.oneof(
    nearMiss({ error: fc.oneof(errorObject, fc.string()), error_type: fc.string(), code: fc.integer() }),
    nearMiss({
      message: fc.string(),
      detail: fc.oneof(fc.string(), fc.jsonValue()),
      object: fc.constant('error'),
    }),
    anyBody,
  );

  it('parseOpenAIError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(
        anyErrorResponse,
        errorBody,
        fc.option(fc.string(), { nil: undefined }),
        (response, body, provider) => {
          mapsToTaxonomyError(() => parseOpenAIError({ ...response, bodyJson: body }, provider));
          mapsToTaxonomyError(() => parseOpenAIError(response, provider));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('openAIErrorFromBody, mapOpenAIStreamError and readOpenAIErrorFields never throw (property)', () => {
    fc.assert(
      fc.property(
        errorBody,
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
        (body, status) => {
          mapsToTaxonomyError(() => openAIErrorFromBody(body, { status, provider: 'fuzz' }));
          mapsToTaxonomyError(() => mapOpenAIStreamError(body, 'fuzz'));
          const fields = readOpenAIErrorFields(body, 'fallback');
          expect(typeof fields.message).toBe('string');
          expectOptionalType(fields.type, 'string');
          expectOptionalType(fields.code, 'string');
          if (fields.status !== undefined) expect(Number.isInteger(fields.status)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
