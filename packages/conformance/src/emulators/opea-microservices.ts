/**
 * The GenAIComps microservice routes: embeddings, retrieval, reranking and the LLM's chat completions. The
 * OpenAI-shaped ones reuse the OpenAI-compatible emulator's handlers behind pydantic-style (FastAPI 422)
 * checks; `model` is optional as in GenAIComps' `api_protocol.py` (the service's own model answers).
 */
import type { EmulatorRequest, Reply } from '../emulator/types.js';
import {
  checkFields,
  type FastAPIIssue,
  fastAPIValidation,
  jsonDecodeError,
  missingField,
  wrongType,
} from './opea-errors.js';
import { chatCompletions } from './openai-compatible-chat.js';
import {
  createEmbeddings,
  DEFAULT_EMBEDDING_DIMENSIONS,
  embeddingOf,
} from './openai-compatible-embeddings.js';
import type { ChatHooks, OpenAIEmulatorState } from './openai-compatible-shapes.js';
import { isObject } from './openai-compatible-validate.js';

/** What the microservices serve. */
export interface OpeaMicroserviceConfig {
  /** The LLM's model, used when a chat request names none. */
  readonly llmModel: string;
  /** The embedding model, reported when a request names none. */
  readonly embeddingModel: string;
  /** The vector store's documents, searched by `/v1/retrieval`. */
  readonly documents: readonly string[];
}

const NO_HOOKS: ChatHooks = {};

function withModel(request: EmulatorRequest, model: string): EmulatorRequest {
  return isObject(request.json) && request.json.model === undefined
    ? { ...request, json: { ...request.json, model } }
    : request;
}

function validate(
  body: unknown,
  required: string[],
  fields: Parameters<typeof checkFields>[1],
): Reply | undefined {
  if (!isObject(body)) return jsonDecodeError();
  const issues: FastAPIIssue[] = required
    .filter((f) => body[f] === undefined)
    .map((f) => missingField(f, body));
  issues.push(...checkFields(body, fields));
  return issues.length > 0 ? fastAPIValidation(issues) : undefined;
}

/** `POST /v1/chat/completions` of the LLM microservice. */
export function opeaChatCompletions(
  request: EmulatorRequest,
  config: OpeaMicroserviceConfig,
  state: OpenAIEmulatorState,
): Reply {
  const invalid = validate(request.json, ['messages'], {
    model: 'string',
    stream: 'boolean',
    max_tokens: 'integer',
  });
  if (invalid) return invalid;
  const prepared = withModel(request, config.llmModel);
  const model = (prepared.json as Record<string, unknown>).model;
  return chatCompletions(prepared, [String(model)], state, NO_HOOKS);
}

/** `POST /v1/embeddings` of the embedding microservice. */
export function opeaEmbeddings(
  request: EmulatorRequest,
  config: OpeaMicroserviceConfig,
  state: OpenAIEmulatorState,
): Reply {
  const invalid = validate(request.json, ['input'], {
    model: 'string',
    encoding_format: 'string',
    dimensions: 'integer',
  });
  if (invalid) return invalid;
  const prepared = withModel(request, config.embeddingModel);
  const model = (prepared.json as Record<string, unknown>).model;
  return createEmbeddings(prepared, [String(model)], state);
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

/**
 * `POST /v1/retrieval`: the `k` documents nearest the query embedding (documents are embedded like
 * `/v1/embeddings` does, at the query's dimension). A `RetrievalRequest` (no `text`) gets `{retrieved_docs:
 * [{text, metadata}]}`; an `EmbedDoc` (with `text`) gets `SearchedDoc` with `initial_query` and `top_n`.
 */
export function opeaRetrieval(request: EmulatorRequest, config: OpeaMicroserviceConfig): Reply {
  const body = request.json;
  const invalid = validate(body, ['embedding'], {
    input: 'string',
    text: 'string',
    search_type: 'string',
    k: 'integer',
    fetch_k: 'integer',
  });
  if (invalid) return invalid;
  const { embedding } = body as Record<string, unknown>;
  if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number')) {
    return fastAPIValidation([wrongType('embedding', 'list', embedding)]);
  }
  const k =
    typeof (body as Record<string, unknown>).k === 'number'
      ? ((body as Record<string, unknown>).k as number)
      : 4;
  const dimensions = embedding.length || DEFAULT_EMBEDDING_DIMENSIONS;
  const ranked = config.documents
    .map((text, index) => ({
      text,
      index,
      score: cosine(embedding as number[], embeddingOf(text, dimensions)),
    }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
  const text = (body as Record<string, unknown>).text;
  if (typeof text === 'string') {
    return {
      kind: 'json',
      status: 200,
      body: {
        retrieved_docs: ranked.map((d) => ({ text: d.text, id: `doc-${d.index}` })),
        initial_query: text,
        top_n: 1,
      },
    };
  }
  return {
    kind: 'json',
    status: 200,
    body: {
      retrieved_docs: ranked.map((d) => ({ text: d.text, metadata: { source: `doc-${d.index}.txt` } })),
    },
  };
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/**
 * `POST /v1/reranking`: `RerankingRequest {input, retrieved_docs, top_n}`, scored by word overlap with the
 * query (Jaccard), best first, `top_n` of them (default 1, as the service's).
 */
export function opeaReranking(request: EmulatorRequest): Reply {
  const body = request.json;
  const invalid = validate(body, ['input', 'retrieved_docs'], { input: 'string', top_n: 'integer' });
  if (invalid) return invalid;
  const { input, retrieved_docs: docs, top_n: topN } = body as Record<string, unknown>;
  if (!Array.isArray(docs)) return fastAPIValidation([wrongType('retrieved_docs', 'list', docs)]);
  const texts = docs.map((doc: unknown) =>
    typeof doc === 'string' ? doc : isObject(doc) ? doc.text : undefined,
  );
  const bad = texts.findIndex((text) => typeof text !== 'string');
  if (bad >= 0) {
    return fastAPIValidation([
      {
        type: 'missing',
        loc: ['body', 'retrieved_docs', bad, 'text'],
        msg: 'Field required',
        input: docs[bad],
      },
    ]);
  }
  const query = words(String(input));
  const scored = (texts as string[]).map((text, index) => {
    const doc = words(text);
    const shared = [...doc].filter((w) => query.has(w)).length;
    const union = new Set([...doc, ...query]).size || 1;
    return { text, index, score: shared / union };
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const n = typeof topN === 'number' ? topN : 1;
  return {
    kind: 'json',
    status: 200,
    body: { reranked_docs: scored.slice(0, n).map(({ text, score }) => ({ text, score })) },
  };
}
