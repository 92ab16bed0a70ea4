/** Embedding requests and responses of `POST /embeddings`, float or base64 encoded. */
import { type EmbedRequest, ResponseFormatError } from '@ipfs-accelerate/core';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import {
  isJsonObject,
  type JsonObject,
  type OpenAICompatibleHooks,
  type TokenUsage,
} from './openai-compatible-api.js';
import { mapOpenAIStreamError } from './openai-error.js';

/** How vectors travel: JSON numbers, or base64 of little-endian float32 (about a quarter of the bytes). */
export type EmbeddingEncoding = 'float' | 'base64';

/** Options of {@link buildOpenAIEmbeddingsBody}. */
export interface OpenAIEmbeddingsBodyOptions {
  /** @default 'float' */
  encodingFormat?: EmbeddingEncoding;
  /** Fields the service needs beyond the common ones; merged before `providerOptions`. */
  extraBody?: JsonObject;
}

/** Builds `{model, input, encoding_format, dimensions?}`, then `extraBody`, then `providerOptions`. */
export function buildOpenAIEmbeddingsBody(
  request: EmbedRequest,
  options: OpenAIEmbeddingsBodyOptions = {},
): JsonObject {
  const body: JsonObject = {
    model: request.model,
    input: request.input,
    encoding_format: options.encodingFormat ?? 'float',
  };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  if (options.extraBody) Object.assign(body, options.extraBody);
  if (request.providerOptions) Object.assign(body, request.providerOptions);
  return body;
}

/** What an embeddings body says; the operation adds our request id. */
export interface ParsedEmbeddings {
  embeddings: number[][];
  usage?: TokenUsage;
  model?: string;
  providerRequestId?: string;
}

function malformed(provider: string, reason: string): ResponseFormatError {
  return new ResponseFormatError(`${provider}: malformed embeddings response: ${reason}`, { provider });
}

/** Decodes base64 little-endian float32 values. */
export function decodeBase64Embedding(text: string, provider = 'openai'): number[] {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0 || (bytes.length === 0 && text.length > 0)) {
    throw malformed(provider, `a base64 vector of ${bytes.length} bytes is not float32 data`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function readVector(value: unknown, i: number, provider: string): number[] {
  if (typeof value === 'string') return decodeBase64Embedding(value, provider);
  if (Array.isArray(value) && value.every((x) => typeof x === 'number')) return value as number[];
  throw malformed(provider, `data[${i}].embedding is neither numbers nor base64 text`);
}

/**
 * Parses `{data:[{index, embedding}], model, usage}`: vectors as numbers or base64 float32, put in the
 * order of `index`; when `expected` is given, the count must match the number of inputs.
 */
export function parseOpenAIEmbeddingsResponse(
  body: unknown,
  options: { provider?: string; expected?: number; hooks?: OpenAICompatibleHooks } = {},
): ParsedEmbeddings {
  const provider = options.provider ?? 'openai';
  if (!isJsonObject(body)) throw malformed(provider, 'the body is not a JSON object');
  if (body.error !== undefined && body.error !== null && body.data === undefined) {
    throw mapOpenAIStreamError(body, provider);
  }
  if (!Array.isArray(body.data)) throw malformed(provider, 'data is not an array');
  const rows = body.data.map((item: unknown, i) => {
    if (!isJsonObject(item)) throw malformed(provider, `data[${i}] is not an object`);
    const index = item.index === undefined ? i : item.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
      throw malformed(provider, `data[${i}].index is not a non-negative integer`);
    }
    return { index, vector: readVector(item.embedding, i, provider) };
  });
  rows.sort((a, b) => a.index - b.index);
  if (rows.some((row, i) => row.index !== i)) throw malformed(provider, 'indexes are not 0..n-1');
  if (options.expected !== undefined && rows.length !== options.expected) {
    throw malformed(provider, `${rows.length} vectors for ${options.expected} inputs`);
  }
  const result: ParsedEmbeddings = { embeddings: rows.map((row) => row.vector) };
  const usage = convertOpenAIUsage(options.hooks?.usage?.(body) ?? body.usage);
  if (usage) result.usage = usage;
  if (typeof body.model === 'string') result.model = body.model;
  const providerRequestId = options.hooks?.providerRequestId?.(body);
  if (providerRequestId) result.providerRequestId = providerRequestId;
  return result;
}
