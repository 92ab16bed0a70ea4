import { createHash } from 'node:crypto';
import type { JsonReply, StreamReply } from '../emulator/types.js';

/** The version `GET /api/version` reports. */
export const OLLAMA_EMULATOR_VERSION = '0.12.6';
/** The emulator's clock starts here (2025-01-01T00:00:00Z) and moves one millisecond per object it creates. */
export const OLLAMA_EMULATOR_EPOCH = Date.UTC(2025, 0, 1);
/** Embedding length when the request gives no `dimensions`. */
export const OLLAMA_DEFAULT_EMBEDDING_DIMENSIONS = 8;
/** The largest `dimensions` honoured (the emulated models' native length). */
export const OLLAMA_MAX_EMBEDDING_DIMENSIONS = 4096;

/** A model on the emulated server's disk. */
export interface StoredModel {
  /** The name as configured or pulled, e.g. `llama3.2`. */
  readonly name: string;
  readonly modifiedAt: string;
}

/** Mutable state of one emulator: its models, which are loaded (for `/api/ps`) and the deterministic clock. */
export interface OllamaEmulatorState {
  readonly models: StoredModel[];
  /** Canonical name -> expiry time (ms) of a loaded model. */
  readonly loaded: Map<string, number>;
  ticks: number;
}

/** A JSON object from a request body. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Advances the clock by one millisecond and returns the time, in ms since the Unix epoch. */
export function tick(state: OllamaEmulatorState): number {
  state.ticks += 1;
  return OLLAMA_EMULATOR_EPOCH + state.ticks;
}

/** `created_at` of the next object: an ISO 8601 UTC time from the emulator's clock. */
export function createdAt(state: OllamaEmulatorState): string {
  return new Date(tick(state)).toISOString();
}

/** `llama3.2` -> `llama3.2:latest`, lower-cased: Ollama matches names case-insensitively with a default tag. */
export function canonicalModel(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return (lastSegment.includes(':') ? name : `${name}:latest`).toLowerCase();
}

/** The stored model a request names, or `undefined`. */
export function findModel(state: OllamaEmulatorState, name: string): StoredModel | undefined {
  const wanted = canonicalModel(name);
  return state.models.find((model) => canonicalModel(model.name) === wanted);
}

/** Splits text into word pieces that keep their trailing whitespace, so the pieces concatenate to the text. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

/** Whitespace-separated words: the emulator's token count. */
export function countWords(text: string): number {
  return wordPieces(text).length;
}

/** What the emulated model generates: the pieces (one per stream chunk), why it stopped and how many tokens. */
export interface TextPlan {
  readonly pieces: readonly string[];
  readonly text: string;
  readonly doneReason: 'stop' | 'length';
  readonly evalCount: number;
}

/** Cuts `full` to `numPredict` words when it is positive (Ollama: -1 and -2 mean no limit). */
export function planText(full: string, numPredict: number | undefined): TextPlan {
  const all = wordPieces(full);
  const limit =
    numPredict !== undefined && numPredict > 0 ? Math.trunc(numPredict) : Number.POSITIVE_INFINITY;
  if (all.length <= limit) return { pieces: all, text: full, doneReason: 'stop', evalCount: all.length };
  const pieces = all.slice(0, limit);
  pieces[pieces.length - 1] = (pieces.at(-1) ?? '').trimEnd();
  return { pieces, text: pieces.join(''), doneReason: 'length', evalCount: limit };
}

/**
 * The run statistics of a final object, in nanoseconds: 1 ms to load, 1 ms per prompt token, 10 ms per output
 * token. Zero values are left out, as Go's `omitempty` does on the real server.
 */
export function statsOf(promptEvalCount: number, evalCount: number): Record<string, number> {
  const load = 1_000_000;
  const promptEval = promptEvalCount * 1_000_000;
  const evalDuration = evalCount * 10_000_000;
  const stats: Record<string, number> = {
    total_duration: load + promptEval + evalDuration + 500_000,
    load_duration: load,
    prompt_eval_count: promptEvalCount,
    prompt_eval_duration: promptEval,
    eval_count: evalCount,
    eval_duration: evalDuration,
  };
  for (const [key, value] of Object.entries(stats)) if (value === 0) delete stats[key];
  return stats;
}

/**
 * A deterministic unit vector for a text: SHA-256 blocks of `<block>:<text>` read as little-endian uint32s mapped
 * to [-1, 1], L2-normalised, each value printed as a float32 (9 significant digits) like the real server.
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
  return values.map((value) => Number(Math.fround(value / norm).toPrecision(9)));
}

/** Deterministic token ids for the words of a text (for generate's `context`). */
export function tokenIdsOf(text: string): number[] {
  return (text.match(/\S+/g) ?? []).map(
    (word) => (createHash('sha256').update(word).digest().readUInt32LE(0) % 128_000) + 1,
  );
}

/** The SHA-256 hex digest standing for a model's weights. */
export function digestOf(name: string): string {
  return createHash('sha256')
    .update(`model:${canonicalModel(name)}`)
    .digest('hex');
}

/** Whether a name looks like an embedding model (all-minilm, nomic-embed-text, bge-m3, ...). */
export function isEmbeddingModel(name: string): boolean {
  return /embed|minilm|bge|gte|e5-/i.test(name);
}

/** Facts about a model, by the kind its name suggests: `details`, size on disk, capabilities, metadata. */
export function modelFacts(name: string): {
  details: Record<string, unknown>;
  size: number;
  capabilities: string[];
  modelInfo: Record<string, unknown>;
} {
  const embedding = isEmbeddingModel(name);
  const family = embedding ? 'bert' : 'llama';
  const details = {
    parent_model: '',
    format: 'gguf',
    family,
    families: [family],
    parameter_size: embedding ? '23M' : '3.2B',
    quantization_level: embedding ? 'F16' : 'Q4_K_M',
  };
  const modelInfo: Record<string, unknown> = embedding
    ? {
        'general.architecture': 'bert',
        'general.parameter_count': 22_565_376,
        'bert.context_length': 512,
        'bert.embedding_length': OLLAMA_MAX_EMBEDDING_DIMENSIONS,
      }
    : {
        'general.architecture': 'llama',
        'general.parameter_count': 3_212_749_888,
        'llama.context_length': 131_072,
        'llama.embedding_length': 3072,
      };
  return {
    details,
    size: embedding ? 45_960_996 : 2_019_393_189,
    capabilities: embedding ? ['embedding'] : ['completion', 'tools'],
    modelInfo,
  };
}

/** A JSON reply as Go's gin writes it (`application/json; charset=utf-8`). */
export function jsonReply(status: number, body: unknown): JsonReply {
  return { kind: 'json', status, body, contentType: 'application/json; charset=utf-8' };
}

/** One NDJSON line. */
export function ndjsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** An NDJSON stream: content lines, then the final line (chat/generate `done: true`, pull `success`). */
export function ndjsonReply(lines: readonly unknown[], final: unknown): StreamReply {
  return {
    kind: 'stream',
    status: 200,
    contentType: 'application/x-ndjson',
    frames: lines.map(ndjsonLine),
    terminator: ndjsonLine(final),
    contentStart: 0,
  };
}

/** Marks a model loaded until `keep_alive` from now, or unloads it when `keep_alive` is 0 (for `/api/ps`). */
export function touchModel(state: OllamaEmulatorState, name: string, keepAlive: unknown): void {
  const key = canonicalModel(name);
  const ms = keepAliveMs(keepAlive);
  if (ms === 0) state.loaded.delete(key);
  else
    state.loaded.set(
      key,
      ms === undefined ? Number.POSITIVE_INFINITY : OLLAMA_EMULATOR_EPOCH + state.ticks + ms,
    );
}

/**
 * A Go duration or seconds (`keep_alive`) in ms: `'5m'`, `'30s'`, `'1h30m'`, `300`; negative = forever
 * (`undefined`); absent or unparseable -> the default 5 minutes.
 */
export function keepAliveMs(value: unknown): number | undefined {
  const fiveMinutes = 300_000;
  if (typeof value === 'number') return value < 0 ? undefined : value * 1000;
  if (typeof value !== 'string') return fiveMinutes;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...value.trim().matchAll(/(-?\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0) return /^-?\d+$/.test(value.trim()) ? keepAliveMs(Number(value)) : fiveMinutes;
  const total = parts.reduce(
    (sum, [, amount, unit]) => sum + Number(amount) * (units[unit ?? 's'] ?? 1000),
    0,
  );
  return total < 0 ? undefined : total;
}
