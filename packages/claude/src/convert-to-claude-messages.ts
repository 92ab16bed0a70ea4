/**
 * The common ChatMessage list -> Anthropic's `system` + `messages`. Anthropic has no system role in the
 * conversation and no tool role: system messages become the top-level `system`, tool results become
 * `tool_result` blocks of a user turn, and consecutive turns of one role are merged into one (all results of
 * one assistant turn's tool calls must arrive in the next user turn, before any text).
 */

import type { ChatMessage, ContentPart, ToolCall } from '@ipfs-accelerate/core';
import { isPlainObject } from '@ipfs-accelerate/core';
import type {
  ClaudeImageBlock,
  ClaudeTextBlock,
  ClaudeToolUseBlock,
  ClaudeWireContentBlock,
  ClaudeWireMessage,
  JsonObject,
} from './claude-api-types.js';
import { check } from './claude-validate.js';

/** The media types Anthropic accepts for base64 images. */
export const CLAUDE_IMAGE_MEDIA_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
];

/** What {@link convertToClaudeMessages} produces. */
export interface ClaudePrompt {
  /** The system prompt: one string, or text blocks when several system messages were given. */
  system: string | ClaudeTextBlock[] | undefined;
  messages: ClaudeWireMessage[];
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/**
 * Converts and validates the messages. System messages are hoisted into `system` in their order, wherever
 * they stand. Assistant `toolCalls` become `tool_use` blocks whose `input` is the parsed `arguments` (a JSON
 * object; `''` reads as `{}`). Role `tool` messages need `toolCallId` and become `tool_result` blocks.
 * Images become base64 (`image`) or URL (`image-url`) image blocks. Every turn must have content, except an
 * optional final assistant turn (a prefill). A single text stays a plain string on the wire.
 */
export function convertToClaudeMessages(messages: unknown): ClaudePrompt {
  if (!Array.isArray(messages) || messages.length === 0)
    throw check.invalid('messages must be a non-empty array');
  const system: string[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; blocks: ClaudeWireContentBlock[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: ClaudeWireContentBlock[]): void => {
    const last = turns.at(-1);
    if (last && last.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };

  messages.forEach((message: unknown, i) => {
    const at = `messages[${i}]`;
    check.object(message, at);
    const { role } = message as Partial<ChatMessage>;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw check.invalid(`${at}.role must be one of system, user, assistant, tool`);
    }
    const m = message as unknown as ChatMessage;
    if (role === 'system') {
      system.push(textOnly(m.content, at));
    } else if (role === 'user') {
      push('user', contentBlocks(m.content, at));
    } else if (role === 'assistant') {
      const blocks = contentBlocks(m.content, at, { images: false });
      if (m.toolCalls !== undefined) {
        if (!Array.isArray(m.toolCalls)) throw check.invalid(`${at}.toolCalls must be an array`);
        m.toolCalls.forEach((call, j) => {
          blocks.push(toolUseBlock(call, `${at}.toolCalls[${j}]`));
        });
      }
      push('assistant', blocks);
    } else {
      check.name(m.toolCallId, `${at}.toolCallId`);
      push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: toolResultContent(m, at) }]);
    }
  });

  if (turns.length === 0) throw check.invalid('messages must contain at least one user or assistant message');
  turns.forEach((turn, i) => {
    const finalAssistant = i === turns.length - 1 && turn.role === 'assistant';
    if (turn.blocks.length === 0 && !finalAssistant) {
      throw check.invalid(`a ${turn.role} turn has no content (only a final assistant turn may be empty)`);
    }
  });
  return {
    system: system.length === 0 ? undefined : system.length === 1 ? system[0] : system.map(textBlock),
    messages: turns.map(({ role, blocks }) => ({ role, content: compact(blocks) })),
  };
}

function textBlock(text: string): ClaudeTextBlock {
  return { type: 'text', text };
}

/** A turn of one text block travels as a plain string (the common form, and what logs read best). */
function compact(blocks: ClaudeWireContentBlock[]): string | ClaudeWireContentBlock[] {
  const only = blocks[0];
  return blocks.length === 1 && only?.type === 'text' ? only.text : blocks;
}

function textOnly(content: unknown, at: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw check.invalid(`${at}.content must be a string or an array of parts`);
  return content
    .map((part: unknown, j) => {
      if (!isPlainObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
        throw check.invalid(`${at}.content[${j}] must be a text part`);
      }
      return part.text;
    })
    .join('\n');
}

function contentBlocks(
  content: unknown,
  at: string,
  options: { images: boolean } = { images: true },
): ClaudeWireContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [textBlock(content)];
  if (!Array.isArray(content)) throw check.invalid(`${at}.content must be a string or an array of parts`);
  const blocks: ClaudeWireContentBlock[] = [];
  content.forEach((part: unknown, j) => {
    const where = `${at}.content[${j}]`;
    check.object(part, where);
    const p = part as ContentPart;
    if (p.type === 'text') {
      if (typeof p.text !== 'string') throw check.invalid(`${where}.text must be a string`);
      if (p.text !== '') blocks.push(textBlock(p.text));
      return;
    }
    if (p.type !== 'image' && p.type !== 'image-url') {
      throw check.invalid(`${where}.type must be text, image or image-url`);
    }
    if (!options.images) throw check.invalid(`${where}: only user messages may carry images`);
    blocks.push(imageBlock(p, where));
  });
  return blocks;
}

function imageBlock(
  part: Extract<ContentPart, { type: 'image' | 'image-url' }>,
  at: string,
): ClaudeImageBlock {
  if (part.type === 'image-url') {
    check.name(part.url, `${at}.url`);
    return { type: 'image', source: { type: 'url', url: part.url } };
  }
  check.name(part.data, `${at}.data`);
  if (!CLAUDE_IMAGE_MEDIA_TYPES.includes(part.mediaType)) {
    throw check.invalid(`${at}.mediaType must be one of ${CLAUDE_IMAGE_MEDIA_TYPES.join(', ')}`);
  }
  return { type: 'image', source: { type: 'base64', media_type: part.mediaType, data: part.data } };
}

function toolUseBlock(call: unknown, at: string): ClaudeToolUseBlock {
  check.object(call, at);
  const { id, name, arguments: args } = call as Partial<ToolCall>;
  check.name(id, `${at}.id`);
  check.name(name, `${at}.name`);
  if (typeof args !== 'string') throw check.invalid(`${at}.arguments must be JSON text`);
  let input: unknown;
  try {
    input = args.trim() === '' ? {} : JSON.parse(args);
  } catch {
    throw check.invalid(`${at}.arguments is not valid JSON`);
  }
  if (!isPlainObject(input)) throw check.invalid(`${at}.arguments must be a JSON object`);
  return { type: 'tool_use', id, name, input: input as JsonObject };
}

function toolResultContent(message: ChatMessage, at: string): string | ClaudeTextBlock[] {
  if (typeof message.content === 'string') return message.content;
  return contentBlocks(message.content, at, { images: false }) as ClaudeTextBlock[];
}
