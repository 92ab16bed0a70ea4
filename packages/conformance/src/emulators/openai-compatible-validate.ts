import type { JsonReply } from '../emulator/types.js';
import { invalidRequest } from './openai-compatible-errors.js';

/** A JSON object from a request body. */
export type JsonObject = Readonly<Record<string, unknown>>;

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const TOOL_CHOICES = ['none', 'auto', 'required'];
const RESPONSE_FORMATS = ['text', 'json_object', 'json_schema'];

/** The real API's answer to a body that is not a JSON object. */
export const unparseableBody = (): JsonReply =>
  invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
      'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
    null,
  );

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names a JSON value's type the way the API's messages do. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export const missing = (param: string): JsonReply =>
  invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

export const wrongType = (param: string, expected: string, value: unknown): JsonReply =>
  invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`,
    param,
    'invalid_type',
  );

const invalidValue = (param: string, value: unknown, allowed: readonly string[]): JsonReply =>
  invalidRequest(
    `Invalid value: '${String(value)}'. Supported values are: ${allowed.map((v) => `'${v}'`).join(', ')}.`,
    param,
    'invalid_value',
  );

/** Checks an optional number: integer-ness and inclusive bounds, worded like the real API. */
export function checkNumber(
  body: JsonObject,
  param: string,
  rule: { integer?: boolean; min?: number; max?: number },
): JsonReply | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  const kind = rule.integer ? 'integer' : 'decimal';
  if (typeof value !== 'number' || (rule.integer && !Number.isInteger(value))) {
    return wrongType(param, `an ${kind === 'integer' ? 'integer' : 'number'}`, value);
  }
  if (rule.min !== undefined && value < rule.min) {
    const text = `Invalid '${param}': ${kind} below minimum value. Expected a value >= ${rule.min}, but got ${value} instead.`;
    return invalidRequest(text, param, `${kind}_below_min_value`);
  }
  if (rule.max !== undefined && value > rule.max) {
    const text = `Invalid '${param}': ${kind} above maximum value. Expected a value <= ${rule.max}, but got ${value} instead.`;
    return invalidRequest(text, param, `${kind}_above_max_value`);
  }
  return undefined;
}

/** Validates `messages` like the real API: a non-empty array of messages with known roles and their fields. */
export function checkMessages(messages: unknown): JsonReply | undefined {
  if (messages === undefined) return missing('messages');
  if (!Array.isArray(messages)) return wrongType('messages', 'an array of objects', messages);
  if (messages.length === 0) {
    return invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  for (const [i, message] of messages.entries()) {
    const at = `messages[${i}]`;
    if (!isObject(message)) return wrongType(at, 'an object', message);
    if (message.role === undefined) return missing(`${at}.role`);
    if (!ROLES.includes(String(message.role))) return invalidValue(`${at}.role`, message.role, ROLES);
    const content = message.content;
    const hasContent = content !== undefined && content !== null;
    if (hasContent && typeof content !== 'string' && !Array.isArray(content)) {
      return wrongType(`${at}.content`, 'one of a string or array of objects', content);
    }
    if (message.role === 'assistant') {
      if (!hasContent && !Array.isArray(message.tool_calls)) return missing(`${at}.content`);
    } else if (!hasContent) {
      return missing(`${at}.content`);
    }
    if (message.role === 'tool' && typeof message.tool_call_id !== 'string')
      return missing(`${at}.tool_call_id`);
  }
  return undefined;
}

/** Validates `tools`, `tool_choice` and `response_format`. */
export function checkToolsAndFormat(body: JsonObject): JsonReply | undefined {
  const { tools, tool_choice: choice, response_format: format } = body;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return wrongType('tools', 'an array of objects', tools);
    for (const [i, tool] of tools.entries()) {
      if (!isObject(tool)) return wrongType(`tools[${i}]`, 'an object', tool);
      if (tool.type !== 'function') return invalidValue(`tools[${i}].type`, tool.type, ['function']);
      if (!isObject(tool.function) || typeof tool.function.name !== 'string') {
        return missing(`tools[${i}].function.name`);
      }
    }
  }
  if (choice !== undefined && choice !== null) {
    if (tools === undefined || (Array.isArray(tools) && tools.length === 0)) {
      return invalidRequest(
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        'tool_choice',
      );
    }
    const named = isObject(choice) && isObject(choice.function) && typeof choice.function.name === 'string';
    if (!named && !TOOL_CHOICES.includes(String(choice)))
      return invalidValue('tool_choice', choice, TOOL_CHOICES);
  }
  if (format !== undefined && format !== null) {
    if (!isObject(format)) return wrongType('response_format', 'an object', format);
    if (!RESPONSE_FORMATS.includes(String(format.type))) {
      return invalidValue('response_format.type', format.type, RESPONSE_FORMATS);
    }
  }
  return undefined;
}

/** Validates `stream` and `stream_options`. */
export function checkStreamOptions(body: JsonObject): JsonReply | undefined {
  const { stream, stream_options: options } = body;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    return wrongType('stream', 'a boolean', stream);
  }
  if (options === undefined || options === null) return undefined;
  if (stream !== true) {
    return invalidRequest(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
      'invalid_value',
    );
  }
  if (!isObject(options)) return wrongType('stream_options', 'an object', options);
  return undefined;
}
