import type { EmulatorRequest, Reply } from '../emulator/types.js';
import {
  embeddingOf,
  GEMINI_EMBEDDING_DIMENSIONS,
  type GeminiEmulatorState,
  isObject,
  type JsonObject,
  jsonReply,
} from './gemini-shapes.js';
import { bodyObject, type Checked, checkModel, field, invalid, unknownField } from './gemini-validate.js';

const EMBED_FIELDS = ['model', 'content', 'taskType', 'title', 'outputDimensionality'];
const TASK_TYPES = [
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
];

/** One EmbedContentRequest -> its vector (text parts joined, `outputDimensionality` honoured). */
function embedOne(body: JsonObject, where: string, model: string): Checked<number[]> {
  const unknown = unknownField(body, EMBED_FIELDS, where);
  if (unknown) return unknown;
  const inner = field(body, 'model');
  if (inner !== undefined && inner !== `models/${model}`) {
    return invalid(
      `* ${where}.model: Model in the request (${String(inner)}) does not match the model in the URL (models/${model}).\n`,
    );
  }
  const content = field(body, 'content');
  const parts = isObject(content) ? content.parts : undefined;
  if (!Array.isArray(parts) || parts.length === 0)
    return invalid(`* ${where}.content: content is not specified\n`);
  const texts = parts.map((part: unknown) => (isObject(part) ? part.text : undefined));
  if (texts.some((text) => typeof text !== 'string')) {
    return invalid(`* ${where}.content.parts: only text parts can be embedded\n`);
  }
  const taskType = field(body, 'taskType');
  if (taskType !== undefined && !TASK_TYPES.includes(String(taskType))) {
    return invalid(
      `Invalid value at '${where}.task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "${String(taskType)}"`,
    );
  }
  const dims = field(body, 'outputDimensionality') ?? GEMINI_EMBEDDING_DIMENSIONS;
  if (!Number.isInteger(dims) || (dims as number) < 1 || (dims as number) > GEMINI_EMBEDDING_DIMENSIONS) {
    return invalid(
      `* ${where}.output_dimensionality: must be between 1 and ${GEMINI_EMBEDDING_DIMENSIONS}\n`,
    );
  }
  return { ok: true, value: embeddingOf(`${String(taskType ?? '')}:${texts.join('\n')}`, dims as number) };
}

/** `:embedContent` -> `{embedding: {values}}`. */
export function embedContentHandler(
  request: EmulatorRequest,
  state: GeminiEmulatorState,
  model: string,
): Reply {
  const parsed = bodyObject(request);
  if (!parsed.ok) return parsed.reply;
  const known = checkModel(state, request, model, 'embedContent');
  if (!known.ok) return known.reply;
  const vector = embedOne(parsed.value, 'EmbedContentRequest', model);
  if (!vector.ok) return vector.reply;
  return jsonReply(200, { embedding: { values: vector.value } });
}

/** `:batchEmbedContents` -> `{embeddings: [{values}, …]}`; every inner request must name the URL's model. */
export function batchEmbedHandler(
  request: EmulatorRequest,
  state: GeminiEmulatorState,
  model: string,
): Reply {
  const parsed = bodyObject(request);
  if (!parsed.ok) return parsed.reply;
  const known = checkModel(state, request, model, 'batchEmbedContents');
  if (!known.ok) return known.reply;
  const unknown = unknownField(parsed.value, ['requests'], '');
  if (unknown) return unknown.reply;
  const requests = field(parsed.value, 'requests');
  if (!Array.isArray(requests) || requests.length === 0) {
    return invalid('* BatchEmbedContentsRequest.requests: requests is not specified\n').reply;
  }
  const embeddings: Array<{ values: number[] }> = [];
  for (const [i, inner] of requests.entries()) {
    const where = `BatchEmbedContentsRequest.requests[${i}]`;
    if (!isObject(inner)) return invalid(`* ${where}: must be an object\n`).reply;
    if (field(inner, 'model') === undefined)
      return invalid(`* ${where}.model: model is not specified\n`).reply;
    const vector = embedOne(inner, where, model);
    if (!vector.ok) return vector.reply;
    embeddings.push({ values: vector.value });
  }
  return jsonReply(200, { embeddings });
}
