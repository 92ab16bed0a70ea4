/**
 * Fuzz tests of every reader of an Ollama response body (and NDJSON stream line): arbitrary JSON and
 * near-miss bodies (the valid shape with fields of the wrong type, missing, huge, or nested past any stack)
 * give a well-formed result or a taxonomy error, and the error mappers always return a taxonomy error.
 */
import { isPlainObject } from '@ipfs-accelerate/core';
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
  isCount,
  mapFramesOrTypedError,
  mapsToTaxonomyError,
  nearMiss,
  rarelyPresent,
  resultOrTypedError,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OllamaChatResult, parseOllamaChatResponse, toolCallFromWire } from './ollama-chat.js';
import { createOllamaChatStreamMapper } from './ollama-chat-stream.js';
import { parseOllamaEmbedResponse } from './ollama-embed.js';
import { ollamaStreamError, parseOllamaError } from './ollama-error.js';
import {
  createOllamaGenerateStreamMapper,
  type OllamaGenerateResult,
  type OllamaGenerateStreamEvent,
  parseOllamaGenerateResponse,
} from './ollama-generate.js';
import { type OllamaDurations, ollamaDurations, ollamaUsage } from './ollama-metrics.js';
import {
  type OllamaModelDetails,
  parseOllamaPs,
  parseOllamaShow,
  parseOllamaTags,
  parseOllamaVersion,
} from './ollama-models.js';
import { createOllamaPullMapper } from './ollama-pull.js';

// ---- Ollama shapes ----

const stats = {
  total_duration: fc.nat(),
  load_duration: fc.nat(),
  prompt_eval_count: fc.nat(),
  prompt_eval_duration: fc.nat(),
  eval_count: fc.nat(),
  eval_duration: fc.nat(),
};
const toolCall = nearMiss({
  id: fc.string(),
  function: nearMiss({
    name: fc.string(),
    arguments: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.string()),
  }),
});
const chatLine = nearMiss({
  model: fc.string(),
  created_at: fc.string(),
  message: nearMiss({
    role: fc.constant('assistant'),
    content: fc.string(),
    thinking: fc.string(),
    tool_calls: fc.array(toolCall, { maxLength: 2 }),
  }),
  done: fc.boolean(),
  done_reason: fc.constantFrom('stop', 'length', 'load', 'unload', 'toString'),
  error: rarelyPresent(fc.oneof(fc.string(), nearMiss({ message: fc.string() }))),
  ...stats,
});
const generateLine = nearMiss({
  model: fc.string(),
  response: fc.string(),
  thinking: fc.string(),
  done: fc.boolean(),
  done_reason: fc.constantFrom('stop', 'length', 'load'),
  context: fc.array(fc.integer(), { maxLength: 4 }),
  error: rarelyPresent(fc.string()),
  ...stats,
});
const errorMessages = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'server busy, please try again.  maximum pending requests exceeded',
    'model "llama3" not found, try pulling it first',
    'pull model manifest: file does not exist',
  ),
);

function expectDurations(durations: OllamaDurations): void {
  for (const value of Object.values(durations)) if (value !== undefined) expect(isCount(value)).toBe(true);
}
function expectDetails(details: OllamaModelDetails): void {
  for (const [key, value] of Object.entries(details)) {
    if (key === 'families') expect((value as unknown[]).every((f) => typeof f === 'string')).toBe(true);
    else expect(typeof value).toBe('string');
  }
}
function expectDate(value: Date | undefined): void {
  if (value !== undefined) expect(Number.isNaN(value.getTime())).toBe(false);
}
function expectChatResult(result: OllamaChatResult): void {
  expect(typeof result.text).toBe('string');
  result.toolCalls.forEach(expectToolCall);
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expectTokenUsage(result.usage);
  expectOptionalType(result.model, 'string');
  expectOptionalType(result.reasoning, 'string');
  expectDurations(result.durations);
}
function expectGenerateResult(result: OllamaGenerateResult): void {
  expect(typeof result.text).toBe('string');
  expect(typeof result.done).toBe('boolean');
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expectTokenUsage(result.usage);
  expectDurations(result.durations);
  for (const key of ['model', 'thinking', 'doneReason'] as const) expectOptionalType(result[key], 'string');
  if (result.context !== undefined) expect(result.context.every((n) => typeof n === 'number')).toBe(true);
}
function expectGenerateEvent(event: OllamaGenerateStreamEvent): void {
  if (event.type !== 'finish') {
    expect(typeof event.text).toBe('string');
    return;
  }
  expect(FINISH_REASONS.has(event.finishReason)).toBe(true);
  expectTokenUsage(event.usage);
  expectDurations(event.durations);
  expectOptionalType(event.doneReason, 'string');
  if (event.context !== undefined) expect(event.context.every((n) => typeof n === 'number')).toBe(true);
}

describe('ollama readers under fuzzing', () => {
  it('parseOllamaChatResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(chatLine), (body) => {
        resultOrTypedError(() => parseOllamaChatResponse(body, fuzzAttemptContext()), expectChatResult);
      }),
      { numRuns: 400 },
    );
  });

  it('toolCallFromWire: a tool call or a taxonomy error, for any value (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(toolCall), fc.nat({ max: 9 }), (call, index) => {
        resultOrTypedError(() => toolCallFromWire(call, index), expectToolCall);
      }),
      { numRuns: 300 },
    );
  });

  it('the chat stream mapper: well-formed events or a taxonomy error, for any lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fuzzedBody(chatLine), { maxLength: 5 }), (lines) => {
        const mapper = createOllamaChatStreamMapper();
        if (mapFramesOrTypedError(mapper, lines, expectChatStreamEvent) === 'error') return;
      }),
      { numRuns: 300 },
    );
  });

  it('generate, one-shot and streamed: well-formed results and events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        fuzzedBody(generateLine),
        fc.array(fc.oneof(generateLine, anyBody), { maxLength: 4 }),
        (body, lines) => {
          resultOrTypedError(
            () => parseOllamaGenerateResponse(body, fuzzAttemptContext()),
            expectGenerateResult,
          );
          const mapper = createOllamaGenerateStreamMapper();
          if (mapFramesOrTypedError(mapper, lines, expectGenerateEvent) === 'error') return;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parseOllamaEmbedResponse: the expected number of vectors or a taxonomy error (property)', () => {
    const embed = nearMiss({
      model: fc.string(),
      embeddings: fc.array(fc.array(fc.double({ noNaN: true }), { maxLength: 3 }), { maxLength: 3 }),
      prompt_eval_count: fc.nat(),
    });
    fc.assert(
      fc.property(fuzzedBody(embed), fc.nat({ max: 3 }), (body, expected) => {
        resultOrTypedError(
          () => parseOllamaEmbedResponse(body, expected, fuzzAttemptContext()),
          (result) => {
            expect(result.embeddings).toHaveLength(expected);
            for (const v of result.embeddings) expect(v.every((x) => typeof x === 'number')).toBe(true);
            expectTokenUsage(result.usage);
            expectOptionalType(result.model, 'string');
          },
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the model catalogue readers: well-formed models or a taxonomy error (property)', () => {
    const details = nearMiss({
      parent_model: fc.string(),
      format: fc.string(),
      family: fc.string(),
      families: fc.array(fc.oneof(fc.string(), fc.jsonValue()), { maxLength: 2 }),
      parameter_size: fc.string(),
      quantization_level: fc.string(),
    });
    const model = nearMiss({
      name: fc.string(),
      model: fc.string(),
      modified_at: fc.oneof(fc.constant('2024-05-01T10:00:00Z'), fc.string()),
      expires_at: fc.oneof(fc.constant('2024-05-01T10:00:00Z'), fc.string()),
      size: fc.nat(),
      size_vram: fc.nat(),
      digest: fc.string(),
      details,
      context_length: fc.nat(),
      remote_model: fc.string(),
      remote_host: fc.string(),
    });
    const list = nearMiss({ models: fc.oneof(fc.array(model, { maxLength: 3 }), fc.constant(null)) });
    const show = nearMiss({
      modelfile: fc.string(),
      parameters: fc.string(),
      template: fc.string(),
      details,
      model_info: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
      capabilities: fc.array(fc.oneof(fc.string(), fc.jsonValue()), { maxLength: 3 }),
      modified_at: fc.string(),
    });
    fc.assert(
      fc.property(
        fuzzedBody(list),
        fuzzedBody(show),
        fc.oneof(nearMiss({ version: fc.string() }), anyBody),
        (tags, shown, version) => {
          resultOrTypedError(
            () => parseOllamaTags(tags),
            (models) => {
              for (const m of models) {
                expect(typeof m.name).toBe('string');
                expect(typeof m.model).toBe('string');
                expectDetails(m.details);
                expectDate(m.modifiedAt);
                for (const key of ['digest', 'remoteModel', 'remoteHost'] as const)
                  expectOptionalType(m[key], 'string');
                if (m.size !== undefined) expect(Number.isFinite(m.size)).toBe(true);
              }
            },
          );
          resultOrTypedError(
            () => parseOllamaPs(tags),
            (models) => {
              for (const m of models) {
                expect(typeof m.name).toBe('string');
                expect(typeof m.model).toBe('string');
                expectDetails(m.details);
                expectDate(m.expiresAt);
                expectOptionalType(m.digest, 'string');
              }
            },
          );
          resultOrTypedError(
            () => parseOllamaShow(shown),
            (result) => {
              expectDetails(result.details);
              expect(isPlainObject(result.modelInfo)).toBe(true);
              expect(result.capabilities.every((c) => typeof c === 'string')).toBe(true);
              expectDate(result.modifiedAt);
              for (const key of ['modelfile', 'parameters', 'template', 'system', 'license'] as const) {
                expectOptionalType(result[key], 'string');
              }
            },
          );
          resultOrTypedError(
            () => parseOllamaVersion(version),
            (v) => expect(typeof v === 'string' && v !== '').toBe(true),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the pull mapper: progress reports or a taxonomy error (property)', () => {
    const line = nearMiss({
      status: fc.constantFrom('pulling manifest', 'success', 'verifying sha256 digest'),
      digest: fc.string(),
      total: fc.nat(),
      completed: fc.nat(),
      error: rarelyPresent(errorMessages),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(line, anyBody), { maxLength: 5 }), (lines) => {
        const mapper = createOllamaPullMapper();
        mapFramesOrTypedError(mapper, lines, (p) => {
          expect(typeof p.status).toBe('string');
          expectOptionalType(p.digest, 'string');
          expectOptionalType(p.total, 'number');
          expectOptionalType(p.completed, 'number');
        });
      }),
      { numRuns: 200 },
    );
  });

  it('usage and durations never throw and are counts (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss(stats), anyBody.filter(isPlainObject)), (value) => {
        expectTokenUsage(ollamaUsage(value));
        expectDurations(ollamaDurations(value));
      }),
      { numRuns: 200 },
    );
  });
});

describe('ollama error mappers under fuzzing', () => {
  it('parseOllamaError maps every response to a taxonomy error, never throws (property)', () => {
    const body = fc.oneof(nearMiss({ error: errorMessages, detail: fc.jsonValue() }), anyBody);
    fc.assert(
      fc.property(anyErrorResponse, body, (response, json) => {
        mapsToTaxonomyError(() => parseOllamaError({ ...response, bodyJson: json }));
        mapsToTaxonomyError(() => parseOllamaError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('ollamaStreamError maps any in-band error value, never throws (property)', () => {
    fc.assert(
      fc.property(fc.oneof(errorMessages, nearMiss({ message: errorMessages }), anyBody), (error) => {
        mapsToTaxonomyError(() => ollamaStreamError(error));
      }),
      { numRuns: 300 },
    );
  });
});
