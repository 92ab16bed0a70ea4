/**
 * The OpenAI-compatible surface of the OVMS emulator (`/v3`, also `/v3/v1/...`): the OpenAI emulator's chat,
 * embeddings and models routes reused through `openAIProtocol` and reshaped where OVMS differs (no
 * `service_tier`/`system_fingerprint`, stream chunks without `id`, a first chunk with `content: null`, errors as
 * `{"error": "<message>"}`), plus OVMS's own `/v3/completions` (one string prompt) and `/v3/rerank` (Cohere).
 */
import type { EmulatorRequest, Reply, RouteHandler, StreamReply } from '../emulator/types.js';
import { openAIProtocol } from './openai-compatible.js';
import type { OpenAIChatChunk, OpenAIChatCompletion } from './openai-compatible-shapes.js';
import { EMULATOR_CREATED, usageOf, wordPieces } from './openai-compatible-shapes.js';
import { OPENAI_DONE_FRAME } from './openai-compatible-stream.js';
import { isObject } from './openai-compatible-validate.js';
import { ovmsError } from './ovms-kserve.js';

/** Most documents one rerank request may carry (OVMS's default `max_allowed_chunks`). */
export const OVMS_RERANK_MAX_DOCUMENTS = 500;

function withoutOpenAIExtras<T extends Record<string, unknown>>(object: T): T {
  const { service_tier: _t, system_fingerprint: _f, ...rest } = object;
  return rest as T;
}

function decorateCompletion(completion: OpenAIChatCompletion): OpenAIChatCompletion {
  const choices = completion.choices.map((choice) => {
    const message = isObject(choice.message) ? choice.message : {};
    const { refusal: _r, annotations: _a, ...kept } = message;
    return { ...choice, message: kept };
  });
  return { ...withoutOpenAIExtras(completion), choices };
}

function decorateChunk(chunk: OpenAIChatChunk, info: { index: number }): OpenAIChatChunk {
  const { id: _id, ...rest } = withoutOpenAIExtras(chunk);
  const choices = chunk.choices.map((choice) => {
    const delta = isObject(choice.delta) ? choice.delta : {};
    const { refusal: _r, ...kept } = delta;
    return { ...choice, delta: info.index === 0 && kept.role ? { role: 'assistant', content: null } : kept };
  });
  return { ...rest, choices } as unknown as OpenAIChatChunk;
}

/** An OpenAI-shaped error reply (`{"error": {message, …}}`) of the reused routes in OVMS's shape. */
function asOvmsError(reply: Reply): Reply {
  if (reply.kind !== 'json' || reply.status < 400 || !isObject(reply.body)) return reply;
  const { error } = reply.body;
  if (!isObject(error)) return reply;
  const message = /does not exist/.test(String(error.message)) ? 'Model not found' : String(error.message);
  return ovmsError(reply.status, message);
}

function completions(request: EmulatorRequest, models: readonly string[]): Reply {
  const body = request.json;
  if (!isObject(body)) return ovmsError(400, 'Cannot parse JSON body');
  if (typeof body.model !== 'string') return ovmsError(400, 'model field is missing in JSON body');
  if (!models.includes(body.model)) return ovmsError(404, 'Model not found');
  if (typeof body.prompt !== 'string') return ovmsError(400, 'prompt is not a string');
  const limit = body.max_tokens;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    return ovmsError(400, 'max_tokens is not a valid positive integer');
  }
  const all = wordPieces(`Echo: ${body.prompt}`);
  const cut = typeof limit === 'number' && all.length > limit;
  const pieces = cut ? all.slice(0, limit as number) : all;
  const usage = usageOf(wordPieces(body.prompt).length, pieces.length);
  const finish = cut ? 'length' : 'stop';
  const base = { created: EMULATOR_CREATED, model: body.model };
  if (body.stream !== true) {
    return {
      kind: 'json',
      status: 200,
      body: {
        ...base,
        object: 'text_completion',
        choices: [{ index: 0, text: pieces.join(''), finish_reason: finish, logprobs: null }],
        usage,
      },
    };
  }
  const frame = (text: string, reason: string | null) =>
    `data: ${JSON.stringify({ ...base, object: 'text_completion.chunk', choices: [{ index: 0, text, finish_reason: reason, logprobs: null }] })}\n\n`;
  const stream: StreamReply = {
    kind: 'stream',
    status: 200,
    contentType: 'text/event-stream',
    frames: [...pieces.map((p) => frame(p, null)), frame('', finish)],
    terminator: OPENAI_DONE_FRAME,
  };
  return stream;
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** `POST /v3/rerank`: a deterministic score in (0, 1) from the words a document shares with the query. */
function rerank(request: EmulatorRequest, models: readonly string[]): Reply {
  const body = request.json;
  if (!isObject(body)) return ovmsError(400, 'Cannot parse JSON body');
  if (typeof body.model !== 'string') return ovmsError(400, 'model field is missing in JSON body');
  if (!models.includes(body.model)) return ovmsError(404, 'Model not found');
  if (typeof body.query !== 'string') return ovmsError(400, 'query is not a string');
  const { documents, top_n: topN } = body;
  if (!Array.isArray(documents) || !documents.every((d) => typeof d === 'string')) {
    return ovmsError(400, 'documents is not an array of strings');
  }
  if (documents.length > OVMS_RERANK_MAX_DOCUMENTS) {
    return ovmsError(400, `Number of documents exceeds max_allowed_chunks (${OVMS_RERANK_MAX_DOCUMENTS})`);
  }
  if (topN !== undefined && (typeof topN !== 'number' || !Number.isInteger(topN) || topN < 0)) {
    return ovmsError(400, 'top_n accepts integer values');
  }
  const query = words(body.query);
  const scored = (documents as string[]).map((document, index) => {
    const doc = words(document);
    const shared = [...doc].filter((w) => query.has(w)).length;
    return { index, relevance_score: (shared + 0.5) / (doc.size + 1 + query.size), document };
  });
  scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  const results = scored
    .slice(0, typeof topN === 'number' ? topN : undefined)
    .map(({ index, relevance_score, document }) =>
      body.return_documents === true ? { index, relevance_score, document } : { index, relevance_score },
    );
  return { kind: 'json', status: 200, body: { results } };
}

/** The `/v3` routes (and their `/v3/v1` aliases), keyed for the emulator's route table. */
export function v3Routes(models: readonly string[]): Record<string, RouteHandler> {
  const base = openAIProtocol(
    { apiKeys: [], pathPrefix: '/v3', provider: 'ovms', decorateCompletion, decorateChunk },
    'ovms',
    models,
  );
  const routes: Record<string, RouteHandler> = {};
  for (const [key, handler] of Object.entries(base.routes)) {
    routes[key] = async (request, params) => asOvmsError(await handler(request, params));
  }
  routes['POST /v3/completions'] = (request) => completions(request, models);
  routes['POST /v3/rerank'] = (request) => rerank(request, models);
  for (const [key, handler] of Object.entries(routes)) routes[key.replace(' /v3/', ' /v3/v1/')] = handler;
  return routes;
}

/** OVMS's in-band stream error: a bare JSON line, no `data:` (`sendErrorImpl`). */
export function ovmsErrorFrame(_code: string | undefined, message: string | undefined): string {
  return JSON.stringify({
    error: message ?? 'Mediapipe execution failed. MP status - INTERNAL: generation failed',
  });
}
