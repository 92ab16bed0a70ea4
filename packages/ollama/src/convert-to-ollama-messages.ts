/**
 * Common chat messages -> Ollama's `messages`. Ollama carries text as one `content` string and images as
 * base64 strings in `images`; an assistant's tool calls carry their arguments as an object; a tool result
 * names the tool it answers (`tool_name`) rather than a call id.
 */
import type { ChatMessage, ContentPart } from '@ipfs-accelerate/core';
import type { OllamaWireMessage } from './ollama-api-types.js';
import { check } from './ollama-validate.js';

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'tool']);
const DATA_URL = /^data:([^;,]+)?(;[^,]*)?;base64,(.*)$/s;

/**
 * Converts and checks the messages. Text parts are joined with a newline; `image` parts become `images`;
 * an `image-url` part must be a base64 `data:` URL (Ollama does not fetch URLs). A tool message's
 * `tool_name` is its `name`, else the name of the assistant tool call its `toolCallId` answers.
 */
export function convertToOllamaMessages(messages: unknown): OllamaWireMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw check.invalid('messages must be a non-empty array');
  }
  const toolNames = new Map<string, string>();
  return messages.map((message: unknown, index) => {
    const where = `messages[${index}]`;
    if (typeof message !== 'object' || message === null) {
      throw check.invalid(`${where} must be an object`);
    }
    const m = message as ChatMessage;
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
      throw check.invalid(
        `${where}.role must be one of system, user, assistant, tool; got ${JSON.stringify(m.role)}`,
      );
    }
    const wire: OllamaWireMessage = { role: m.role, ...convertContent(m.content, where) };
    if (m.role === 'assistant' && m.toolCalls !== undefined) {
      if (!Array.isArray(m.toolCalls)) throw check.invalid(`${where}.toolCalls must be an array`);
      if (m.toolCalls.length > 0) {
        wire.tool_calls = m.toolCalls.map((call, i) => {
          const name = call?.name;
          if (typeof name !== 'string' || name === '') {
            throw check.invalid(`${where}.toolCalls[${i}].name must be a non-empty string`);
          }
          if (typeof call.id === 'string') toolNames.set(call.id, name);
          return {
            function: { name, arguments: parseArguments(call.arguments, `${where}.toolCalls[${i}]`) },
          };
        });
      }
    }
    if (m.role === 'tool') {
      const name = m.name ?? (typeof m.toolCallId === 'string' ? toolNames.get(m.toolCallId) : undefined);
      if (name !== undefined) {
        if (typeof name !== 'string') throw check.invalid(`${where}.name must be a string`);
        wire.tool_name = name;
      }
    }
    return wire;
  });
}

function convertContent(content: unknown, where: string): { content: string; images?: string[] } {
  if (typeof content === 'string') return { content };
  if (!Array.isArray(content)) {
    throw check.invalid(`${where}.content must be a string or an array of parts`);
  }
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part: unknown, i) => {
    const at = `${where}.content[${i}]`;
    const p = part as ContentPart | null;
    if (p?.type === 'text' && typeof p.text === 'string') texts.push(p.text);
    else if (p?.type === 'image' && typeof p.data === 'string' && p.data !== '') images.push(p.data);
    else if (p?.type === 'image-url' && typeof p.url === 'string') images.push(imageFromDataURL(p.url, at));
    else {
      throw check.invalid(`${at} must be a text part, an image part with base64 data, or an image-url part`);
    }
  });
  return images.length > 0 ? { content: texts.join('\n'), images } : { content: texts.join('\n') };
}

function imageFromDataURL(url: string, where: string): string {
  const match = DATA_URL.exec(url);
  if (!match?.[3]) {
    throw check.invalid(
      `${where}: Ollama takes images as base64 data, not URLs; pass an image part or a base64 data: URL`,
    );
  }
  return match[3];
}

function parseArguments(text: unknown, where: string): Record<string, unknown> {
  if (typeof text !== 'string') throw check.invalid(`${where}.arguments must be JSON text`);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw check.invalid(`${where}.arguments is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw check.invalid(`${where}.arguments must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
