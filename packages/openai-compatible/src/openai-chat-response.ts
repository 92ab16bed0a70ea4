/** A `chat.completion` body to the common ChatResult fields, with its shape checked. */
import { type FinishReason, ResponseFormatError, type ToolCall } from '@ipfs-accelerate/core';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import {
  isJsonObject,
  type JsonObject,
  type OpenAICompatibleHooks,
  type TokenUsage,
} from './openai-compatible-api.js';
import { mapOpenAIStreamError } from './openai-error.js';

/** What a chat completion body says; the operation adds our request id. */
export interface ParsedChatCompletion {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage?: TokenUsage;
  model?: string;
  /** The completion's id (`chatcmpl-…`). */
  id?: string;
  /** The service's request id found in the body by a hook. */
  providerRequestId?: string;
}

/** Options of {@link parseOpenAIChatResponse}. */
export interface ParseOpenAIChatOptions {
  /** The provider's name, for messages. @default 'openai' */
  provider?: string;
  hooks?: OpenAICompatibleHooks;
}

function malformed(provider: string, reason: string): ResponseFormatError {
  return new ResponseFormatError(`${provider}: malformed chat completion: ${reason}`, { provider });
}

/** Text content: a string, null, or (some servers) an array of text parts. */
function readContent(content: unknown, provider: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let text = '';
    for (const part of content) {
      if (isJsonObject(part) && typeof part.text === 'string') text += part.text;
    }
    return text;
  }
  throw malformed(provider, `message.content is ${typeof content}`);
}

/**
 * Tool-call arguments are JSON text; a few servers send the object itself. An object nested too deeply to
 * write back as JSON is a ResponseFormatError.
 */
export function readToolArguments(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw new ResponseFormatError('tool-call arguments are nested too deeply to write as JSON', { cause });
  }
}

function readToolCalls(value: unknown, provider: string): ToolCall[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(provider, 'message.tool_calls is not an array');
  return value.map((call: unknown, i): ToolCall => {
    const fn = isJsonObject(call) ? call.function : undefined;
    if (!isJsonObject(call) || !isJsonObject(fn) || typeof fn.name !== 'string') {
      throw malformed(provider, `message.tool_calls[${i}] has no function name`);
    }
    return {
      id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${i}`,
      name: fn.name,
      arguments: readToolArguments(fn.arguments),
    };
  });
}

/**
 * Parses a chat completion: the first choice's text and tool calls, its finish reason, usage (through the
 * `usage` hook first), the model and ids. A 200 body that carries `error` instead of `choices` throws the
 * mapped taxonomy error; any other bad shape throws ResponseFormatError with a short reason.
 */
export function parseOpenAIChatResponse(
  body: unknown,
  options: ParseOpenAIChatOptions = {},
): ParsedChatCompletion {
  const provider = options.provider ?? 'openai';
  if (!isJsonObject(body)) throw malformed(provider, 'the body is not a JSON object');
  if (body.error !== undefined && body.error !== null && body.choices === undefined) {
    throw mapOpenAIStreamError(body, provider);
  }
  const { choices } = body;
  if (!Array.isArray(choices) || choices.length === 0)
    throw malformed(provider, 'choices is missing or empty');
  const choice: unknown = choices.find((c) => isJsonObject(c) && c.index === 0) ?? choices[0];
  if (!isJsonObject(choice) || !isJsonObject(choice.message)) {
    throw malformed(provider, 'choices[0].message is missing');
  }
  const message: JsonObject = choice.message;
  const result: ParsedChatCompletion = {
    text: readContent(message.content, provider),
    toolCalls: readToolCalls(message.tool_calls, provider),
    finishReason: mapOpenAIFinishReason(choice.finish_reason),
  };
  const usage = convertOpenAIUsage(options.hooks?.usage?.(body) ?? body.usage);
  if (usage) result.usage = usage;
  if (typeof body.model === 'string') result.model = body.model;
  if (typeof body.id === 'string') result.id = body.id;
  const providerRequestId = options.hooks?.providerRequestId?.(body);
  if (providerRequestId) result.providerRequestId = providerRequestId;
  return result;
}
