import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { anthropicErrorReply, invalidRequest } from './anthropic-errors.js';
import {
  type AnthropicEmulatorState,
  contentText,
  countWords,
  isObject,
  type JsonObject,
  type MessagePlan,
  messageOf,
  type PlannedBlock,
  promptTokens,
  wordPieces,
} from './anthropic-shapes.js';
import { messageStreamReply } from './anthropic-stream.js';
import { checkMessagesBody } from './anthropic-validate.js';

/** `POST /v1/messages`: validates like the API, then answers deterministically (JSON or the event stream). */
export function createMessage(
  request: EmulatorRequest,
  models: readonly string[],
  state: AnthropicEmulatorState,
): Reply {
  const body = request.json;
  if (!isObject(body)) return invalidRequest(request, 'There was an error parsing the body of your request.');
  const invalid = checkMessagesBody(request, body, { maxTokens: true });
  if (invalid) return invalid;
  if (!models.includes(body.model as string)) return modelNotFound(request, String(body.model));
  const plan = planMessage(body, state);
  state.tokensUsed += plan.inputTokens + plan.outputTokens;
  if (body.stream === true) return messageStreamReply(plan);
  return { kind: 'json', status: 200, body: messageOf(plan) };
}

/** `POST /v1/messages/count_tokens`: the same checks minus `max_tokens`; `{input_tokens}` as Messages counts it. */
export function countTokens(request: EmulatorRequest, models: readonly string[]): Reply {
  const body = request.json;
  if (!isObject(body)) return invalidRequest(request, 'There was an error parsing the body of your request.');
  const invalid = checkMessagesBody(request, body, { maxTokens: false });
  if (invalid) return invalid;
  if (!models.includes(body.model as string)) return modelNotFound(request, String(body.model));
  return { kind: 'json', status: 200, body: { input_tokens: promptTokens(body) } };
}

/** The API's 404 for an unknown model. */
export function modelNotFound(request: EmulatorRequest, model: string): Reply {
  return anthropicErrorReply(request, 404, 'not_found_error', `model: ${model}`);
}

/**
 * What the model says: with extended thinking on, a thinking block first; then a `tool_use` when tools are
 * given and either forced (`tool_choice` any/tool) or asked for (the last user text says "tool"), else
 * `Echo: <last user text>` (or `{"echo": …}` JSON when `output_config.format` asks for a schema), cut at the
 * first stop sequence and at `max_tokens` words.
 */
function planMessage(body: JsonObject, state: AnthropicEmulatorState): MessagePlan {
  const messages = body.messages as JsonObject[];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const userText = lastUser ? contentText(lastUser.content) : '';
  const maxTokens = body.max_tokens as number;
  const blocks: PlannedBlock[] = [];
  let outputTokens = 0;
  if (isObject(body.thinking) && body.thinking.type === 'enabled') {
    const thinking = `Thinking about: ${userText}`;
    blocks.push({ type: 'thinking', thinking, signature: `sig_emu_${state.messages + 1}` });
    outputTokens += countWords(thinking);
  }
  const base = {
    id: `msg_emu_${String(++state.messages).padStart(8, '0')}`,
    model: body.model as string,
    inputTokens: promptTokens(body),
  };
  const tool = chosenTool(body, userText);
  if (tool !== undefined) {
    const input = toolInput(tool.input_schema, userText);
    blocks.push({
      type: 'tool_use',
      id: `toolu_emu_${String(++state.toolUses).padStart(8, '0')}`,
      name: String(tool.name),
      input,
    });
    outputTokens += countWords(JSON.stringify(input));
    return { ...base, blocks, stopReason: 'tool_use', stopSequence: null, outputTokens };
  }
  const format =
    isObject(body.output_config) && isObject(body.output_config.format)
      ? body.output_config.format
      : undefined;
  let text = format?.type === 'json_schema' ? JSON.stringify({ echo: userText }) : `Echo: ${userText}`;
  let stopSequence: string | null = null;
  for (const sequence of (body.stop_sequences as string[] | undefined) ?? []) {
    const at = text.indexOf(sequence);
    if (at !== -1) {
      text = text.slice(0, at);
      stopSequence = sequence;
    }
  }
  const pieces = wordPieces(text);
  const room = Math.max(0, maxTokens - outputTokens);
  if (pieces.length > room) {
    const cut = pieces.slice(0, room).join('').trimEnd();
    if (cut !== '') blocks.push({ type: 'text', text: cut });
    return {
      ...base,
      blocks,
      stopReason: 'max_tokens',
      stopSequence: null,
      outputTokens: outputTokens + room,
    };
  }
  if (text !== '') blocks.push({ type: 'text', text });
  const stopReason = stopSequence === null ? 'end_turn' : 'stop_sequence';
  return { ...base, blocks, stopReason, stopSequence, outputTokens: outputTokens + pieces.length };
}

/** The named tool, else the first one when forced (`any`) or asked for ("tool" in the last user text). */
function chosenTool(body: JsonObject, userText: string): JsonObject | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as JsonObject[]) : [];
  const choice = isObject(body.tool_choice) ? body.tool_choice : { type: 'auto' };
  if (tools.length === 0 || choice.type === 'none') return undefined;
  if (choice.type === 'tool') return tools.find((tool) => tool.name === choice.name);
  if (choice.type === 'any' || /\btool\b/i.test(userText)) return tools[0];
  return undefined;
}

/** The tool's input: the user text in the schema's first string property, else `{}`. */
function toolInput(schema: unknown, userText: string): JsonObject {
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const first = Object.entries(properties).find(([, p]) => isObject(p) && p.type === 'string');
  return first ? { [first[0]]: userText } : {};
}
