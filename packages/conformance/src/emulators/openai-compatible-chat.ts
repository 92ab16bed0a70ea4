import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { modelNotFound } from './openai-compatible-errors.js';
import {
  type ChatHooks,
  type ChatPlan,
  countWords,
  EMULATOR_CREATED,
  EMULATOR_FINGERPRINT,
  type OpenAIChatCompletion,
  type OpenAIEmulatorState,
  usageOf,
  wordPieces,
} from './openai-compatible-shapes.js';
import { chatStreamReply } from './openai-compatible-stream.js';
import {
  checkMessages,
  checkNumber,
  checkStreamOptions,
  checkToolsAndFormat,
  isObject,
  type JsonObject,
  missing,
  unparseableBody,
} from './openai-compatible-validate.js';

/** `POST /chat/completions`: validates like the real API, then answers deterministically. */
export function chatCompletions(
  request: EmulatorRequest,
  models: readonly string[],
  state: OpenAIEmulatorState,
  hooks: ChatHooks,
): Reply {
  const body = request.json;
  if (!isObject(body)) return unparseableBody();
  if (typeof body.model !== 'string' || body.model === '') return missing('model');
  const invalid =
    checkMessages(body.messages) ??
    checkNumber(body, 'max_tokens', { integer: true, min: 1 }) ??
    checkNumber(body, 'max_completion_tokens', { integer: true, min: 1 }) ??
    checkNumber(body, 'n', { integer: true, min: 1, max: 128 }) ??
    checkNumber(body, 'temperature', { min: 0, max: 2 }) ??
    checkNumber(body, 'top_p', { min: 0, max: 1 }) ??
    checkStreamOptions(body) ??
    checkToolsAndFormat(body);
  if (invalid) return invalid;
  if (!models.includes(body.model)) return modelNotFound(body.model);
  const plan = planChat(body, body.model, state);
  state.tokensUsed += plan.usage.total_tokens;
  if (body.stream === true) return chatStreamReply(plan, request, hooks.decorateChunk);
  const completion = completionOf(plan);
  return { kind: 'json', status: 200, body: hooks.decorateCompletion?.(completion, request) ?? completion };
}

function planChat(body: JsonObject, model: string, state: OpenAIEmulatorState): ChatPlan {
  const messages = body.messages as readonly JsonObject[];
  const promptTokens = messages.reduce((sum, message) => sum + countWords(textOf(message.content)), 0);
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const userText = lastUser ? textOf(lastUser.content) : '';
  const id = `chatcmpl-${++state.completions}`;
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const toolName = chosenTool(body, userText);
  if (toolName !== undefined) {
    const toolCall = { id: `call_${++state.toolCalls}`, name: toolName, arguments: '{}' };
    const usage = usageOf(promptTokens, countWords(toolCall.arguments));
    return { id, model, content: undefined, toolCall, finishReason: 'tool_calls', usage, includeUsage };
  }
  const format = isObject(body.response_format) ? body.response_format.type : undefined;
  const full =
    format === 'json_object' || format === 'json_schema'
      ? JSON.stringify({ echo: userText })
      : `Echo: ${userText}`;
  const limit = body.max_completion_tokens ?? body.max_tokens;
  const pieces = wordPieces(full);
  const cut = typeof limit === 'number' && pieces.length > limit;
  const content = cut ? pieces.slice(0, limit).join('').trimEnd() : full;
  const usage = usageOf(promptTokens, cut ? (limit as number) : pieces.length);
  return {
    id,
    model,
    content,
    toolCall: undefined,
    finishReason: cut ? 'length' : 'stop',
    usage,
    includeUsage,
  };
}

/** The tool to call: the named `tool_choice`, else the first tool when forced or when the user asks for a tool. */
function chosenTool(body: JsonObject, userText: string): string | undefined {
  const tools = body.tools as readonly { function: { name: string } }[] | undefined;
  const choice = body.tool_choice;
  if (!tools || tools.length === 0 || choice === 'none') return undefined;
  if (isObject(choice) && isObject(choice.function)) return String(choice.function.name);
  if (choice === 'required' || /\btool\b/i.test(userText)) return tools[0]?.function.name;
  return undefined;
}

/** The text of a message's content: the string, or its text parts joined by a space. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(
      (part): part is { text: string } =>
        isObject(part) && part.type === 'text' && typeof part.text === 'string',
    )
    .map((part) => part.text)
    .join(' ');
}

function completionOf(plan: ChatPlan): OpenAIChatCompletion {
  const toolCalls = plan.toolCall && [
    {
      id: plan.toolCall.id,
      type: 'function',
      function: { name: plan.toolCall.name, arguments: plan.toolCall.arguments },
    },
  ];
  const message = {
    role: 'assistant',
    content: plan.content ?? null,
    refusal: null,
    ...(toolCalls ? { tool_calls: toolCalls } : {}),
    annotations: [],
  };
  return {
    id: plan.id,
    object: 'chat.completion',
    created: EMULATOR_CREATED,
    model: plan.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: plan.usage,
    service_tier: 'default',
    system_fingerprint: EMULATOR_FINGERPRINT,
  };
}
