import type { EmulatorRequest, JsonReply, Reply } from '../emulator/types.js';
import { embeddingToBase64 } from './openai-compatible-embeddings.js';
import { teiErrorReply, teiValidation } from './tei-errors.js';
import {
  computeHeaders,
  infoBody,
  isObject,
  pooledVector,
  rerankLogit,
  type TeiEmulatorState,
  type TeiModelType,
  type TeiServerConfig,
  type TeiToken,
  tokenize,
} from './tei-shapes.js';

/** What a route needs: the server's config and state. */
export interface TeiContext {
  readonly config: TeiServerConfig;
  readonly state: TeiEmulatorState;
}

/** axum's answer when the body does not deserialise into the route's type: 422, plain text. */
function unprocessable(detail: string): JsonReply {
  return {
    kind: 'json',
    status: 422,
    body: `Failed to deserialize the JSON body into the target type: ${detail}`,
    contentType: 'text/plain; charset=utf-8',
  };
}

function ok(body: unknown, texts: readonly string[], tokens: number): JsonReply {
  const characters = texts.reduce((sum, t) => sum + t.length, 0);
  return { kind: 'json', status: 200, body, headers: computeHeaders(characters, tokens) };
}

/** 424 when the served model cannot do this route (`model is not a re-ranker model`, …). */
function wrongModel(ctx: TeiContext, needs: TeiModelType, request: EmulatorRequest): JsonReply | undefined {
  if (ctx.config.serveAllRoutes || ctx.config.modelType === needs) return undefined;
  const name = needs === 'reranker' ? 'a re-ranker' : needs === 'embedding' ? 'an embedding' : 'a classifier';
  return teiErrorReply({ status: 424, code: 'backend', message: `model is not ${name} model` }, request);
}

interface Prepared {
  texts: string[];
  tokens: TeiToken[][];
}

/** A text of `Input`: a string, or token ids (decoded through the vocabulary). */
function textOf(item: unknown, ctx: TeiContext): string | undefined {
  if (typeof item === 'string') return item;
  if (Array.isArray(item) && item.every((id) => Number.isInteger(id) && id >= 0)) {
    return (item as number[]).map((id) => ctx.state.vocabulary.get(id) ?? `tok${id}`).join(' ');
  }
  return undefined;
}

/**
 * The checks every embed-style route makes, in the server's order: body shape, `truncation_direction`,
 * empty batch (400 Empty), batch size (413 Validation), `prompt_name`, then each input's length against
 * `max_input_length` unless truncating (413 Validation).
 */
function prepareInputs(request: EmulatorRequest, ctx: TeiContext, field = 'inputs'): Prepared | Reply {
  const body = request.json;
  if (!isObject(body)) return unprocessable('expected a JSON object');
  const raw = body[field];
  if (raw === undefined) return unprocessable(`missing field \`${field}\``);
  const direction = body.truncation_direction;
  if (direction !== undefined && direction !== 'Left' && direction !== 'Right') {
    return unprocessable('truncation_direction: unknown variant, expected `Left` or `Right`');
  }
  const single =
    typeof raw === 'string' ||
    (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'number'));
  const items: unknown[] = single ? [raw] : Array.isArray(raw) ? raw : [];
  if (!single && !Array.isArray(raw))
    return unprocessable(`${field}: data did not match any variant of untagged enum Input`);
  if (items.length === 0)
    return teiErrorReply({ status: 400, code: 'empty', message: 'Batch is empty' }, request);
  const limit = ctx.config.maxClientBatchSize;
  if (items.length > limit) {
    return teiValidation(`batch size ${items.length} > maximum allowed batch size ${limit}`, request);
  }
  const promptName = body.prompt_name;
  let prefix = '';
  if (promptName !== undefined && promptName !== null) {
    if (typeof promptName !== 'string' || ctx.config.prompts[promptName] === undefined) {
      return teiValidation(
        `Prompt name \`${String(promptName)}\` is not a key of the prompts configuration`,
        request,
      );
    }
    prefix = ctx.config.prompts[promptName] as string;
  }
  const truncate = typeof body.truncate === 'boolean' ? body.truncate : ctx.config.autoTruncate;
  const texts: string[] = [];
  const tokens: TeiToken[][] = [];
  for (const item of items) {
    const text = textOf(item, ctx);
    if (text === undefined)
      return unprocessable(`${field}: data did not match any variant of untagged enum InputType`);
    let list = tokenize(prefix + text, ctx.state);
    const max = ctx.config.maxInputLength;
    if (list.length > max) {
      if (!truncate) {
        return teiValidation(
          `Input validation error: \`inputs\` must have less than ${max} tokens. Given: ${list.length}`,
          request,
        );
      }
      list = direction === 'Left' ? list.slice(list.length - max) : list.slice(0, max);
    }
    texts.push(prefix + text);
    tokens.push(list);
  }
  return { texts, tokens };
}

/** `dimensions` (null: the model's size): a positive integer no larger than the model's vectors. */
function checkDimensions(value: unknown, ctx: TeiContext, request: EmulatorRequest): number | Reply {
  if (value === undefined || value === null) return ctx.config.dimensions;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    return unprocessable('dimensions: invalid value, expected usize');
  }
  if (value > ctx.config.dimensions) {
    return teiValidation(`\`dimensions\` must be at most ${ctx.config.dimensions}. Given: ${value}`, request);
  }
  return value;
}

const countTokens = (tokens: TeiToken[][]): number => tokens.reduce((sum, t) => sum + t.length, 0);
const isReply = (value: Prepared | Reply): value is Reply => 'kind' in value;

/** `POST /embed`: one pooled vector per input; `normalize` (default true), `dimensions` (Matryoshka cut). */
export function embedHandler(request: EmulatorRequest, ctx: TeiContext): Reply {
  const prepared = prepareInputs(request, ctx);
  if (isReply(prepared)) return prepared;
  const denied = wrongModel(ctx, 'embedding', request);
  if (denied) return denied;
  const body = request.json as Record<string, unknown>;
  const size = checkDimensions(body.dimensions, ctx, request);
  if (typeof size !== 'number') return size;
  const normalize = body.normalize !== false;
  const vectors = prepared.texts.map((text) => pooledVector(text, ctx.config.dimensions, normalize, size));
  return ok(vectors, prepared.texts, countTokens(prepared.tokens));
}

/** `POST /embed_sparse`: per input, `{index, value}` for each distinct non-special token. */
export function embedSparseHandler(request: EmulatorRequest, ctx: TeiContext): Reply {
  const prepared = prepareInputs(request, ctx);
  if (isReply(prepared)) return prepared;
  const denied = wrongModel(ctx, 'embedding', request);
  if (denied) return denied;
  const sparse = prepared.tokens.map((tokens) => {
    const values = new Map<number, number>();
    for (const t of tokens)
      if (!t.special) values.set(t.id, (values.get(t.id) ?? 0) + Math.fround(1 / t.text.length));
    return [...values]
      .sort(([a], [b]) => a - b)
      .map(([index, value]) => ({ index, value: Math.fround(value) }));
  });
  return ok(sparse, prepared.texts, countTokens(prepared.tokens));
}

/** `POST /embed_all`: per input, one vector per token (special tokens included). */
export function embedAllHandler(request: EmulatorRequest, ctx: TeiContext): Reply {
  const prepared = prepareInputs(request, ctx);
  if (isReply(prepared)) return prepared;
  const denied = wrongModel(ctx, 'embedding', request);
  if (denied) return denied;
  const vectors = prepared.tokens.map((tokens) =>
    tokens.map((t) => pooledVector(t.text, ctx.config.dimensions, false)),
  );
  return ok(vectors, prepared.texts, countTokens(prepared.tokens));
}

/** `POST /rerank`: `[{index, score, text?}]` sorted best first; sigmoid scores unless `raw_scores`. */
export function rerankHandler(request: EmulatorRequest, ctx: TeiContext): Reply {
  const body = request.json;
  if (!isObject(body)) return unprocessable('expected a JSON object');
  if (typeof body.query !== 'string') return unprocessable('missing field `query`');
  if (!Array.isArray(body.texts) || !body.texts.every((t) => typeof t === 'string')) {
    return unprocessable('missing field `texts`');
  }
  const texts = body.texts as string[];
  if (texts.length === 0) return teiValidation('`texts` cannot be empty', request);
  const denied = wrongModel(ctx, 'reranker', request);
  if (denied) return denied;
  if (texts.length > ctx.config.maxClientBatchSize) {
    return teiValidation(
      `batch size ${texts.length} > maximum allowed batch size ${ctx.config.maxClientBatchSize}`,
      request,
    );
  }
  const ranks = texts.map((text, index) => {
    const logit = rerankLogit(body.query as string, text);
    const score = Math.fround(body.raw_scores === true ? logit : 1 / (1 + Math.exp(-logit)));
    return body.return_text === true ? { index, text, score } : { index, score };
  });
  ranks.sort((a, b) => b.score - a.score);
  const tokens = texts.reduce((sum, t) => sum + tokenize(`${body.query} ${t}`, ctx.state).length, 0);
  return ok(ranks, [...texts, ...texts.map(() => body.query as string)], tokens);
}

/** `POST /tokenize`: `[[{id, text, special, start, stop}]]`, one list per input. */
export function tokenizeHandler(request: EmulatorRequest, ctx: TeiContext): Reply {
  const body = request.json;
  if (!isObject(body) || body.inputs === undefined) return unprocessable('missing field `inputs`');
  const inputs = typeof body.inputs === 'string' ? [body.inputs] : body.inputs;
  if (!Array.isArray(inputs) || !inputs.every((t) => typeof t === 'string')) {
    return unprocessable('inputs: data did not match any variant of untagged enum TokenizeInput');
  }
  if (inputs.length === 0)
    return teiErrorReply({ status: 400, code: 'empty', message: 'Batch is empty' }, request);
  if (inputs.length > ctx.config.maxClientBatchSize) {
    return teiValidation(
      `batch size ${inputs.length} > maximum allowed batch size ${ctx.config.maxClientBatchSize}`,
      request,
    );
  }
  const prefix = typeof body.prompt_name === 'string' ? (ctx.config.prompts[body.prompt_name] ?? '') : '';
  const special = body.add_special_tokens !== false;
  return {
    kind: 'json',
    status: 200,
    body: inputs.map((t) => tokenize(prefix + (t as string), ctx.state, special)),
  };
}

/** `POST /decode`: the words of the ids (as the tokenizer saw them), special tokens skipped by default. */
export function decodeHandler(request: EmulatorRequest, ctx: TeiContext): Reply {
  const body = request.json;
  if (!isObject(body) || !Array.isArray(body.ids)) return unprocessable('missing field `ids`');
  const nested = body.ids.length > 0 && Array.isArray(body.ids[0]);
  const sequences = (nested ? body.ids : [body.ids]) as unknown[];
  if (!sequences.every((s) => Array.isArray(s) && s.every((id) => Number.isInteger(id) && id >= 0))) {
    return unprocessable('ids: data did not match any variant of untagged enum InputIds');
  }
  if (sequences.length === 0 || (sequences[0] as unknown[]).length === 0) {
    return teiErrorReply({ status: 400, code: 'empty', message: 'Batch is empty' }, request);
  }
  const skip = body.skip_special_tokens !== false;
  const special: Record<number, string> = { 101: '[CLS]', 102: '[SEP]' };
  const texts = (sequences as number[][]).map((ids) =>
    ids
      .filter((id) => !(skip && special[id] !== undefined))
      .map((id) => special[id] ?? ctx.state.vocabulary.get(id) ?? `tok${id}`)
      .join(' '),
  );
  return { kind: 'json', status: 200, body: texts };
}

/** `POST /v1/embeddings`: the OpenAI shape, float or base64, `model` = the served model's name. */
export function openAIEmbeddingsHandler(request: EmulatorRequest, ctx: TeiContext): Reply {
  const body = request.json;
  if (!isObject(body) || body.input === undefined) return unprocessable('missing field `input`');
  const encoding = body.encoding_format ?? 'float';
  if (encoding !== 'float' && encoding !== 'base64') {
    return unprocessable('encoding_format: unknown variant, expected `float` or `base64`');
  }
  const prepared = prepareInputs(request, ctx, 'input');
  if (isReply(prepared)) return prepared;
  const denied = wrongModel(ctx, 'embedding', request);
  if (denied) return denied;
  const size = checkDimensions(body.dimensions, ctx, request);
  if (typeof size !== 'number') return size;
  const tokens = countTokens(prepared.tokens);
  const data = prepared.texts.map((text, index) => {
    const vector = pooledVector(text, ctx.config.dimensions, true, size);
    return {
      object: 'embedding',
      embedding: encoding === 'base64' ? embeddingToBase64(vector) : vector,
      index,
    };
  });
  return ok(
    {
      object: 'list',
      data,
      model: ctx.config.modelId,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    prepared.texts,
    tokens,
  );
}

/** `GET /info`. */
export function infoHandler(ctx: TeiContext): Reply {
  return { kind: 'json', status: 200, body: infoBody(ctx.config) };
}
