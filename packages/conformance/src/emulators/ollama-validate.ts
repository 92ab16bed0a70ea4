import type { EmulatorRequest, JsonReply } from '../emulator/types.js';
import { jsonKind, modelNotFound, ollamaErrorReply, unmarshalError } from './ollama-errors.js';
import { findModel, isObject, type JsonObject, type OllamaEmulatorState } from './ollama-shapes.js';

/** A request body parsed and type-checked, or the error reply that ends the request. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reply: JsonReply };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = (reply: JsonReply): Checked<never> => ({ ok: false, reply });

/** A field's JSON type check and the Go type named in the binding error. */
type FieldRule = readonly [check: (value: unknown) => boolean, goType: string];

const isString = (value: unknown): boolean => typeof value === 'string';
const isBool = (value: unknown): boolean => typeof value === 'boolean';
const isInt = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value);
const isArray = (value: unknown): boolean => Array.isArray(value);

/** Rules shared by the requests: name -> [check, Go type]. */
export const FIELD = {
  string: [isString, 'string'],
  bool: [isBool, 'bool'],
  int: [isInt, 'int'],
  map: [isObject, 'map[string]interface {}'],
  ints: [(value) => isArray(value) && (value as unknown[]).every(isInt), '[]int'],
  strings: [(value) => isArray(value) && (value as unknown[]).every(isString), '[]string'],
} as const satisfies Record<string, FieldRule>;

/** `ChatRequest` fields the emulator type-checks. */
export const CHAT_FIELDS: Record<string, FieldRule> = {
  model: FIELD.string,
  messages: [isArray, '[]api.Message'],
  tools: [isArray, 'api.Tools'],
  stream: FIELD.bool,
  options: FIELD.map,
};

/** `GenerateRequest` fields the emulator type-checks. */
export const GENERATE_FIELDS: Record<string, FieldRule> = {
  model: FIELD.string,
  prompt: FIELD.string,
  suffix: FIELD.string,
  system: FIELD.string,
  template: FIELD.string,
  context: FIELD.ints,
  images: FIELD.strings,
  stream: FIELD.bool,
  raw: FIELD.bool,
  options: FIELD.map,
};

/**
 * Parses a body like gin's `ShouldBindJSON` into `struct`, whatever the content type says: empty -> `missing
 * request body`, broken JSON -> Go's syntax error, not an object or a field of the wrong JSON type -> Go's
 * unmarshal error; all 400. `null` fields count as absent, as in Go.
 */
export function parseBody(
  request: EmulatorRequest,
  struct: string,
  rules: Readonly<Record<string, FieldRule>>,
): Checked<JsonObject> {
  const text = request.body.toString('utf8');
  if (text.trim() === '') return fail(ollamaErrorReply(400, 'missing request body'));
  let body: unknown = request.json;
  if (body === undefined) {
    try {
      body = JSON.parse(text);
    } catch {
      return fail(ollamaErrorReply(400, syntaxError(text)));
    }
  }
  if (!isObject(body)) {
    return fail(
      ollamaErrorReply(400, `json: cannot unmarshal ${jsonKind(body)} into Go value of type ${struct}`),
    );
  }
  for (const [field, [check, goType]] of Object.entries(rules)) {
    const value = body[field];
    if (value !== undefined && value !== null && !check(value)) {
      return fail(unmarshalError(struct.replace(/^api\./, ''), field, goType, value));
    }
  }
  return ok(body);
}

function syntaxError(text: string): string {
  const first = text.trimStart()[0] ?? '';
  if (!/[{["\-0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`;
  return 'unexpected EOF';
}

/** `model` present (400 `model is required`) and on the server (404 `model "x" not found, ...`). */
export function checkModel(body: JsonObject, state: OllamaEmulatorState, field = 'model'): Checked<string> {
  const name = body[field];
  if (typeof name !== 'string' || name === '') return fail(ollamaErrorReply(400, 'model is required'));
  return findModel(state, name) ? ok(name) : fail(modelNotFound(name));
}

const INT_OPTIONS = [
  'num_predict',
  'num_ctx',
  'num_keep',
  'num_batch',
  'num_gpu',
  'seed',
  'top_k',
  'repeat_last_n',
];
const FLOAT_OPTIONS = [
  'temperature',
  'top_p',
  'min_p',
  'typical_p',
  'repeat_penalty',
  'presence_penalty',
  'frequency_penalty',
];

/**
 * Runtime options as `api.Options.FromMap` checks them. The real server reports these from the scheduler, so
 * they are 500s, not 400s. Numbers are accepted for integer options and truncated, as Go does.
 */
export function checkOptions(options: unknown): JsonReply | undefined {
  if (!isObject(options)) return undefined;
  for (const [key, value] of Object.entries(options)) {
    if (value === null || value === undefined) continue;
    if (INT_OPTIONS.includes(key) && typeof value !== 'number') {
      return ollamaErrorReply(500, `option "${key}" must be of type integer`);
    }
    if (FLOAT_OPTIONS.includes(key) && typeof value !== 'number') {
      return ollamaErrorReply(500, `option "${key}" must be of type float32`);
    }
  }
  return undefined;
}

/** `options.num_predict`, truncated like Go's float64 -> int. */
export function numPredictOf(options: unknown): number | undefined {
  const value = isObject(options) ? options.num_predict : undefined;
  return typeof value === 'number' ? Math.trunc(value) : undefined;
}

/**
 * `format`: absent, `null` or `""` -> plain text; `"json"` or a schema object -> JSON. Anything else fails in the
 * runner (`llm/server.go`), which the real server reports as a 500.
 */
export function checkFormat(format: unknown): Checked<boolean> {
  if (format === undefined || format === null || format === '') return ok(false);
  if (format === 'json' || isObject(format)) return ok(true);
  const raw = JSON.stringify(format);
  return fail(
    ollamaErrorReply(
      500,
      `invalid format: ${JSON.stringify(raw)}; expected "json" or a valid JSON Schema object`,
    ),
  );
}

const ROLES = ['system', 'user', 'assistant', 'tool'];
const MESSAGE_FIELDS: Record<string, FieldRule> = {
  role: FIELD.string,
  content: FIELD.string,
  thinking: FIELD.string,
  images: FIELD.strings,
  tool_calls: [isArray, '[]api.ToolCall'],
  tool_name: FIELD.string,
};

/** Each message an object with string `role`/`content`, and a role Ollama's templates know. */
export function checkMessages(messages: readonly unknown[]): JsonReply | undefined {
  for (const message of messages) {
    if (!isObject(message)) return unmarshalError('ChatRequest', 'messages', 'api.Message', message);
    for (const [field, [check, goType]] of Object.entries(MESSAGE_FIELDS)) {
      const value = message[field];
      if (value !== undefined && value !== null && !check(value)) {
        return unmarshalError('Message', `messages.${field}`, goType, value);
      }
    }
    if (!ROLES.includes(String(message.role ?? ''))) {
      return ollamaErrorReply(
        400,
        `invalid role ${JSON.stringify(message.role ?? '')}: must be one of ${ROLES.join(', ')}`,
      );
    }
  }
  return undefined;
}

/** Each tool an object; its `function` an object (Ollama validates no more than the types). */
export function checkTools(tools: readonly unknown[] | undefined): JsonReply | undefined {
  for (const tool of tools ?? []) {
    if (!isObject(tool)) return unmarshalError('ChatRequest', 'tools', 'api.Tool', tool);
    const fn = tool.function;
    if (fn !== undefined && fn !== null && !isObject(fn)) {
      return unmarshalError('Tool', 'tools.function', 'api.ToolFunction', fn);
    }
  }
  return undefined;
}

/** Whether `keep_alive` asks to unload the model now (`0`, `"0"`, `"0s"`, ...). */
export function isUnload(keepAlive: unknown): boolean {
  if (typeof keepAlive === 'number') return keepAlive === 0;
  return typeof keepAlive === 'string' && /^0+(\.0+)?(ms|s|m|h)?$/.test(keepAlive.trim());
}
