/**
 * Anthropic's named SSE events -> ChatStreamEvents. A stream is `message_start`; per content block
 * `content_block_start`, deltas, `content_block_stop`; one or more `message_delta` (stop reason, cumulative
 * usage); `message_stop`, the terminator. `ping` and unknown events carry nothing; `event: error` is a
 * failure reported in-band after HTTP 200.
 */
import {
  type ChatStreamEvent,
  type FrameMapper,
  isPlainObject,
  ResponseFormatError,
  type SseEvent,
} from '@ipfs-accelerate/core';
import type { ClaudeWireUsage, JsonObject } from './claude-api-types.js';
import { claudeStreamError } from './claude-error.js';
import {
  type ClaudeUsage,
  convertClaudeUsage,
  mapClaudeStopReason,
  toolInputJson,
} from './claude-messages-response.js';
import { PROVIDER } from './claude-validate.js';

/** Text, reasoning and tool-call deltas are content: once one reached the caller, the stream is not retried. */
export function isClaudeChatContent(event: ChatStreamEvent): boolean {
  return event.type !== 'finish';
}

interface ToolBlock {
  /** The position of the call among the tool calls of the message (the event's `index`). */
  index: number;
  /** The `input` of `content_block_start`, used when no `input_json_delta` follows. */
  startInput: unknown;
  sawArguments: boolean;
}

function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function parse(frame: SseEvent): JsonObject {
  let data: unknown;
  try {
    data = JSON.parse(frame.data);
  } catch (cause) {
    if (frame.event === 'error') throw claudeStreamError({ error: { message: frame.data } });
    throw new ResponseFormatError(`claude: malformed stream event: ${excerpt(frame.data)}`, {
      provider: PROVIDER,
      cause,
    });
  }
  if (!isPlainObject(data)) {
    throw new ResponseFormatError(`claude: stream event is not a JSON object: ${excerpt(frame.data)}`, {
      provider: PROVIDER,
    });
  }
  return data;
}

/**
 * Makes the mapper for one stream attempt. `text_delta` -> text-delta; `thinking_delta` -> reasoning-delta;
 * a `tool_use` block start -> tool-call-delta with id and name, each `input_json_delta` -> tool-call-delta
 * with the fragment (a tool block without fragments sends its start `input`, or `{}`, at its stop, so the
 * fragments of every call concatenate to JSON); `signature_delta`, `citations_delta` and server tool blocks
 * carry nothing here. `flush()` emits the one `finish`: the last `stop_reason`, and usage with input from
 * `message_start` (later `message_delta` counts win when present) and output from the last `message_delta`.
 */
export function createClaudeStreamMapper(): FrameMapper<SseEvent, ChatStreamEvent> {
  const tools = new Map<number, ToolBlock>();
  const usage: ClaudeWireUsage = {};
  let stopReason: string | undefined;
  let lastType: string | undefined;
  let finished = false;

  const mergeUsage = (value: unknown): void => {
    if (!isPlainObject(value)) return;
    for (const [key, n] of Object.entries(value)) if (typeof n === 'number') usage[key] = n;
  };

  const blockStart = (data: JsonObject): ChatStreamEvent | undefined => {
    const block = isPlainObject(data.content_block) ? data.content_block : {};
    const position = typeof data.index === 'number' ? data.index : tools.size;
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return { type: 'text-delta', text: block.text };
    }
    if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking !== '') {
      return { type: 'reasoning-delta', text: block.thinking };
    }
    if (block.type !== 'tool_use') return undefined;
    if (typeof block.id !== 'string' || typeof block.name !== 'string') {
      throw new ResponseFormatError('claude: a tool_use block without id or name', { provider: PROVIDER });
    }
    const tool: ToolBlock = { index: tools.size, startInput: block.input, sawArguments: false };
    tools.set(position, tool);
    return { type: 'tool-call-delta', index: tool.index, id: block.id, name: block.name, argumentsDelta: '' };
  };

  const blockDelta = (data: JsonObject): ChatStreamEvent | undefined => {
    const delta = isPlainObject(data.delta) ? data.delta : {};
    switch (delta.type) {
      case 'text_delta':
        return typeof delta.text === 'string' && delta.text !== ''
          ? { type: 'text-delta', text: delta.text }
          : undefined;
      case 'thinking_delta':
        return typeof delta.thinking === 'string' && delta.thinking !== ''
          ? { type: 'reasoning-delta', text: delta.thinking }
          : undefined;
      case 'input_json_delta': {
        const tool = typeof data.index === 'number' ? tools.get(data.index) : undefined;
        if (!tool || typeof delta.partial_json !== 'string' || delta.partial_json === '') return undefined;
        tool.sawArguments = true;
        return { type: 'tool-call-delta', index: tool.index, argumentsDelta: delta.partial_json };
      }
      default:
        return undefined;
    }
  };

  const blockStop = (data: JsonObject): ChatStreamEvent | undefined => {
    const tool = typeof data.index === 'number' ? tools.get(data.index) : undefined;
    if (!tool || tool.sawArguments) return undefined;
    tool.sawArguments = true;
    const start = isPlainObject(tool.startInput) ? tool.startInput : {};
    return { type: 'tool-call-delta', index: tool.index, argumentsDelta: toolInputJson(start) };
  };

  return {
    map(frame) {
      lastType = frame.event;
      if (frame.event === 'ping') return undefined;
      const data = parse(frame);
      const type = typeof data.type === 'string' ? data.type : frame.event;
      lastType = type;
      if (frame.event === 'error' || type === 'error') throw claudeStreamError(data);
      switch (type) {
        case 'message_start':
          if (isPlainObject(data.message)) mergeUsage(data.message.usage);
          return undefined;
        case 'content_block_start':
          return blockStart(data);
        case 'content_block_delta':
          return blockDelta(data);
        case 'content_block_stop':
          return blockStop(data);
        case 'message_delta':
          if (isPlainObject(data.delta) && typeof data.delta.stop_reason === 'string') {
            stopReason = data.delta.stop_reason;
          }
          mergeUsage(data.usage);
          return undefined;
        default:
          return undefined;
      }
    },
    isTerminal: (frame) => frame.event === 'message_stop' || lastType === 'message_stop',
    flush() {
      if (finished) return undefined;
      finished = true;
      const finish: ChatStreamEvent & { usage?: ClaudeUsage } = {
        type: 'finish',
        finishReason: mapClaudeStopReason(stopReason),
      };
      const converted = convertClaudeUsage(usage);
      if (converted) finish.usage = converted;
      return [finish];
    },
  };
}
