/**
 * Fuzz tests of Groq's readers on top of the OpenAI-compatible ones (fuzzed in that package): `x_groq`
 * extensions, the chat body and stream with Groq's hooks, and Groq's own error statuses. Arbitrary JSON and
 * near-miss bodies give a well-formed result or a taxonomy error; the error mapper never throws.
 */
import { AccelerateError, type ChatStreamEvent, isPlainObject, type SseEvent } from '@ipfs-accelerate/core';
import {
  anyErrorResponse,
  expectChatStreamEvent,
  expectOptionalType,
  expectTaxonomyError,
  expectTokenUsage,
  expectToolCall,
  FINISH_REASONS,
  fuzzedBody,
  isCount,
  mapFramesOrTypedError,
  nearMiss,
  rarelyPresent,
  resultOrTypedError,
  toJsonText,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGroqChatResponse } from './groq-chat.js';
import { createGroqChatStreamMapper, type GroqChatStreamEvent } from './groq-chat-stream.js';
import { GROQ_CAPACITY_EXCEEDED_STATUS, GROQ_CLIENT_CLOSED_STATUS, parseGroqError } from './groq-error.js';
import {
  GROQ_HOOKS,
  type GroqTimings,
  readGroqReasoning,
  readGroqRequestId,
  readGroqTimings,
  readGroqUsage,
} from './groq-extensions.js';

// ---- Groq shapes ----

const usage = nearMiss({
  prompt_tokens: fc.nat(),
  completion_tokens: fc.nat(),
  total_tokens: fc.nat(),
  queue_time: fc.double(),
  prompt_time: fc.double(),
  completion_time: fc.double(),
  total_time: fc.double(),
});
const xGroq = nearMiss({
  id: fc.string(),
  usage,
  error: rarelyPresent(
    fc.oneof(fc.string(), nearMiss({ message: fc.string(), type: fc.string(), code: fc.string() })),
  ),
});
const completion = nearMiss({
  id: fc.string(),
  model: fc.string(),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 1 }),
      message: nearMiss({
        content: fc.string(),
        reasoning: fc.string(),
        tool_calls: fc.array(
          nearMiss({ id: fc.string(), function: nearMiss({ name: fc.string(), arguments: fc.string() }) }),
          { maxLength: 2 },
        ),
      }),
      finish_reason: fc.constantFrom('stop', 'length', 'tool_calls'),
    }),
    { maxLength: 2 },
  ),
  usage,
  x_groq: xGroq,
});
const chunk = nearMiss({
  id: fc.string(),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 1 }),
      delta: nearMiss({ content: fc.string(), reasoning: fc.string() }),
      finish_reason: fc.constantFrom('stop', 'length', null),
    }),
    { maxLength: 2 },
  ),
  x_groq: xGroq,
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({ event: fc.constant('message'), data: fuzzedBody(chunk).map(toJsonText) }),
  fc.record({
    event: fc.constantFrom('message', 'error'),
    data: fc.oneof(fc.string(), fc.constant('[DONE]')),
  }),
);

function expectTimings(timings: GroqTimings | undefined): void {
  for (const value of Object.values(timings ?? {})) expect(isCount(value)).toBe(true);
}
function expectGroqEvent(event: GroqChatStreamEvent): void {
  expectChatStreamEvent(event as ChatStreamEvent);
  if (event.type === 'finish') expectTimings(event.timings);
}

describe('groq readers under fuzzing', () => {
  it('parseGroqChatResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(completion), (body) => {
        const context = { requestId: 'req_fuzz', providerRequestId: undefined as string | undefined };
        resultOrTypedError(
          () => parseGroqChatResponse(body, context),
          (result) => {
            expect(typeof result.text).toBe('string');
            result.toolCalls.forEach(expectToolCall);
            expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
            expectTokenUsage(result.usage);
            expectTimings(result.timings);
            expectOptionalType(result.reasoning, 'string');
            expectOptionalType(result.providerRequestId, 'string');
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('the stream mapper with Groq hooks: well-formed events or a taxonomy error, then one finish (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const context = { providerRequestId: undefined as string | undefined };
        const mapper = createGroqChatStreamMapper(context);
        if (mapFramesOrTypedError(mapper, frames, expectGroqEvent) === 'error') return;
        const finish = mapper.flush?.() ?? [];
        expect(finish).toHaveLength(1);
        finish.forEach(expectGroqEvent);
        expectOptionalType(context.providerRequestId, 'string');
      }),
      { numRuns: 300 },
    );
  });

  it('the x_groq readers and hooks never throw (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(completion), (body) => {
        expectOptionalType(readGroqReasoning(body), 'string');
        if (!isPlainObject(body)) return;
        expectOptionalType(readGroqRequestId(body), 'string');
        const read = readGroqUsage(body);
        if (read !== undefined) expect(isPlainObject(read)).toBe(true);
        expectTimings(readGroqTimings(read));
        expectOptionalType(GROQ_HOOKS.providerRequestId(body), 'string');
        GROQ_HOOKS.usage(body);
        GROQ_HOOKS.streamError(body);
      }),
      { numRuns: 300 },
    );
  });
});

describe('groq error mapper under fuzzing', () => {
  it('parseGroqError: a taxonomy error for 498 and 499, undefined for the rest, never a throw (property)', () => {
    const body = fuzzedBody(
      nearMiss({ error: nearMiss({ message: fc.string(), type: fc.string(), code: fc.string() }) }),
    );
    const status = fc.oneof(
      fc.constantFrom(GROQ_CAPACITY_EXCEEDED_STATUS, GROQ_CLIENT_CLOSED_STATUS),
      fc.integer({ min: 0, max: 999 }),
    );
    fc.assert(
      fc.property(anyErrorResponse, status, body, (response, code, json) => {
        for (const bodyJson of [json, undefined]) {
          const error = parseGroqError({ ...response, status: code, bodyJson });
          if (code === GROQ_CAPACITY_EXCEEDED_STATUS || code === GROQ_CLIENT_CLOSED_STATUS) {
            expect(AccelerateError.isInstance(error)).toBe(true);
            expectTaxonomyError(error);
          } else expect(error).toBeUndefined();
        }
      }),
      { numRuns: 400 },
    );
  });
});
