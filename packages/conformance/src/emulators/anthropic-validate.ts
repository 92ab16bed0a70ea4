import type { EmulatorRequest, JsonReply } from '../emulator/types.js';
import { invalidRequest } from './anthropic-errors.js';
import { isObject, type JsonObject } from './anthropic-shapes.js';

/** The media types the API accepts for base64 images. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** The pattern of a custom tool's name. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const BLOCK_TYPES = new Set([
  'text',
  'image',
  'document',
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
]);

type Problem = string | undefined;

/**
 * Validates a Messages (or count_tokens) body the way the API does, with its `<field>: <problem>` messages;
 * returns the 400 reply, or undefined when the body is valid. `max_tokens` is required for Messages only.
 */
export function checkMessagesBody(
  request: EmulatorRequest,
  body: JsonObject,
  options: { maxTokens: boolean },
): JsonReply | undefined {
  const problem =
    (typeof body.model === 'string' && body.model !== '' ? undefined : 'model: Field required') ??
    (options.maxTokens ? checkInteger(body, 'max_tokens', 1, true) : undefined) ??
    checkMessages(body.messages) ??
    checkSystem(body.system) ??
    checkRange(body, 'temperature', 0, 1) ??
    checkRange(body, 'top_p', 0, 1) ??
    checkInteger(body, 'top_k', 0, false) ??
    checkStopSequences(body.stop_sequences) ??
    checkTools(body) ??
    checkThinking(body) ??
    (body.stream === undefined || typeof body.stream === 'boolean'
      ? undefined
      : 'stream: Input should be a valid boolean');
  return problem === undefined ? undefined : invalidRequest(request, problem);
}

function checkInteger(body: JsonObject, field: string, min: number, required: boolean): Problem {
  const value = body[field];
  if (value === undefined) return required ? `${field}: Field required` : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    return `${field}: Input should be a valid integer`;
  return value < min ? `${field}: Input should be greater than or equal to ${min}` : undefined;
}

function checkRange(body: JsonObject, field: string, min: number, max: number): Problem {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${field}: Input should be a valid number`;
  if (value < min) return `${field}: Input should be greater than or equal to ${min}`;
  return value > max ? `${field}: Input should be less than or equal to ${max}` : undefined;
}

function checkStopSequences(value: unknown): Problem {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return 'stop_sequences: Input should be a valid list';
  const bad = value.findIndex((s) => typeof s !== 'string' || s.trim() === '');
  return bad === -1 ? undefined : `stop_sequences.${bad}: each stop sequence must contain non-whitespace`;
}

function checkSystem(system: unknown): Problem {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return 'system: Input should be a valid string or list of text blocks';
  const bad = system.findIndex((b) => !isObject(b) || b.type !== 'text' || typeof b.text !== 'string');
  return bad === -1 ? undefined : `system.${bad}: Input should be a text block`;
}

function checkMessages(messages: unknown): Problem {
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages.${i}: Input should be a valid dictionary`;
    if (message.role !== 'user' && message.role !== 'assistant') {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    const problem = checkContent(message.content, `messages.${i}.content`);
    if (problem) return problem;
    const finalAssistant = i === messages.length - 1 && message.role === 'assistant';
    if (
      !finalAssistant &&
      (message.content === '' || (Array.isArray(message.content) && message.content.length === 0))
    ) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
  }
  return checkToolPairing(messages as JsonObject[]);
}

function checkContent(content: unknown, at: string): Problem {
  if (typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return `${at}: Input should be a valid string or list of content blocks`;
  for (const [j, block] of content.entries()) {
    const where = `${at}.${j}`;
    if (!isObject(block) || typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
      return `${where}: Input tag does not match any of the expected content block types`;
    }
    if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
      return `${where}.text: text content blocks must be non-empty`;
    }
    if (block.type === 'image') {
      const problem = checkImage(block.source, `${where}.source`);
      if (problem) return problem;
    }
    if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string')
        return `${where}: id and name are required`;
      if (!isObject(block.input)) return `${where}.input: Input should be a valid dictionary`;
    }
    if (block.type === 'tool_result') {
      if (typeof block.tool_use_id !== 'string') return `${where}.tool_use_id: Field required`;
      if (block.content !== undefined && typeof block.content !== 'string') {
        const problem = checkContent(block.content, `${where}.content`);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

function checkImage(source: unknown, at: string): Problem {
  if (!isObject(source)) return `${at}: Field required`;
  if (source.type === 'url') return typeof source.url === 'string' ? undefined : `${at}.url: Field required`;
  if (source.type !== 'base64') return `${at}.type: Input should be 'base64' or 'url'`;
  if (typeof source.media_type !== 'string' || !IMAGE_TYPES.has(source.media_type)) {
    return `${at}.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
  }
  return typeof source.data === 'string' && source.data !== '' ? undefined : `${at}.data: Field required`;
}

/** Every tool_result answers a tool_use of the turn before; every tool_use is answered in the turn after. */
function checkToolPairing(messages: readonly JsonObject[]): Problem {
  const blocksOf = (m: JsonObject | undefined, type: string): JsonObject[] =>
    m && Array.isArray(m.content)
      ? (m.content as unknown[]).filter((b): b is JsonObject => isObject(b) && b.type === type)
      : [];
  for (const [i, message] of messages.entries()) {
    const previous = messages[i - 1];
    const asked = new Set(
      previous?.role === 'assistant' ? blocksOf(previous, 'tool_use').map((b) => String(b.id)) : [],
    );
    const stray = blocksOf(message, 'tool_result').find((b) => !asked.has(String(b.tool_use_id)));
    if (stray) {
      return (
        `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(stray.tool_use_id)}. ` +
        'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'
      );
    }
    const next = messages[i + 1];
    if (message.role !== 'assistant' || next === undefined) continue;
    const answered = new Set(blocksOf(next, 'tool_result').map((b) => String(b.tool_use_id)));
    const open = blocksOf(message, 'tool_use').find((b) => !answered.has(String(b.id)));
    if (open) {
      return (
        `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${String(open.id)}. ` +
        'Each `tool_use` block must have a corresponding `tool_result` block in the next message.'
      );
    }
  }
  return undefined;
}

function checkTools(body: JsonObject): Problem {
  const { tools, tool_choice: choice } = body;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    for (const [i, tool] of tools.entries()) {
      if (!isObject(tool) || typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
        return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      }
      if (!isObject(tool.input_schema) || tool.input_schema.type !== 'object') {
        return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
      }
    }
  }
  if (choice === undefined) return undefined;
  const types = ['auto', 'any', 'none', 'tool'];
  if (!isObject(choice) || typeof choice.type !== 'string' || !types.includes(choice.type)) {
    return "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
  }
  const names = Array.isArray(tools) ? tools.map((t) => (t as JsonObject).name) : [];
  if (choice.type !== 'none' && names.length === 0)
    return 'tool_choice: may only be specified while providing tools';
  if (choice.type === 'tool' && !names.includes(choice.name)) {
    return `tool_choice.name: Tool '${String(choice.name)}' not found in provided tools`;
  }
  return undefined;
}

function checkThinking(body: JsonObject): Problem {
  const { thinking } = body;
  if (thinking === undefined || (isObject(thinking) && thinking.type === 'disabled')) return undefined;
  if (!isObject(thinking) || thinking.type !== 'enabled') {
    return "thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled'";
  }
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1024) {
    return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  }
  if (typeof body.max_tokens === 'number' && budget >= body.max_tokens) {
    return '`max_tokens` must be greater than `thinking.budget_tokens`.';
  }
  return undefined;
}
