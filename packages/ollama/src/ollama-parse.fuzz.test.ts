/**
 * Fuzz tests of every reader of an Ollama response body (and NDJSON stream line): arbitrary JSON and
 * near-miss bodies (the valid shape with fields of the wrong type, missing, huge, or nested past any stack)
 * give a well-formed result or a taxonomy error, and the error mappers always return a taxonomy error.
 */
import {
  AccelerateError,
  type AttemptContext,
  type ChatStreamEvent,
  type ErrorResponse,
  isPlainObject,
} from '@ipfs-accelerate/core';
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

const FINISH_REASONS = new Set(['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other']);

function expectToolCall(call: unknown): void {
  const c = call as { id: unknown; name: unknown; arguments: unknown };
  expect(typeof c.id === 'string' && c.id !== '').toBe(true);
  expect(typeof c.name).toBe('string');
  expect(typeof c.arguments).toBe('string');
}

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

// ---- Ollama shapes ----

function attemptContext(): AttemptContext {
  return { requestId: 'req_fuzz', providerRequestId: undefined } as unknown as AttemptContext;
}

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
  error: rarely(fc.oneof(fc.string(), nearMiss({ message: fc.string() }))),
  ...stats,
});
const generateLine = nearMiss({
  model: fc.string(),
  response: fc.string(),
  thinking: fc.string(),
  done: fc.boolean(),
  done_reason: fc.constantFrom('stop', 'length', 'load'),
  context: fc.array(fc.integer(), { maxLength: 4 }),
  error: rarely(fc.string()),
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
  expectUsage(result.usage);
  expectOptional(result.model, 'string');
  expectOptional(result.reasoning, 'string');
  expectDurations(result.durations);
}
function expectGenerateResult(result: OllamaGenerateResult): void {
  expect(typeof result.text).toBe('string');
  expect(typeof result.done).toBe('boolean');
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expectUsage(result.usage);
  expectDurations(result.durations);
  for (const key of ['model', 'thinking', 'doneReason'] as const) expectOptional(result[key], 'string');
  if (result.context !== undefined) expect(result.context.every((n) => typeof n === 'number')).toBe(true);
}
function expectGenerateEvent(event: OllamaGenerateStreamEvent): void {
  if (event.type !== 'finish') {
    expect(typeof event.text).toBe('string');
    return;
  }
  expect(FINISH_REASONS.has(event.finishReason)).toBe(true);
  expectUsage(event.usage);
  expectDurations(event.durations);
  expectOptional(event.doneReason, 'string');
  if (event.context !== undefined) expect(event.context.every((n) => typeof n === 'number')).toBe(true);
}

describe('ollama readers under fuzzing', () => {
  it('parseOllamaChatResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.oneof(chatLine, planted(chatLine), anyBody), (body) => {
        resultOrTyped(() => parseOllamaChatResponse(body, attemptContext()), expectChatResult);
      }),
      { numRuns: 400 },
    );
  });

  it('toolCallFromWire: a tool call or a taxonomy error, for any value (property)', () => {
    fc.assert(
      fc.property(fc.oneof(toolCall, planted(toolCall), anyBody), fc.nat({ max: 9 }), (call, index) => {
        resultOrTyped(() => toolCallFromWire(call, index), expectToolCall);
      }),
      { numRuns: 300 },
    );
  });

  it('the chat stream mapper: well-formed events or a taxonomy error, for any lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(chatLine, planted(chatLine), anyBody), { maxLength: 5 }), (lines) => {
        const mapper = createOllamaChatStreamMapper();
        for (const line of lines) {
          const outcome = resultOrTyped(
            () => mapper.map(line),
            (out) => asList(out).forEach(expectChatEvent),
          );
          if (outcome === 'error') return;
          expect(typeof mapper.isTerminal?.(line)).toBe('boolean');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('generate, one-shot and streamed: well-formed results and events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(generateLine, planted(generateLine), anyBody),
        fc.array(fc.oneof(generateLine, anyBody), { maxLength: 4 }),
        (body, lines) => {
          resultOrTyped(() => parseOllamaGenerateResponse(body, attemptContext()), expectGenerateResult);
          const mapper = createOllamaGenerateStreamMapper();
          for (const line of lines) {
            const outcome = resultOrTyped(
              () => mapper.map(line),
              (out) => asList(out).forEach(expectGenerateEvent),
            );
            if (outcome === 'error') return;
          }
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
      fc.property(fc.oneof(embed, planted(embed), anyBody), fc.nat({ max: 3 }), (body, expected) => {
        resultOrTyped(
          () => parseOllamaEmbedResponse(body, expected, attemptContext()),
          (result) => {
            expect(result.embeddings).toHaveLength(expected);
            for (const v of result.embeddings) expect(v.every((x) => typeof x === 'number')).toBe(true);
            expectUsage(result.usage);
            expectOptional(result.model, 'string');
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
        fc.oneof(list, planted(list), anyBody),
        fc.oneof(show, planted(show), anyBody),
        fc.oneof(nearMiss({ version: fc.string() }), anyBody),
        (tags, shown, version) => {
          resultOrTyped(
            () => parseOllamaTags(tags),
            (models) => {
              for (const m of models) {
                expect(typeof m.name).toBe('string');
                expect(typeof m.model).toBe('string');
                expectDetails(m.details);
                expectDate(m.modifiedAt);
                for (const key of ['digest', 'remoteModel', 'remoteHost'] as const)
                  expectOptional(m[key], 'string');
                if (m.size !== undefined) expect(Number.isFinite(m.size)).toBe(true);
              }
            },
          );
          resultOrTyped(
            () => parseOllamaPs(tags),
            (models) => {
              for (const m of models) {
                expect(typeof m.name).toBe('string');
                expect(typeof m.model).toBe('string');
                expectDetails(m.details);
                expectDate(m.expiresAt);
                expectOptional(m.digest, 'string');
              }
            },
          );
          resultOrTyped(
            () => parseOllamaShow(shown),
            (result) => {
              expectDetails(result.details);
              expect(isPlainObject(result.modelInfo)).toBe(true);
              expect(result.capabilities.every((c) => typeof c === 'string')).toBe(true);
              expectDate(result.modifiedAt);
              for (const key of ['modelfile', 'parameters', 'template', 'system', 'license'] as const) {
                expectOptional(result[key], 'string');
              }
            },
          );
          resultOrTyped(
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
      error: rarely(errorMessages),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(line, anyBody), { maxLength: 5 }), (lines) => {
        const mapper = createOllamaPullMapper();
        for (const l of lines) {
          const outcome = resultOrTyped(
            () => mapper.map(l),
            (out) => {
              for (const p of asList(out)) {
                expect(typeof p.status).toBe('string');
                expectOptional(p.digest, 'string');
                expectOptional(p.total, 'number');
                expectOptional(p.completed, 'number');
              }
            },
          );
          if (outcome === 'error') return;
          expect(typeof mapper.isTerminal?.(l)).toBe('boolean');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('usage and durations never throw and are counts (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss(stats), anyBody.filter(isPlainObject)), (value) => {
        expectUsage(ollamaUsage(value));
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
      fc.property(errorResponse, body, (response, json) => {
        mapsToTaxonomy(() => parseOllamaError({ ...response, bodyJson: json }));
        mapsToTaxonomy(() => parseOllamaError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('ollamaStreamError maps any in-band error value, never throws (property)', () => {
    fc.assert(
      fc.property(fc.oneof(errorMessages, nearMiss({ message: errorMessages }), anyBody), (error) => {
        mapsToTaxonomy(() => ollamaStreamError(error));
      }),
      { numRuns: 300 },
    );
  });
});
