/**
 * Anthropic's `Message` -> ChatResult: text blocks joined, `tool_use` blocks -> tool calls, `thinking`
 * blocks -> reasoning, `stop_reason` -> finishReason, `usage` -> TokenUsage.
 */
import {
  type AttemptContext,
  type ChatResult,
  type FinishReason,
  isPlainObject,
  ResponseFormatError,
  type TokenUsage,
  type ToolCall,
} from '@ipfs-accelerate/core';
import type { ClaudeResponseBlock, ClaudeWireMessageResponse, ClaudeWireUsage } from './claude-api-types.js';
import { claudeStreamError } from './claude-error.js';
import { PROVIDER } from './claude-validate.js';

/** Token usage with Anthropic's prompt-cache counts. */
export interface ClaudeUsage extends TokenUsage {
  /** Tokens written to the prompt cache (`cache_creation_input_tokens`), included in `inputTokens`. */
  cacheCreationInputTokens?: number;
  /** Tokens read from the prompt cache (`cache_read_input_tokens`), included in `inputTokens`. */
  cacheReadInputTokens?: number;
}

/** The result of {@link ClaudeClient.chat}: the common ChatResult plus what Anthropic adds. */
export interface ClaudeChatResult extends ChatResult {
  usage?: ClaudeUsage;
  /** The text of the `thinking` blocks, when extended thinking was on (`providerOptions.thinking`). */
  reasoning?: string;
  /** Anthropic's own `stop_reason` (`end_turn`, `pause_turn`, …), which finishReason summarises. */
  stopReason?: string;
  /** The stop sequence that ended the answer, when one did. */
  stopSequence?: string;
  /** The message id (`msg_…`). */
  messageId?: string;
  /** Every content block as the service sent it (thinking signatures, citations, server tool blocks, …). */
  content: ClaudeResponseBlock[];
}

/**
 * `stop_reason` -> finishReason: `end_turn` and `stop_sequence` -> stop; `max_tokens` and
 * `model_context_window_exceeded` -> length; `tool_use` -> tool-calls; `refusal` -> content-filter;
 * anything else (`pause_turn`, new values) -> other.
 */
export function mapClaudeStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Anthropic usage -> ours. Anthropic's `input_tokens` leaves out the prompt-cache tokens; `inputTokens` here
 * is every prompt token (`input_tokens + cache_creation_input_tokens + cache_read_input_tokens`), so totals
 * compare across providers, and the two cache counts are kept beside it. `totalTokens` = input + output.
 */
export function convertClaudeUsage(usage: ClaudeWireUsage | undefined): ClaudeUsage | undefined {
  if (!isPlainObject(usage)) return undefined;
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  const created = count(usage.cache_creation_input_tokens);
  const read = count(usage.cache_read_input_tokens);
  if (input === undefined && output === undefined) return undefined;
  const inputTokens = (input ?? 0) + (created ?? 0) + (read ?? 0);
  const result: ClaudeUsage = {
    inputTokens,
    outputTokens: output ?? 0,
    totalTokens: inputTokens + (output ?? 0),
  };
  if (created !== undefined) result.cacheCreationInputTokens = created;
  if (read !== undefined) result.cacheReadInputTokens = read;
  return result;
}

/**
 * JSON text of a tool call's `input`. An input nested too deeply to write back as JSON (JSON.stringify
 * runs out of stack) is a ResponseFormatError.
 */
export function toolInputJson(input: unknown): string {
  try {
    return JSON.stringify(input ?? {});
  } catch (cause) {
    throw new ResponseFormatError('claude: a tool_use input is nested too deeply to write as JSON', {
      provider: PROVIDER,
      cause,
    });
  }
}

/** A `tool_use` block -> a ToolCall whose `arguments` is the JSON text of `input`. */
export function toolCallOf(block: ClaudeResponseBlock): ToolCall {
  const { id, name, input } = block;
  if (typeof id !== 'string' || id === '' || typeof name !== 'string' || name === '') {
    throw new ResponseFormatError('claude: a tool_use block without id or name', { provider: PROVIDER });
  }
  return { id, name, arguments: toolInputJson(input) };
}

/** Parses the answer of `POST /v1/messages` (not streamed). A body of `type: "error"` throws its error. */
export function parseClaudeMessage(json: unknown, context: AttemptContext): ClaudeChatResult {
  if (!isPlainObject(json)) {
    throw new ResponseFormatError('claude: the message is not a JSON object', { provider: PROVIDER });
  }
  const message = json as ClaudeWireMessageResponse;
  if (message.type === 'error') throw claudeStreamError(message);
  if (!Array.isArray(message.content)) {
    throw new ResponseFormatError('claude: the message has no content array', { provider: PROVIDER });
  }
  const content = message.content.filter(isPlainObject) as ClaudeResponseBlock[];
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (block.type === 'text' && typeof block.text === 'string') text.push(block.text);
    else if (block.type === 'thinking' && typeof block.thinking === 'string') reasoning.push(block.thinking);
    else if (block.type === 'tool_use') toolCalls.push(toolCallOf(block));
  }
  const stopReason = typeof message.stop_reason === 'string' ? message.stop_reason : undefined;
  const result: ClaudeChatResult = {
    text: text.join(''),
    toolCalls,
    finishReason: mapClaudeStopReason(stopReason),
    requestId: context.requestId,
    content,
  };
  const usage = convertClaudeUsage(message.usage);
  if (usage) result.usage = usage;
  if (typeof message.model === 'string') result.model = message.model;
  if (reasoning.length > 0) result.reasoning = reasoning.join('');
  if (stopReason !== undefined) result.stopReason = stopReason;
  if (typeof message.stop_sequence === 'string') result.stopSequence = message.stop_sequence;
  if (typeof message.id === 'string') result.messageId = message.id;
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  return result;
}
