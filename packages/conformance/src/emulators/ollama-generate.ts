import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { ollamaErrorReply } from './ollama-errors.js';
import {
  countWords,
  createdAt,
  jsonReply,
  ndjsonReply,
  type OllamaEmulatorState,
  planText,
  statsOf,
  tokenIdsOf,
  touchModel,
} from './ollama-shapes.js';
import {
  checkFormat,
  checkModel,
  checkOptions,
  GENERATE_FIELDS,
  isUnload,
  numPredictOf,
  parseBody,
} from './ollama-validate.js';

/**
 * `POST /api/generate`, in the real server's order: body and types (400), `model` (400/404), unload (empty
 * prompt with `keep_alive: 0`), raw mode conflicts (400), options (500), load (empty prompt: one `done_reason:
 * "load"` object, even when streaming), `format` (500). The response is `Echo: <prompt>` (or `{"echo": ...}`),
 * cut to `num_predict` words; the final object carries `context`: the request's context plus token ids of the
 * prompt and the response (none in raw mode).
 */
export function generateHandler(request: EmulatorRequest, state: OllamaEmulatorState): Reply {
  const parsed = parseBody(request, 'api.GenerateRequest', GENERATE_FIELDS);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const model = checkModel(body, state);
  if (!model.ok) return model.reply;
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  if (prompt === '' && isUnload(body.keep_alive)) {
    touchModel(state, model.value, 0);
    return emptyReply(state, model.value, 'unload');
  }
  const context = Array.isArray(body.context) ? (body.context as number[]) : [];
  const system = typeof body.system === 'string' ? body.system : '';
  const raw = body.raw === true;
  if (raw && (system !== '' || body.template || context.length > 0)) {
    return ollamaErrorReply(400, 'raw mode does not support template, system, or context');
  }
  const invalidOptions = checkOptions(body.options);
  if (invalidOptions) return invalidOptions;
  touchModel(state, model.value, body.keep_alive);
  if (prompt === '') return emptyReply(state, model.value, 'load');
  const format = checkFormat(body.format);
  if (!format.ok) return format.reply;

  const plan = planText(
    format.value ? JSON.stringify({ echo: prompt }) : `Echo: ${prompt}`,
    numPredictOf(body.options),
  );
  const promptEvalCount = countWords(system) + countWords(prompt) + context.length;
  const final = (response: string): Record<string, unknown> => ({
    model: model.value,
    created_at: createdAt(state),
    response,
    done: true,
    done_reason: plan.doneReason,
    ...(raw ? {} : { context: [...context, ...tokenIdsOf(prompt), ...tokenIdsOf(plan.text)] }),
    ...statsOf(promptEvalCount, plan.evalCount),
  });
  if (body.stream === false) return jsonReply(200, final(plan.text));
  const chunks = plan.pieces.map((piece) => ({
    model: model.value,
    created_at: createdAt(state),
    response: piece,
    done: false,
  }));
  return ndjsonReply(chunks, final(''));
}

/** The answer to an empty prompt: the model was loaded (or unloaded), as one JSON object. */
function emptyReply(state: OllamaEmulatorState, model: string, doneReason: 'load' | 'unload'): Reply {
  return jsonReply(200, {
    model,
    created_at: createdAt(state),
    response: '',
    done: true,
    done_reason: doneReason,
  });
}
