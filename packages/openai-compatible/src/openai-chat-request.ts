/** A common ChatRequest to the JSON body of `POST /chat/completions`. */
import { type ChatRequest, InvalidRequestError } from '@ipfs-accelerate/core';
import { convertToOpenAIMessages } from './convert-to-openai-messages.js';
import type { JsonObject, MaxTokensField } from './openai-compatible-api.js';

/** How {@link buildOpenAIChatBody} shapes the body for one service. */
export interface OpenAIChatBodyOptions {
  /** The provider's name, for messages. @default 'openai' */
  provider?: string;
  /** A streaming request: adds `stream: true` (and `stream_options` unless `streamUsage` is false). */
  stream?: boolean;
  /** Ask for the final usage chunk with `stream_options: { include_usage: true }`. @default true */
  streamUsage?: boolean;
  /** The body field of `maxTokens`. @default 'max_tokens' */
  maxTokensField?: MaxTokensField;
  /** Send `topK` as `top_k` (vLLM, OVMS); otherwise a request with `topK` is refused. @default false */
  topK?: boolean;
  /** Fields the service needs beyond the common ones; merged before `providerOptions`. */
  extraBody?: JsonObject;
}

function toolChoice(choice: NonNullable<ChatRequest['toolChoice']>): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function responseFormat(format: NonNullable<ChatRequest['responseFormat']>): unknown {
  if (format === 'text') return undefined; // the service default; some compatible servers reject `{type:'text'}`
  if (format === 'json') return { type: 'json_object' };
  const jsonSchema: JsonObject = { name: format.name, schema: format.schema };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  return { type: 'json_schema', json_schema: jsonSchema };
}

/**
 * Builds the body: `model`, `messages`, the token limit (`max_tokens` or `max_completion_tokens`),
 * `temperature`, `top_p`, `stop`, `seed`, `tools` as functions, `tool_choice`, `response_format` ('json' ->
 * `json_object`, a schema -> `json_schema`), `stream` with `stream_options.include_usage` for streams, then
 * `extraBody`, then the caller's `providerOptions` (last, so they can override anything but `stream`, which
 * the operation owns).
 * Expects a request that passed `validateChatRequest`.
 * @throws InvalidRequestError for `topK` when the service does not take it
 */
export function buildOpenAIChatBody(request: ChatRequest, options: OpenAIChatBodyOptions = {}): JsonObject {
  const provider = options.provider ?? 'openai';
  const body: JsonObject = {
    model: request.model,
    messages: convertToOpenAIMessages(request.messages, provider),
  };
  if (request.maxTokens !== undefined) body[options.maxTokensField ?? 'max_tokens'] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) {
    if (!options.topK) {
      throw new InvalidRequestError(
        `${provider} does not support topK; leave it out or pass a provider field in providerOptions`,
        { provider },
      );
    }
    body.top_k = request.topK;
  }
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toolChoice(request.toolChoice);
  if (request.responseFormat !== undefined) {
    const format = responseFormat(request.responseFormat);
    if (format !== undefined) body.response_format = format;
  }
  if (options.stream) {
    body.stream = true;
    if (options.streamUsage !== false) body.stream_options = { include_usage: true };
  }
  if (options.extraBody) Object.assign(body, options.extraBody);
  if (request.providerOptions) Object.assign(body, request.providerOptions);
  // The operation, not an option, decides whether the answer is a stream: its parser depends on it.
  if (options.stream) body.stream = true;
  else delete body.stream;
  return body;
}
