/**
 * `POST /api/chat`: the common ChatRequest -> Ollama's body, and Ollama's answer -> ChatResult.
 */
import {
  type AttemptContext,
  type ChatRequest,
  type ChatResult,
  ResponseFormatError,
  type ToolCall,
} from '@ipfs-accelerate/core';
import { convertToOllamaMessages } from './convert-to-ollama-messages.js';
import type {
  OllamaModelOptions,
  OllamaWireChatResponse,
  OllamaWireMessage,
  OllamaWireToolCall,
} from './ollama-api-types.js';
import { ollamaStreamError } from './ollama-error.js';
import { asObject, stringOf } from './ollama-json.js';
import { type OllamaDurations, ollamaDurations, ollamaFinishReason, ollamaUsage } from './ollama-metrics.js';
import { check, validateModelOptions } from './ollama-validate.js';

/** The result of {@link OllamaClient.chat}: the common ChatResult plus what Ollama adds. */
export interface OllamaChatResult extends ChatResult {
  /** The model's thinking (`message.thinking`), when `think` was enabled through `providerOptions`. */
  reasoning?: string;
  /** How long the run took, in milliseconds. */
  durations: OllamaDurations;
}

/** The wire body of `/api/chat`. */
export interface OllamaChatBody {
  model: string;
  messages: OllamaWireMessage[];
  stream: boolean;
  options?: OllamaModelOptions;
  format?: 'json' | Record<string, unknown>;
  tools?: Array<{
    type: 'function';
    function: { name: string; description?: string; parameters: Record<string, unknown> };
  }>;
  [key: string]: unknown;
}

/**
 * Checks a ChatRequest and builds the body. `providerOptions` are spread into the body first (`keep_alive`,
 * `think`, `options: { num_ctx }`, …) so the typed fields win over them; `providerOptions.options` is merged
 * under the sampling options built from temperature, topP, topK, seed, stop and maxTokens (`num_predict`).
 * `toolChoice` 'none' sends no tools; 'required' and a named tool cannot be enforced by Ollama and are refused.
 */
export function buildOllamaChatBody(request: ChatRequest, stream: boolean): OllamaChatBody {
  check.object(request, 'chat request');
  check.model(request.model);
  check.optionalObject(request.providerOptions, 'providerOptions');
  const messages = convertToOllamaMessages(request.messages);
  check.optionalNumber(request.maxTokens, 'maxTokens', { min: 1, integer: true });
  check.optionalNumber(request.temperature, 'temperature', { min: 0 });
  check.optionalNumber(request.topP, 'topP', { min: 0, max: 1 });
  check.optionalNumber(request.topK, 'topK', { min: 0, integer: true });
  check.optionalNumber(request.seed, 'seed', { integer: true });
  check.optionalStrings(request.stop, 'stop');
  const provider = request.providerOptions ?? {};
  validateModelOptions(provider.options, 'providerOptions.options');

  const options: OllamaModelOptions = { ...(provider.options as OllamaModelOptions | undefined) };
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.topK !== undefined) options.top_k = request.topK;
  if (request.seed !== undefined) options.seed = request.seed;
  if (request.stop !== undefined) options.stop = [...request.stop];
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;

  const body: OllamaChatBody = { ...provider, model: request.model, messages, stream };
  if (Object.keys(options).length > 0) body.options = options;
  else delete body.options;
  const format = chatFormat(request.responseFormat);
  if (format !== undefined) body.format = format;
  const tools = chatTools(request);
  if (tools !== undefined) body.tools = tools;
  if (request.toolChoice === 'none') delete body.tools;
  return body;
}

function chatFormat(format: ChatRequest['responseFormat']): OllamaChatBody['format'] {
  if (format === undefined || format === 'text') return undefined;
  if (format === 'json') return 'json';
  if (typeof format === 'object' && format !== null && format.type === 'json-schema') {
    check.object(format.schema, 'responseFormat.schema');
    return format.schema;
  }
  throw check.invalid("responseFormat must be 'text', 'json' or { type: 'json-schema', schema }");
}

function chatTools(request: ChatRequest): OllamaChatBody['tools'] {
  const { tools, toolChoice } = request;
  if (toolChoice !== undefined && toolChoice !== 'auto' && toolChoice !== 'none') {
    throw check.invalid(
      "toolChoice 'required' or a named tool cannot be enforced by Ollama; use 'auto' or 'none'",
    );
  }
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) throw check.invalid('tools must be an array');
  return tools.map((tool, i) => {
    check.object(tool, `tools[${i}]`);
    if (typeof tool.name !== 'string' || tool.name === '') {
      throw check.invalid(`tools[${i}].name must be a non-empty string`);
    }
    if (tool.description !== undefined && typeof tool.description !== 'string') {
      throw check.invalid(`tools[${i}].description must be a string`);
    }
    check.object(tool.parameters, `tools[${i}].parameters`);
    const fn: { name: string; description?: string; parameters: Record<string, unknown> } = {
      name: tool.name,
      parameters: tool.parameters,
    };
    if (tool.description !== undefined) fn.description = tool.description;
    return { type: 'function' as const, function: fn };
  });
}

/**
 * One Ollama tool call -> ours: `arguments` object -> JSON text, and an id: the server's when it sends one,
 * else `call_<index>` (stable: the index counts the calls of the whole answer).
 */
export function toolCallFromWire(call: unknown, index: number): ToolCall {
  const fn = (call as OllamaWireToolCall | null)?.function;
  if (typeof fn !== 'object' || fn === null || typeof fn.name !== 'string' || fn.name === '') {
    throw new ResponseFormatError('ollama: a tool call without a function name');
  }
  const id = (call as OllamaWireToolCall).id;
  return {
    id: typeof id === 'string' && id !== '' ? id : `call_${index}`,
    name: fn.name,
    arguments: argumentsJson(fn.arguments),
  };
}

/** The arguments as JSON text; an object nested too deeply to write back as JSON is malformed. */
function argumentsJson(args: unknown): string {
  if (typeof args === 'string') return args;
  try {
    return JSON.stringify(args ?? {});
  } catch (cause) {
    throw new ResponseFormatError('ollama: tool call arguments are nested too deeply to write as JSON', {
      cause,
    });
  }
}

/** Parses the answer of `/api/chat` with `stream: false`. */
export function parseOllamaChatResponse(json: unknown, context: AttemptContext): OllamaChatResult {
  const data = asObject<OllamaWireChatResponse>(json, 'the chat response');
  if (data.error !== undefined) throw ollamaStreamError(data.error);
  const message = asObject<NonNullable<OllamaWireChatResponse['message']>>(data.message, 'message');
  const wireCalls = message.tool_calls ?? [];
  if (!Array.isArray(wireCalls)) throw new ResponseFormatError('ollama: message.tool_calls is not an array');
  const toolCalls = wireCalls.map((call, i) => toolCallFromWire(call, i));
  const result: OllamaChatResult = {
    text: typeof message.content === 'string' ? message.content : '',
    toolCalls,
    finishReason: ollamaFinishReason(data.done_reason, toolCalls.length > 0),
    usage: ollamaUsage(data),
    model: stringOf(data.model),
    durations: ollamaDurations(data),
    requestId: context.requestId,
  };
  if (typeof message.thinking === 'string' && message.thinking !== '') result.reasoning = message.thinking;
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  return result;
}
