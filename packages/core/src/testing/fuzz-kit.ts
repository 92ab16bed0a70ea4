/**
 * fast-check arbitraries for fuzzing the readers of a response body: traps that catch careless readers
 * (coercion, prototype keys, extremes, values nested deeper than any stack), near-miss bodies (the valid shape
 * with fields wrong, missing or stray), planted traps, error responses as the core hands them to
 * `parseError`, and JSON text of all of these. Test support only; needs fast-check installed.
 */
import fc from 'fast-check';
import type { AttemptContext } from '../backend.js';
import type { LaneInfo } from '../endpoints.js';
import type { ErrorResponse } from '../http-exchange.js';
import { isPlainObject } from '../validate-input.js';

/**
 * A value nested `depth` times by `wrap`, starting from `0`: deep enough (at 20 000) to overflow any recursive
 * reader or `JSON.stringify`, while `JSON.parse` still accepts its text. fast-check prints it as
 * `<nested N deep>` rather than walking it.
 * @param depth - how many times to wrap
 * @param wrap - wraps one level, e.g. `(v) => [v]` or `(v) => ({ a: v })`
 */
export function deeplyNested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = wrap(value);
  if (typeof value === 'object' && value !== null) {
    // fast-check prints counterexamples recursively: give it a short name instead.
    Object.defineProperty(value, fc.toStringMethod, { value: () => `<nested ${depth} deep>` });
  }
  return value;
}

/** Two values nested 20 000 deep: an array of arrays and an object of objects (`{ a: { a: … } }`). */
export const DEEP_VALUES: readonly unknown[] = Object.freeze([
  deeplyNested(20_000, (v) => [v]),
  deeplyNested(20_000, (v) => ({ a: v })),
]);

/** The JSON text of each of {@link DEEP_VALUES}, in the same order (`JSON.stringify` cannot write them). */
export const DEEP_JSON_TEXTS: readonly string[] = Object.freeze([
  `${'['.repeat(20_000)}0${']'.repeat(20_000)}`,
  `${'{"a":'.repeat(20_000)}0${'}'.repeat(20_000)}`,
]);

/**
 * An object as `JSON.parse` makes it: every key an own, enumerable property, `__proto__` included (an object
 * literal or plain assignment would set the prototype instead).
 */
export function ownObject(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * JSON values that trip careless readers: coercion traps (`'NaN'`, `'1e999'`, `[null]`, objects with their own
 * `toString`/`valueOf`), prototype keys (`__proto__`, `constructor`), extremes (`1e308`, 2^53 + 2, a 5 000
 * character string) and {@link DEEP_VALUES}.
 */
export const trapValue: fc.Arbitrary<unknown> = fc.oneof(
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
    ownObject([['toString', 1]]),
    ownObject([
      ['valueOf', 1],
      ['toString', 1],
    ]),
    ownObject([['__proto__', { polluted: 1 }]]),
    ownObject([['constructor', 'x']]),
  ),
  fc.constantFrom(...DEEP_VALUES),
);

/** Marks a field that {@link nearMiss} leaves out of the object it builds. */
export const MISSING_FIELD: unique symbol = Symbol('missing field');

/** A wrong value for a field: a {@link trapValue}, any shallow JSON, or {@link MISSING_FIELD} (left out). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  trapValue,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(MISSING_FIELD),
);

/**
 * A field that is usually absent (four times in five): error keys and the like, which would hide the rest of
 * the body if they were always there. Use inside {@link nearMiss}.
 */
export function rarelyPresent(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constant(MISSING_FIELD), weight: 4 }, { arbitrary: valid, weight: 1 });
}

/** Any body at all: any JSON, any JavaScript value fast-check makes, or a {@link trapValue}. */
export const anyBody: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.anything(), trapValue);

/**
 * The valid shape with each field sometimes wrong or left out (one time in six, a {@link wrongValue}), and
 * now and then a stray key (`__proto__`, `constructor`, `error`, …). Nest calls for nested shapes.
 * @param fields - an arbitrary of a valid value for each field
 */
export function nearMiss(
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const arbitraries = Object.fromEntries(
    Object.entries(fields).map(([key, valid]) => [
      key,
      fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: wrongValue, weight: 1 }),
    ]),
  );
  const stray = fc.tuple(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'error'),
    wrongValue,
  );
  return fc
    .tuple(fc.record(arbitraries), fc.array(stray, { maxLength: 1 }))
    .map(([record, extra]) =>
      ownObject([...Object.entries(record), ...extra].filter(([, v]) => v !== MISSING_FIELD)),
    );
}

/**
 * Bodies of `body` with one value somewhere inside (picked at random among the first 500) replaced by a
 * {@link trapValue}. The generated body is copied along the path, never mutated.
 */
export function plantTrap(body: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(body, fc.nat(), trapValue).map(([value, pick, replacement]) => {
    const paths: Array<Array<string | number>> = [];
    const walk = (v: unknown, path: Array<string | number>): void => {
      if (paths.length >= 500 || DEEP_VALUES.includes(v)) return;
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
      return ownObject(entries.map(([k, item]) => [k, k === key ? replace(item, at + 1) : item] as const));
    };
    return replace(value, 0);
  });
}

/** A body of the given shape, that shape with a planted trap ({@link plantTrap}), or {@link anyBody}. */
export function fuzzedBody(shape: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(shape, plantTrap(shape), anyBody);
}

/**
 * An error response as the core hands it to `ProtocolAdapter.parseError`: any status (the common ones
 * more often), empty headers, any text, and any (or no) parsed JSON body. Spread it and set `bodyJson` to
 * fuzz a provider's error shape: `{ ...response, bodyJson: body }`.
 */
export const anyErrorResponse: fc.Arbitrary<ErrorResponse> = fc.record({
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

/**
 * The JSON text of a value, {@link DEEP_VALUES} included wherever they stand (`JSON.stringify` cannot write
 * those); `'null'` for what JSON cannot hold at the top (undefined, functions, symbols).
 */
export function toJsonText(value: unknown): string {
  const at = DEEP_VALUES.indexOf(value);
  if (at >= 0) return DEEP_JSON_TEXTS[at] as string;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    const i = DEEP_VALUES.indexOf(v);
    return i >= 0 ? `\u0000deep${i}\u0000` : v;
  });
  return (text ?? 'null').replace(
    /"\\u0000deep(\d)\\u0000"/g,
    (_m, i: string) => DEEP_JSON_TEXTS[Number(i)] as string,
  );
}

/**
 * An attempt context for calling a `parse` function or stream mapper directly: request id `req_fuzz` (or
 * the one given), first attempt, a lane on `http://127.0.0.1` without credentials, a signal that never aborts.
 */
export function fuzzAttemptContext(requestId = 'req_fuzz'): AttemptContext {
  const lane: LaneInfo = {
    id: 'fuzz',
    baseURL: 'http://127.0.0.1',
    headers: {},
    apiKey: () => undefined,
    secret: () => undefined,
  };
  return {
    requestId,
    operation: 'fuzz',
    attempt: 1,
    lane,
    signal: new AbortController().signal,
    providerRequestId: undefined,
    status: undefined,
  };
}
