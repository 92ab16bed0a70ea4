import { createHash } from 'node:crypto';
import type { JsonReply, StreamReply } from '../emulator/types.js';

/** The API version of `baseURL`, as in `https://generativelanguage.googleapis.com/v1beta`. */
export const GEMINI_API_VERSION = 'v1beta';
/** Every API version served (the real API has both; js-genai 3.x defaults to `v1`, our client to `v1beta`). */
export const GEMINI_API_VERSIONS: readonly string[] = ['v1beta', 'v1'];

/** The API version a request path names (`/v1/models` -> `v1`), for messages. */
export function apiVersionOf(path: string): string {
  const version = path.split('/')[1];
  return version !== undefined && GEMINI_API_VERSIONS.includes(version) ? version : GEMINI_API_VERSION;
}
/** Embedding length when the request gives no `outputDimensionality` (text-embedding-004's native length). */
export const GEMINI_EMBEDDING_DIMENSIONS = 768;

/** Mutable state of one emulator: its models and a counter behind the deterministic `responseId`s. */
export interface GeminiEmulatorState {
  readonly models: readonly string[];
  responses: number;
}

/** A JSON object from a request body. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON reply as Google's front end writes it: pretty-printed with two spaces, `application/json;
 * charset=UTF-8` (so clients must not rely on compact output).
 */
export function jsonReply(status: number, body: unknown): JsonReply {
  return {
    kind: 'json',
    status,
    body: `${JSON.stringify(body, null, 2)}\n`,
    contentType: 'application/json; charset=UTF-8',
  };
}

/** Whether a model name is an embedding model (text-embedding-004, gemini-embedding-001, embedding-001). */
export function isEmbeddingModel(id: string): boolean {
  return /embed/i.test(id);
}

/** The methods a model supports, by its kind. */
export function methodsOf(id: string): string[] {
  return isEmbeddingModel(id)
    ? ['embedContent', 'batchEmbedContents', 'countTokens']
    : [
        'generateContent',
        'streamGenerateContent',
        'countTokens',
        'createCachedContent',
        'batchGenerateContent',
      ];
}

/** The Model resource of `GET /models`, in the field order of the real API. */
export function modelResource(id: string): Record<string, unknown> {
  const embedding = isEmbeddingModel(id);
  const display = id
    .split('-')
    .map((word) => (word === '' ? word : word[0]?.toUpperCase() + word.slice(1)))
    .join(' ');
  const resource: Record<string, unknown> = {
    name: `models/${id}`,
    version: embedding ? '004' : '2.0',
    displayName: display,
    description: embedding ? 'Obtain a distributed representation of a text.' : `${display}, emulated`,
    inputTokenLimit: embedding ? 2048 : 1_048_576,
    outputTokenLimit: embedding ? 1 : 8192,
    supportedGenerationMethods: methodsOf(id).filter((m) => m !== 'streamGenerateContent'),
  };
  if (!embedding) Object.assign(resource, { temperature: 1, maxTemperature: 2, topP: 0.95, topK: 40 });
  return resource;
}

/** Splits text into word pieces that keep their trailing whitespace, so the pieces concatenate to the text. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

/** Whitespace-separated words: the emulator's token count. */
export function countWords(text: string): number {
  return wordPieces(text).length;
}

/** What the emulated model generates: one piece per stream chunk, why it stopped, how many tokens. */
export interface TextPlan {
  readonly pieces: readonly string[];
  readonly text: string;
  readonly finishReason: 'STOP' | 'MAX_TOKENS';
  readonly tokens: number;
}

/** Cuts `full` to `maxOutputTokens` words when it is given. */
export function planText(full: string, maxOutputTokens: number | undefined): TextPlan {
  const all = wordPieces(full);
  const limit = maxOutputTokens !== undefined && maxOutputTokens > 0 ? maxOutputTokens : Infinity;
  if (all.length <= limit) return { pieces: all, text: full, finishReason: 'STOP', tokens: all.length };
  const pieces = all.slice(0, limit);
  pieces[pieces.length - 1] = (pieces.at(-1) ?? '').trimEnd();
  return { pieces, text: pieces.join(''), finishReason: 'MAX_TOKENS', tokens: limit };
}

/** The next `responseId`: deterministic, unique per emulator. */
export function nextResponseId(state: GeminiEmulatorState): string {
  state.responses += 1;
  return `gemini-emu-${state.responses}`;
}

/** `usageMetadata`: prompt and candidate counts, their total, and the prompt's modality breakdown. */
export function usageMetadata(promptTokens: number, candidateTokens?: number): Record<string, unknown> {
  const usage: Record<string, unknown> = { promptTokenCount: promptTokens };
  if (candidateTokens !== undefined) usage.candidatesTokenCount = candidateTokens;
  usage.totalTokenCount = promptTokens + (candidateTokens ?? 0);
  usage.promptTokensDetails = [{ modality: 'TEXT', tokenCount: promptTokens }];
  return usage;
}

/**
 * A deterministic unit vector for a text: SHA-256 blocks of `<block>:<text>` read as little-endian uint32s
 * mapped to [-1, 1], then L2-normalised.
 */
export function embeddingOf(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let at = 0; at + 4 <= digest.length && values.length < dimensions; at += 4) {
      values.push(digest.readUInt32LE(at) / 0x80000000 - 1);
    }
  }
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  return values.map((value) => Number((value / norm).toPrecision(9)));
}

/**
 * A streamed GenerateContentResponse. With `alt=sse`: one `data: <json>` event per chunk, CRLF CRLF after each,
 * and no `[DONE]` (the final chunk, with finishReason and usage, is the terminator a truncation leaves out).
 * Without `alt=sse`: one JSON array written element by element, `]` closing it with the final chunk.
 */
export function streamReply(chunks: readonly unknown[], final: unknown, sse: boolean): StreamReply {
  if (sse) {
    return {
      kind: 'stream',
      status: 200,
      contentType: 'text/event-stream',
      headers: { 'content-disposition': 'attachment' },
      frames: chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`),
      terminator: `data: ${JSON.stringify(final)}\r\n\r\n`,
      contentStart: 0,
    };
  }
  const element = (value: unknown, first: boolean) =>
    `${first ? '[' : ',\r\n'}${JSON.stringify(value, null, 2)}`;
  return {
    kind: 'stream',
    status: 200,
    contentType: 'application/json; charset=UTF-8',
    frames: chunks.map((chunk, i) => element(chunk, i === 0)),
    terminator: `${element(final, chunks.length === 0)}]`,
    contentStart: 0,
  };
}
