import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { ollamaErrorReply } from './ollama-errors.js';
import {
  countWords,
  embeddingOf,
  jsonReply,
  OLLAMA_DEFAULT_EMBEDDING_DIMENSIONS,
  OLLAMA_MAX_EMBEDDING_DIMENSIONS,
  type OllamaEmulatorState,
  touchModel,
} from './ollama-shapes.js';
import { checkModel, checkOptions, FIELD, parseBody } from './ollama-validate.js';

const EMBED_FIELDS = {
  model: FIELD.string,
  truncate: FIELD.bool,
  dimensions: FIELD.int,
  options: FIELD.map,
};

/**
 * `POST /api/embed`: `input` a string or an array of strings (else 400 `invalid input type`); one L2-normalised
 * vector per input, 8 values or `dimensions` (up to 4096; zero or less means the default, as on the real
 * server). An empty input only loads the model: `embeddings: []`. `prompt_eval_count` counts the words.
 */
export function embedHandler(request: EmulatorRequest, state: OllamaEmulatorState): Reply {
  const parsed = parseBody(request, 'api.EmbedRequest', EMBED_FIELDS);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const name = body.model;
  if (typeof name !== 'string' || name === '') return ollamaErrorReply(400, 'model is required');
  const inputs = inputsOf(body.input);
  if (!inputs) return ollamaErrorReply(400, 'invalid input type');
  const model = checkModel(body, state);
  if (!model.ok) return model.reply;
  const invalidOptions = checkOptions(body.options);
  if (invalidOptions) return invalidOptions;
  touchModel(state, model.value, body.keep_alive);
  if (inputs.length === 0) return jsonReply(200, { model: model.value, embeddings: [] });
  const asked = typeof body.dimensions === 'number' ? body.dimensions : 0;
  const dimensions =
    asked > 0 ? Math.min(asked, OLLAMA_MAX_EMBEDDING_DIMENSIONS) : OLLAMA_DEFAULT_EMBEDDING_DIMENSIONS;
  const promptEvalCount = inputs.reduce((sum, text) => sum + countWords(text), 0);
  return jsonReply(200, {
    model: model.value,
    embeddings: inputs.map((text) => embeddingOf(text, dimensions)),
    total_duration: 1_500_000 + promptEvalCount * 100_000,
    load_duration: 1_000_000,
    prompt_eval_count: promptEvalCount,
  });
}

/** The legacy `POST /api/embeddings`: `{model, prompt}` -> `{embedding}` (empty prompt: an empty vector). */
export function embeddingsHandler(request: EmulatorRequest, state: OllamaEmulatorState): Reply {
  const parsed = parseBody(request, 'api.EmbeddingRequest', {
    model: FIELD.string,
    prompt: FIELD.string,
    options: FIELD.map,
  });
  if (!parsed.ok) return parsed.reply;
  const body = parsed.value;
  const model = checkModel(body, state);
  if (!model.ok) return model.reply;
  const invalidOptions = checkOptions(body.options);
  if (invalidOptions) return invalidOptions;
  touchModel(state, model.value, body.keep_alive);
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  return jsonReply(200, {
    embedding: prompt === '' ? [] : embeddingOf(prompt, OLLAMA_DEFAULT_EMBEDDING_DIMENSIONS),
  });
}

/** The texts of `input`; empty strings are dropped from a single input as the real server does. */
function inputsOf(input: unknown): string[] | undefined {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return input === '' ? [] : [input];
  if (!Array.isArray(input) || !input.every((item) => typeof item === 'string')) return undefined;
  return input as string[];
}
