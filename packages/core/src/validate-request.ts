/**
 * Caller input checks, run before anything is queued or sent: a bad request fails at once with an
 * InvalidRequestError that says which field is wrong, and costs no network call.
 */
import type { ChatMessage, ChatRequest, EmbedRequest } from './capabilities.js';
import { InvalidRequestError } from './errors/index.js';
import { isPlainObject as isJsonObject } from './validate-input.js';

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'tool']);
const TOOL_CHOICES: ReadonlySet<string> = new Set(['auto', 'none', 'required']);

function fail(provider: string, message: string): never {
  throw new InvalidRequestError(`${provider}: ${message}`, { provider });
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function checkRange(provider: string, name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(provider, `${name} must be a number from ${min} to ${max}; got ${String(value)}`);
  }
}

function checkPositiveInteger(provider: string, name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(provider, `${name} must be a positive integer; got ${String(value)}`);
  }
}

function checkContent(provider: string, where: string, content: unknown): void {
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) fail(provider, `${where}.content must be a string or an array of parts`);
  content.forEach((part: unknown, i) => {
    const at = `${where}.content[${i}]`;
    if (!isJsonObject(part)) fail(provider, `${at} must be an object`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string') fail(provider, `${at}.text must be a string`);
    } else if (part.type === 'image') {
      if (!nonEmptyString(part.data)) fail(provider, `${at}.data must be base64 text`);
      if (!nonEmptyString(part.mediaType)) fail(provider, `${at}.mediaType must be a media type`);
    } else if (part.type === 'image-url') {
      if (!nonEmptyString(part.url)) fail(provider, `${at}.url must be a non-empty string`);
    } else {
      fail(provider, `${at}.type must be text, image or image-url; got ${JSON.stringify(part.type)}`);
    }
  });
}

function checkMessage(provider: string, message: unknown, i: number): void {
  const where = `messages[${i}]`;
  if (!isJsonObject(message)) fail(provider, `${where} must be an object`);
  if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
    fail(
      provider,
      `${where}.role must be system, user, assistant or tool; got ${JSON.stringify(message.role)}`,
    );
  }
  checkContent(provider, where, message.content);
  const m = message as unknown as ChatMessage;
  if (m.toolCalls !== undefined) {
    if (m.role !== 'assistant') fail(provider, `${where}.toolCalls is only allowed on assistant messages`);
    if (!Array.isArray(m.toolCalls)) fail(provider, `${where}.toolCalls must be an array`);
    m.toolCalls.forEach((call: unknown, j) => {
      if (!isJsonObject(call) || !nonEmptyString(call.id) || !nonEmptyString(call.name)) {
        fail(provider, `${where}.toolCalls[${j}] needs a non-empty id and name`);
      }
      if (typeof call.arguments !== 'string')
        fail(provider, `${where}.toolCalls[${j}].arguments must be JSON text`);
    });
  }
  if (m.role === 'tool' && !nonEmptyString(m.toolCallId)) {
    fail(provider, `${where}: a tool message needs toolCallId`);
  }
}

function checkTools(provider: string, request: ChatRequest): void {
  const { tools, toolChoice } = request;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) fail(provider, 'tools must be an array');
    tools.forEach((tool: unknown, i) => {
      if (!isJsonObject(tool) || !nonEmptyString(tool.name)) fail(provider, `tools[${i}].name is required`);
      if (!isJsonObject(tool.parameters))
        fail(provider, `tools[${i}].parameters must be a JSON Schema object`);
    });
  }
  if (toolChoice === undefined) return;
  if (typeof toolChoice === 'string' ? !TOOL_CHOICES.has(toolChoice) : !nonEmptyString(toolChoice?.name)) {
    fail(provider, 'toolChoice must be auto, none, required or { name }');
  }
}

function checkResponseFormat(provider: string, format: unknown): void {
  if (format === undefined || format === 'text' || format === 'json') return;
  if (
    !isJsonObject(format) ||
    format.type !== 'json-schema' ||
    !nonEmptyString(format.name) ||
    !isJsonObject(format.schema)
  ) {
    fail(provider, "responseFormat must be 'text', 'json' or { type: 'json-schema', name, schema }");
  }
}

function checkProviderOptions(provider: string, value: unknown): void {
  if (value !== undefined && !isJsonObject(value)) fail(provider, 'providerOptions must be an object');
}

/**
 * Checks a chat request: model, messages (roles, content, tool calls), sampling ranges (temperature 0..2,
 * topP 0..1), maxTokens and topK positive integers, stop, seed, tools, toolChoice and responseFormat.
 * @throws InvalidRequestError naming the first bad field
 */
export function validateChatRequest(request: ChatRequest, provider: string): void {
  if (!isJsonObject(request)) fail(provider, 'the chat request must be an object');
  if (!nonEmptyString(request.model)) fail(provider, 'model must be a non-empty string');
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    fail(provider, 'messages must be a non-empty array');
  }
  request.messages.forEach((message, i) => {
    checkMessage(provider, message, i);
  });
  checkRange(provider, 'temperature', request.temperature, 0, 2);
  checkRange(provider, 'topP', request.topP, 0, 1);
  checkPositiveInteger(provider, 'maxTokens', request.maxTokens);
  checkPositiveInteger(provider, 'topK', request.topK);
  if (request.seed !== undefined && !Number.isSafeInteger(request.seed)) {
    fail(provider, `seed must be an integer; got ${String(request.seed)}`);
  }
  if (
    request.stop !== undefined &&
    (!Array.isArray(request.stop) || !request.stop.every((s) => typeof s === 'string'))
  ) {
    fail(provider, 'stop must be an array of strings');
  }
  checkTools(provider, request);
  checkResponseFormat(provider, request.responseFormat);
  checkProviderOptions(provider, request.providerOptions);
}

/**
 * Checks an embedding request: model, a non-empty input (one non-empty text or a non-empty array of
 * strings) and dimensions.
 * @throws InvalidRequestError naming the first bad field
 */
export function validateEmbedRequest(request: EmbedRequest, provider: string): void {
  if (!isJsonObject(request)) fail(provider, 'the embed request must be an object');
  if (!nonEmptyString(request.model)) fail(provider, 'model must be a non-empty string');
  const { input } = request;
  if (typeof input === 'string') {
    if (input.length === 0) fail(provider, 'input must not be empty');
  } else if (!Array.isArray(input) || input.length === 0) {
    fail(provider, 'input must be a non-empty string or a non-empty array of strings');
  } else if (!input.every((text) => typeof text === 'string' && text.length > 0)) {
    fail(provider, 'input must contain only non-empty strings');
  }
  checkPositiveInteger(provider, 'dimensions', request.dimensions);
  checkProviderOptions(provider, request.providerOptions);
}
