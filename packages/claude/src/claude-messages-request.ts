/**
 * The common ChatRequest -> the body of `POST /v1/messages` (and of `/v1/messages/count_tokens`), checked
 * before anything is sent.
 */

import type { ChatRequest } from '@ipfs-accelerate/core';
import { isPlainObject } from '@ipfs-accelerate/core';
import type {
  ClaudeMessagesBody,
  ClaudeWireTool,
  ClaudeWireToolChoice,
  JsonObject,
} from './claude-api-types.js';
import { check } from './claude-validate.js';
import { convertToClaudeMessages } from './convert-to-claude-messages.js';

/**
 * `max_tokens` sent when neither `request.maxTokens` nor `providerOptions.max_tokens` gives one: Anthropic
 * requires the field, and 1024 is the value of its own examples.
 */
export const CLAUDE_DEFAULT_MAX_TOKENS = 1024;

/** Options of {@link buildClaudeMessagesBody}. */
export interface ClaudeBodyOptions {
  stream: boolean;
  /** @default CLAUDE_DEFAULT_MAX_TOKENS */
  defaultMaxTokens?: number;
}

/**
 * Checks a ChatRequest and builds the Messages body. `providerOptions` are spread in first (`metadata`,
 * `thinking`, `service_tier`, `output_config`, a block-form `system` with `cache_control`, …); the typed
 * fields that are set win over them. Mapping: system messages -> `system`; `maxTokens` -> `max_tokens`
 * (default {@link CLAUDE_DEFAULT_MAX_TOKENS}); `temperature` (0–1), `topP`, `topK`; `stop` ->
 * `stop_sequences`; `tools` -> `{name, description, input_schema}`; `toolChoice` 'auto' / 'required' /
 * 'none' / `{name}` -> `{type:'auto'}` / `{type:'any'}` / `{type:'none'}` / `{type:'tool', name}`;
 * `responseFormat` json-schema -> `output_config.format`. Refused: `seed` (Anthropic has none) and
 * `responseFormat: 'json'` (Anthropic constrains output by schema only).
 */
export function buildClaudeMessagesBody(
  request: ChatRequest,
  options: ClaudeBodyOptions,
): ClaudeMessagesBody {
  check.object(request, 'chat request');
  const body = commonBody(request);
  check.optionalNumber(request.maxTokens, 'maxTokens', { min: 1, integer: true });
  check.optionalNumber(request.temperature, 'temperature', { min: 0, max: 1 });
  check.optionalNumber(request.topP, 'topP', { min: 0, max: 1 });
  check.optionalNumber(request.topK, 'topK', { min: 0, integer: true });
  check.optionalStrings(request.stop, 'stop', { nonEmpty: true });
  if (request.seed !== undefined) throw check.invalid('seed is not supported by the Messages API');

  const maxTokens =
    request.maxTokens ?? body.max_tokens ?? options.defaultMaxTokens ?? CLAUDE_DEFAULT_MAX_TOKENS;
  check.optionalNumber(maxTokens, 'providerOptions.max_tokens', { min: 1, integer: true });
  body.max_tokens = maxTokens as number;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stop !== undefined) body.stop_sequences = [...request.stop];
  if (options.stream) body.stream = true;
  else delete body.stream;
  applyResponseFormat(body, request.responseFormat);
  return body;
}

/**
 * The body of `POST /v1/messages/count_tokens`: the Messages body without `max_tokens`, `stream` and the
 * sampling fields, which the endpoint does not take. Same checks and mapping as {@link buildClaudeMessagesBody}.
 */
export function buildClaudeCountTokensBody(request: ChatRequest): JsonObject {
  check.object(request, 'count tokens request');
  const body: JsonObject = commonBody(request);
  for (const key of ['max_tokens', 'stream', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'metadata']) {
    delete body[key];
  }
  return body;
}

/** model, messages, system, tools and tool_choice over the caller's `providerOptions`. */
function commonBody(request: ChatRequest): ClaudeMessagesBody {
  check.name(request.model, 'model');
  if (request.providerOptions !== undefined) check.object(request.providerOptions, 'providerOptions');
  const { system, messages } = convertToClaudeMessages(request.messages);
  const body = { ...request.providerOptions, model: request.model, messages } as ClaudeMessagesBody;
  if (system !== undefined) body.system = system;
  const tools = claudeTools(request.tools);
  if (tools !== undefined) body.tools = tools;
  const choice = claudeToolChoice(request.toolChoice, tools ?? (body.tools as ClaudeWireTool[] | undefined));
  if (choice !== undefined) body.tool_choice = choice;
  return body;
}

function claudeTools(tools: ChatRequest['tools']): ClaudeWireTool[] | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) throw check.invalid('tools must be an array');
  const names = new Set<string>();
  return tools.map((tool, i) => {
    check.object(tool, `tools[${i}]`);
    check.name(tool.name, `tools[${i}].name`);
    if (names.has(tool.name))
      throw check.invalid(`tools[${i}].name ${JSON.stringify(tool.name)} is repeated`);
    names.add(tool.name);
    if (tool.description !== undefined && typeof tool.description !== 'string') {
      throw check.invalid(`tools[${i}].description must be a string`);
    }
    check.object(tool.parameters, `tools[${i}].parameters`);
    const wire: ClaudeWireTool = { name: tool.name, input_schema: tool.parameters };
    if (tool.description !== undefined) wire.description = tool.description;
    return wire;
  });
}

function claudeToolChoice(
  choice: ChatRequest['toolChoice'],
  tools: ClaudeWireTool[] | undefined,
): ClaudeWireToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'none') return { type: 'none' };
  const hasTools = Array.isArray(tools) && tools.length > 0;
  if (choice === 'auto' || choice === 'required') {
    if (!hasTools) throw check.invalid(`toolChoice '${choice}' needs tools`);
    return choice === 'auto' ? { type: 'auto' } : { type: 'any' };
  }
  if (isPlainObject(choice) && typeof choice.name === 'string' && choice.name !== '') {
    if (!hasTools || !tools.some((tool) => tool.name === choice.name)) {
      throw check.invalid(`toolChoice names ${JSON.stringify(choice.name)}, which is not among the tools`);
    }
    return { type: 'tool', name: choice.name };
  }
  throw check.invalid("toolChoice must be 'auto', 'required', 'none' or { name }");
}

function applyResponseFormat(body: ClaudeMessagesBody, format: ChatRequest['responseFormat']): void {
  if (format === undefined || format === 'text') return;
  if (format === 'json') {
    throw check.invalid(
      "responseFormat 'json' has no Anthropic equivalent; pass { type: 'json-schema', name, schema } instead",
    );
  }
  if (!isPlainObject(format) || format.type !== 'json-schema') {
    throw check.invalid("responseFormat must be 'text' or { type: 'json-schema', name, schema }");
  }
  check.object(format.schema, 'responseFormat.schema');
  const outputConfig = isPlainObject(body.output_config) ? body.output_config : {};
  body.output_config = { ...outputConfig, format: { type: 'json_schema', schema: format.schema } };
}
