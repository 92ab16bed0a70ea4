import type { EmulatorRequest, Reply } from '../emulator/types.js';
import {
  countWords,
  createdAt,
  isObject,
  type JsonObject,
  jsonReply,
  ndjsonReply,
  type OllamaEmulatorState,
  planText,
  statsOf,
  touchModel,
} from './ollama-shapes.js';
import {
  CHAT_FIELDS,
  checkFormat,
  checkMessages,
  checkModel,
  checkOptions,
  checkTools,
  isUnload,
  numPredictOf,
  parseBody,
} from './ollama-validate.js';

/** A tool call as Ollama sends it: `arguments` is an object, not JSON text. */
interface OllamaToolCall {
  readonly function: { readonly name: string; readonly arguments: Record<string, unknown> };
}

/**
 * `POST /api/chat`, checked in the real server's order: body and field types (400), `model` (400 required,
 * 404 unknown), unload/load with no messages, runtime options (500), messages and tools (400), `format` (500).
 * The assistant answers `Echo: <last user text>` (or `{"echo": ...}` for `format`), cut to `num_predict` words,
 * or calls the first tool when tools are given and the user's last message says "tool". `stream` defaults to true.
 */
export function chatHandler(request: EmulatorRequest, state: OllamaEmulatorState): Reply {
  const parsed = parseBody(request, 'api.ChatRequest', CHAT_FIELDS);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const model = checkModel(body, state);
  if (!model.ok) return model.reply;
  const messages = (body.messages as readonly unknown[] | undefined | null) ?? [];
  if (messages.length === 0 && isUnload(body.keep_alive)) {
    touchModel(state, model.value, 0);
    return emptyReply(state, model.value, 'unload');
  }
  const invalidOptions = checkOptions(body.options);
  if (invalidOptions) return invalidOptions;
  touchModel(state, model.value, body.keep_alive);
  if (messages.length === 0) return emptyReply(state, model.value, 'load');
  const invalid = checkMessages(messages) ?? checkTools(body.tools as readonly unknown[] | undefined);
  if (invalid) return invalid;
  const format = checkFormat(body.format);
  if (!format.ok) return format.reply;

  const history = messages as readonly JsonObject[];
  const promptEvalCount = history.reduce((sum, message) => sum + countWords(contentOf(message)), 0);
  const lastUser = [...history].reverse().find((message) => message.role === 'user');
  const userText = lastUser ? contentOf(lastUser) : '';
  const stream = body.stream !== false;
  const base = { model: model.value };

  const toolCall = chosenTool(body.tools, userText);
  if (toolCall) {
    const evalCount = countWords(JSON.stringify(toolCall.function.arguments));
    const message = { role: 'assistant', content: '', tool_calls: [toolCall] };
    if (!stream) return jsonReply(200, finalObject(state, base, message, 'stop', promptEvalCount, evalCount));
    const chunk = { ...base, created_at: createdAt(state), message, done: false };
    const final = finalObject(
      state,
      base,
      { role: 'assistant', content: '' },
      'stop',
      promptEvalCount,
      evalCount,
    );
    return ndjsonReply([chunk], final);
  }

  const full = format.value ? JSON.stringify({ echo: userText }) : `Echo: ${userText}`;
  const plan = planText(full, numPredictOf(body.options));
  if (!stream) {
    const message = { role: 'assistant', content: plan.text };
    return jsonReply(
      200,
      finalObject(state, base, message, plan.doneReason, promptEvalCount, plan.evalCount),
    );
  }
  const chunks = plan.pieces.map((piece) => ({
    ...base,
    created_at: createdAt(state),
    message: { role: 'assistant', content: piece },
    done: false,
  }));
  const final = finalObject(
    state,
    base,
    { role: 'assistant', content: '' },
    plan.doneReason,
    promptEvalCount,
    plan.evalCount,
  );
  return ndjsonReply(chunks, final);
}

/** The last object of a chat: `done_reason` before `done`, then the statistics, in the real server's key order. */
function finalObject(
  state: OllamaEmulatorState,
  base: { model: string },
  message: Record<string, unknown>,
  doneReason: string,
  promptEvalCount: number,
  evalCount: number,
): Record<string, unknown> {
  return {
    ...base,
    created_at: createdAt(state),
    message,
    done_reason: doneReason,
    done: true,
    ...statsOf(promptEvalCount, evalCount),
  };
}

/** The answer to a chat with no messages: the model was loaded (or unloaded with `keep_alive: 0`). */
function emptyReply(state: OllamaEmulatorState, model: string, doneReason: 'load' | 'unload'): Reply {
  return jsonReply(200, {
    model,
    created_at: createdAt(state),
    message: { role: 'assistant', content: '' },
    done_reason: doneReason,
    done: true,
  });
}

function contentOf(message: JsonObject): string {
  return typeof message.content === 'string' ? message.content : '';
}

/** The first tool, called with no arguments, when the user's last message mentions a tool. */
function chosenTool(tools: unknown, userText: string): OllamaToolCall | undefined {
  if (!Array.isArray(tools) || tools.length === 0 || !/\btool\b/i.test(userText)) return undefined;
  const first: unknown = tools[0];
  const fn = isObject(first) && isObject(first.function) ? first.function : {};
  return { function: { name: typeof fn.name === 'string' ? fn.name : '', arguments: {} } };
}
