/**
 * Common chat messages -> Gemini `contents` plus `systemInstruction`. Gemini has two roles, `user` and
 * `model`; system text goes to `systemInstruction`, tool calls are `functionCall` parts of a `model` turn and
 * tool results are `functionResponse` parts of a `user` turn, named after the call they answer.
 */
import { type ChatMessage, type ContentPart, isPlainObject } from '@ipfs-accelerate/core';
import type { GeminiContent, GeminiPart } from './gemini-api-types.js';
import { check } from './gemini-validate.js';

/** What {@link convertToGeminiContents} produces. */
export interface GeminiPrompt {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function fail(message: string): never {
  throw check.invalid(`${message}`);
}

function textOf(content: ChatMessage['content'], where: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) fail(`${where}.content must be a string or an array of parts`);
  return content
    .map((part, i) => {
      if (!isPlainObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
        fail(`${where}.content[${i}] must be a text part here`);
      }
      return part.text;
    })
    .join('\n');
}

function partOf(part: ContentPart, where: string): GeminiPart {
  if (!isPlainObject(part)) fail(`${where} must be an object`);
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') fail(`${where}.text must be a string`);
      return { text: part.text };
    case 'image':
      if (typeof part.data !== 'string' || part.data === '') fail(`${where}.data must be base64 text`);
      if (typeof part.mediaType !== 'string' || part.mediaType === '') {
        fail(`${where}.mediaType must be a MIME type such as image/png`);
      }
      return { inlineData: { mimeType: part.mediaType, data: part.data } };
    case 'image-url': {
      if (typeof part.url !== 'string' || part.url === '') fail(`${where}.url must be a non-empty string`);
      const inline = DATA_URL.exec(part.url);
      if (inline) return { inlineData: { mimeType: inline[1] ?? '', data: inline[2] ?? '' } };
      // Gemini reads files by reference (Files API URIs, gs://, YouTube); it does not fetch arbitrary URLs.
      return { fileData: { fileUri: part.url } };
    }
    default:
      return fail(`${where}.type must be 'text', 'image' or 'image-url'`);
  }
}

function userParts(message: ChatMessage, where: string): GeminiPart[] {
  const { content } = message;
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) fail(`${where}.content must be a string or an array of parts`);
  return content.map((part, i) => partOf(part, `${where}.content[${i}]`));
}

function argumentsObject(text: unknown, where: string): Record<string, unknown> {
  if (typeof text !== 'string') fail(`${where}.arguments must be JSON text`);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`${where}.arguments is not valid JSON`);
  }
  if (!isPlainObject(parsed)) fail(`${where}.arguments must be a JSON object`);
  return parsed;
}

function modelParts(message: ChatMessage, where: string, callNames: Map<string, string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const text = message.content === '' ? '' : textOf(message.content, where);
  if (text !== '') parts.push({ text });
  const calls = message.toolCalls ?? [];
  if (!Array.isArray(calls)) fail(`${where}.toolCalls must be an array`);
  calls.forEach((call, i) => {
    const at = `${where}.toolCalls[${i}]`;
    if (!isPlainObject(call) || typeof call.name !== 'string' || call.name === '') {
      fail(`${at}.name must be a non-empty string`);
    }
    if (typeof call.id === 'string' && call.id !== '') callNames.set(call.id, call.name);
    // Ids are ours (`call_<n>`) unless the service sent one; matching is by name and order, so none is sent.
    parts.push({ functionCall: { name: call.name, args: argumentsObject(call.arguments, at) } });
  });
  return parts;
}

/** A tool result as a Struct: a JSON object as it is, anything else (JSON or plain text) as `{result}`. */
function responseStruct(content: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(content);
    return isPlainObject(parsed) ? parsed : { result: parsed };
  } catch {
    return { result: content };
  }
}

function toolParts(message: ChatMessage, where: string, callNames: Map<string, string>): GeminiPart[] {
  const name =
    typeof message.name === 'string' && message.name !== ''
      ? message.name
      : typeof message.toolCallId === 'string'
        ? callNames.get(message.toolCallId)
        : undefined;
  if (name === undefined) {
    fail(`${where} (a tool result) needs a name, or a toolCallId of an earlier assistant tool call`);
  }
  return [{ functionResponse: { name, response: responseStruct(textOf(message.content, where)) } }];
}

/**
 * Converts the messages. Consecutive turns of one role are merged into one content (parallel tool results
 * belong together); an empty conversation, or one with only system messages, is refused.
 */
export function convertToGeminiContents(messages: unknown): GeminiPrompt {
  if (!Array.isArray(messages) || messages.length === 0) fail('messages must be a non-empty array');
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((message: ChatMessage, i) => {
    const where = `messages[${i}]`;
    if (!isPlainObject(message)) fail(`${where} must be an object`);
    switch (message.role) {
      case 'system':
        system.push({ text: textOf(message.content, where) });
        return;
      case 'user':
        push('user', userParts(message, where));
        return;
      case 'assistant':
        push('model', modelParts(message, where, callNames));
        return;
      case 'tool':
        push('user', toolParts(message, where, callNames));
        return;
      default:
        fail(`${where}.role must be 'system', 'user', 'assistant' or 'tool'`);
    }
  });
  if (contents.length === 0) fail('messages need at least one user or assistant message besides system ones');
  const prompt: GeminiPrompt = { contents };
  if (system.length > 0) prompt.systemInstruction = { parts: system };
  return prompt;
}
