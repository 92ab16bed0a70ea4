/**
 * Fuzz tests of every reader of an Anthropic response body: arbitrary JSON and near-miss bodies (the valid
 * shape with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or
 * a taxonomy error, and the error mappers always return a taxonomy error.
 */
import {
  AccelerateError,
  type AttemptContext,
  type ChatStreamEvent,
  type ErrorResponse,
  isPlainObject,
  type SseEvent,
} from '@ipfs-accelerate/core';
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

// ---- Anthropic shapes ----

function attemptContext(): AttemptContext {
  return { requestId: 'req_fuzz', providerRequestId: undefined } as unknown as AttemptContext;
}

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
  type: fc.oneof(fc.constant('message'), rarely(fc.constant('error'))),
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
    data: fc.oneof(streamData, planted(streamData)).map(toJson),
  }),
  fc.record({ event: fc.constantFrom(...EVENT_TYPES, 'message'), data: fc.string() }),
);

/** A whole tool block: its start (with any `input`), maybe a fragment, and its stop. */
const toolBlock: fc.Arbitrary<SseEvent[]> = fc
  .tuple(fc.nat({ max: 3 }), fc.oneof(anyBody, trap), fc.option(fc.string(), { nil: undefined }))
  .map(([index, input, fragment]) => {
    const frames: SseEvent[] = [
      {
        event: 'content_block_start',
        data: toJson({
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: 't', name: 'f', input },
        }),
      },
    ];
    if (fragment !== undefined) {
      frames.push({
        event: 'content_block_delta',
        data: toJson({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: fragment },
        }),
      });
    }
    frames.push({ event: 'content_block_stop', data: toJson({ type: 'content_block_stop', index }) });
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
  expectUsage(result.usage);
  for (const key of ['model', 'reasoning', 'stopReason', 'stopSequence', 'messageId'] as const) {
    expectOptional(result[key], 'string');
  }
  expect(Array.isArray(result.content)).toBe(true);
  for (const b of result.content) expect(isPlainObject(b)).toBe(true);
}

describe('claude readers under fuzzing', () => {
  it('parseClaudeMessage: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.oneof(message, planted(message), anyBody), (body) => {
        resultOrTyped(() => parseClaudeMessage(body, attemptContext()), expectChatResult);
      }),
      { numRuns: 500 },
    );
  });

  it('toolCallOf: a tool call with JSON arguments or a taxonomy error (property)', () => {
    fc.assert(
      // Its caller hands it objects only.
      fc.property(fc.oneof(block, anyBody.filter(isPlainObject)), (value) => {
        resultOrTyped(
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
        for (const f of list) {
          const outcome = resultOrTyped(
            () => mapper.map(f),
            (out) => asList(out).forEach(expectChatEvent),
          );
          if (outcome === 'error') return;
          expect(typeof mapper.isTerminal?.(f)).toBe('boolean');
        }
        const finish = mapper.flush?.() ?? [];
        expect(finish).toHaveLength(1);
        finish.forEach(expectChatEvent);
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
      fc.property(fc.oneof(page, planted(page), anyBody), fc.oneof(model, anyBody), (body, one) => {
        const checkModel = (m: ReturnType<typeof parseClaudeModel>) => {
          expect(typeof m.id === 'string' && m.id !== '').toBe(true);
          if (m.createdAt !== undefined) expect(Number.isNaN(m.createdAt.getTime())).toBe(false);
          expectOptional(m.displayName, 'string');
          expectOptional(m.maxInputTokens, 'number');
          expectOptional(m.maxOutputTokens, 'number');
        };
        resultOrTyped(
          () => parseClaudeModelPage(body),
          (result) => {
            result.models.forEach(checkModel);
            expect(typeof result.hasMore).toBe('boolean');
            expectOptional(result.firstId, 'string');
            expectOptional(result.lastId, 'string');
          },
        );
        resultOrTyped(() => parseClaudeModel(one), checkModel);
      }),
      { numRuns: 300 },
    );
  });

  it('small readers never throw: usage and stop reasons (property)', () => {
    fc.assert(
      fc.property(fc.oneof(usage, anyBody), (value) => {
        expectUsage(convertClaudeUsage(value as Parameters<typeof convertClaudeUsage>[0]));
        expect(FINISH_REASONS.has(mapClaudeStopReason(value as string))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('claude error mappers under fuzzing', () => {
  it('parseClaudeError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(errorResponse, fc.oneof(errorBody, anyBody), (response, body) => {
        mapsToTaxonomy(() => parseClaudeError({ ...response, bodyJson: body }));
        mapsToTaxonomy(() => parseClaudeError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('claudeStreamError and readClaudeErrorFields never throw (property)', () => {
    fc.assert(
      fc.property(fc.oneof(errorBody, anyBody), (body) => {
        mapsToTaxonomy(() => claudeStreamError(body));
        const fields = readClaudeErrorFields(body, 'fallback');
        expect(typeof fields.message).toBe('string');
        expectOptional(fields.type, 'string');
        expectOptional(fields.requestId, 'string');
      }),
      { numRuns: 400 },
    );
  });
});
