/**
 * Fuzz tests of every reader of an Anthropic response body: arbitrary JSON and near-miss bodies (the valid
 * shape with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or
 * a taxonomy error, and the error mappers always return a taxonomy error.
 */
import { isPlainObject, type SseEvent } from '@ipfs-accelerate/core';
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
  trapValue,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claudeStreamError, parseClaudeError, readClaudeErrorFields } from './claude-error.js';
import {
  type ClaudeChatResult,
  convertClaudeUsage,
  mapClaudeStopReason,
  parseClaudeMessage,
  toolCallOf,
} from './claude-messages-response.js';
import { parseClaudeModel, parseClaudeModelPage } from './claude-models.js';
import { createClaudeStreamMapper } from './claude-stream.js';

// ---- Anthropic shapes ----

const usage = nearMiss({
  input_tokens: fc.nat(),
  output_tokens: fc.nat(),
  cache_creation_input_tokens: fc.nat(),
  cache_read_input_tokens: fc.nat(),
});
const block = fc.oneof(
  nearMiss({ type: fc.constant('text'), text: fc.string() }),
  nearMiss({ type: fc.constant('thinking'), thinking: fc.string(), signature: fc.string() }),
  nearMiss({
    type: fc.constant('tool_use'),
    id: fc.string(),
    name: fc.string(),
    input: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue()),
  }),
  nearMiss({ type: fc.string(), data: fc.jsonValue({ maxDepth: 2 }) }),
);
const errorBody = nearMiss({
  type: fc.constant('error'),
  error: nearMiss({
    type: fc.constantFrom(
      'invalid_request_error',
      'authentication_error',
      'billing_error',
      'permission_error',
      'not_found_error',
      'rate_limit_error',
      'api_error',
      'timeout_error',
      'overloaded_error',
      'constructor',
      'toString',
    ),
    message: fc.string(),
  }),
  request_id: fc.string(),
});
const message = nearMiss({
  id: fc.string(),
  type: fc.oneof(fc.constant('message'), rarelyPresent(fc.constant('error'))),
  role: fc.constant('assistant'),
  model: fc.string(),
  content: fc.array(block, { maxLength: 4 }),
  stop_reason: fc.constantFrom('end_turn', 'max_tokens', 'tool_use', 'refusal', 'pause_turn', 'toString'),
  stop_sequence: fc.option(fc.string(), { nil: null }),
  usage,
});

const EVENT_TYPES = [
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
] as const;
const delta = fc.oneof(
  nearMiss({ type: fc.constant('text_delta'), text: fc.string() }),
  nearMiss({ type: fc.constant('thinking_delta'), thinking: fc.string() }),
  nearMiss({ type: fc.constant('input_json_delta'), partial_json: fc.string() }),
  nearMiss({ type: fc.constant('signature_delta'), signature: fc.string() }),
  nearMiss({
    stop_reason: fc.constantFrom('end_turn', 'tool_use', 'max_tokens'),
    stop_sequence: fc.string(),
  }),
);
const streamData = fc.oneof(
  nearMiss({ type: fc.constant('message_start'), message: nearMiss({ id: fc.string(), usage }) }),
  nearMiss({ type: fc.constant('content_block_start'), index: fc.nat({ max: 3 }), content_block: block }),
  nearMiss({ type: fc.constant('content_block_delta'), index: fc.nat({ max: 3 }), delta }),
  nearMiss({ type: fc.constant('content_block_stop'), index: fc.nat({ max: 3 }) }),
  nearMiss({ type: fc.constant('message_delta'), delta, usage }),
  nearMiss({ type: fc.constantFrom(...EVENT_TYPES) }),
  errorBody,
  anyBody,
);
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({
    event: fc.constantFrom(...EVENT_TYPES),
    data: fc.oneof(streamData, plantTrap(streamData)).map(toJsonText),
  }),
  fc.record({ event: fc.constantFrom(...EVENT_TYPES, 'message'), data: fc.string() }),
);

/** A whole tool block: its start (with any `input`), maybe a fragment, and its stop. */
const toolBlock: fc.Arbitrary<SseEvent[]> = fc
  .tuple(fc.nat({ max: 3 }), fc.oneof(anyBody, trapValue), fc.option(fc.string(), { nil: undefined }))
  .map(([index, input, fragment]) => {
    const frames: SseEvent[] = [
      {
        event: 'content_block_start',
        data: toJsonText({
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: 't', name: 'f', input },
        }),
      },
    ];
    if (fragment !== undefined) {
      frames.push({
        event: 'content_block_delta',
        data: toJsonText({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: fragment },
        }),
      });
    }
    frames.push({ event: 'content_block_stop', data: toJsonText({ type: 'content_block_stop', index }) });
    return frames;
  });
const frames: fc.Arbitrary<SseEvent[]> = fc
  .array(
    fc.oneof(
      frame.map((f) => [f]),
      toolBlock,
    ),
    { maxLength: 6 },
  )
  .map((groups) => groups.flat());

function expectChatResult(result: ClaudeChatResult): void {
  expect(typeof result.text).toBe('string');
  result.toolCalls.forEach(expectToolCall);
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expect(result.requestId).toBe('req_fuzz');
  expectTokenUsage(result.usage);
  for (const key of ['model', 'reasoning', 'stopReason', 'stopSequence', 'messageId'] as const) {
    expectOptionalType(result[key], 'string');
  }
  expect(Array.isArray(result.content)).toBe(true);
  for (const b of result.content) expect(isPlainObject(b)).toBe(true);
}

describe('claude readers under fuzzing', () => {
  it('parseClaudeMessage: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(message), (body) => {
        resultOrTypedError(() => parseClaudeMessage(body, fuzzAttemptContext()), expectChatResult);
      }),
      { numRuns: 500 },
    );
  });

  it('toolCallOf: a tool call with JSON arguments or a taxonomy error (property)', () => {
    fc.assert(
      // Its caller hands it objects only.
      fc.property(fc.oneof(block, anyBody.filter(isPlainObject)), (value) => {
        resultOrTypedError(
          () => toolCallOf(value as Parameters<typeof toolCallOf>[0]),
          (call) => {
            expectToolCall(call);
            JSON.parse(call.arguments);
          },
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the stream mapper: well-formed events or a taxonomy error, then one finish (property)', () => {
    fc.assert(
      fc.property(frames, (list) => {
        const mapper = createClaudeStreamMapper();
        if (mapFramesOrTypedError(mapper, list, expectChatStreamEvent) === 'error') return;
        const finish = mapper.flush?.() ?? [];
        expect(finish).toHaveLength(1);
        finish.forEach(expectChatStreamEvent);
      }),
      { numRuns: 500 },
    );
  });

  it('the model list: models with an id and a valid date, or a taxonomy error (property)', () => {
    const model = nearMiss({
      id: fc.string(),
      type: fc.constant('model'),
      display_name: fc.string(),
      created_at: fc.oneof(
        fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        fc.string(),
      ),
      max_input_tokens: fc.nat(),
      max_tokens: fc.nat(),
    });
    const page = nearMiss({
      data: fc.array(model, { maxLength: 3 }),
      has_more: fc.boolean(),
      first_id: fc.string(),
      last_id: fc.string(),
    });
    fc.assert(
      fc.property(fuzzedBody(page), fc.oneof(model, anyBody), (body, one) => {
        const checkModel = (m: ReturnType<typeof parseClaudeModel>) => {
          expect(typeof m.id === 'string' && m.id !== '').toBe(true);
          if (m.createdAt !== undefined) expect(Number.isNaN(m.createdAt.getTime())).toBe(false);
          expectOptionalType(m.displayName, 'string');
          expectOptionalType(m.maxInputTokens, 'number');
          expectOptionalType(m.maxOutputTokens, 'number');
        };
        resultOrTypedError(
          () => parseClaudeModelPage(body),
          (result) => {
            result.models.forEach(checkModel);
            expect(typeof result.hasMore).toBe('boolean');
            expectOptionalType(result.firstId, 'string');
            expectOptionalType(result.lastId, 'string');
          },
        );
        resultOrTypedError(() => parseClaudeModel(one), checkModel);
      }),
      { numRuns: 300 },
    );
  });

  it('small readers never throw: usage and stop reasons (property)', () => {
    fc.assert(
      fc.property(fc.oneof(usage, anyBody), (value) => {
        expectTokenUsage(convertClaudeUsage(value as Parameters<typeof convertClaudeUsage>[0]));
        expect(FINISH_REASONS.has(mapClaudeStopReason(value as string))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('claude error mappers under fuzzing', () => {
  it('parseClaudeError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(anyErrorResponse, fc.oneof(errorBody, anyBody), (response, body) => {
        mapsToTaxonomyError(() => parseClaudeError({ ...response, bodyJson: body }));
        mapsToTaxonomyError(() => parseClaudeError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('claudeStreamError and readClaudeErrorFields never throw (property)', () => {
    fc.assert(
      fc.property(fc.oneof(errorBody, anyBody), (body) => {
        mapsToTaxonomyError(() => claudeStreamError(body));
        const fields = readClaudeErrorFields(body, 'fallback');
        expect(typeof fields.message).toBe('string');
        expectOptionalType(fields.type, 'string');
        expectOptionalType(fields.requestId, 'string');
      }),
      { numRuns: 400 },
    );
  });
});
