import { createHash } from 'node:crypto';
import { embeddingOf } from './openai-compatible-embeddings.js';

/** What an emulated TEI server serves; it decides which routes answer and what `/info` says. */
export type TeiModelType = 'embedding' | 'reranker' | 'classifier';

/** The emulator's fixed model facts and limits. */
export interface TeiServerConfig {
  readonly modelId: string;
  readonly modelType: TeiModelType;
  readonly dimensions: number;
  readonly maxInputLength: number;
  readonly maxClientBatchSize: number;
  readonly maxConcurrentRequests: number;
  readonly autoTruncate: boolean;
  readonly prompts: Readonly<Record<string, string>>;
  /** Every route answers whatever `modelType` says (an emulator convenience; a real server serves one kind). */
  readonly serveAllRoutes: boolean;
}

/** Mutable state: the vocabulary the tokenizer has seen, so `/decode` can turn ids back into words. */
export interface TeiEmulatorState {
  readonly vocabulary: Map<number, string>;
}

/** TEI's default special tokens (BERT-style). */
export const CLS = { id: 101, text: '[CLS]' } as const;
export const SEP = { id: 102, text: '[SEP]' } as const;

/** One token as `/tokenize` reports it. */
export interface TeiToken {
  id: number;
  text: string;
  special: boolean;
  start: number | null;
  stop: number | null;
}

/** A deterministic id for a word (1000..30999), remembered for `/decode`. */
export function tokenIdOf(word: string, state: TeiEmulatorState): number {
  const id = 1000 + (createHash('sha256').update(word).digest().readUInt32LE(0) % 30_000);
  state.vocabulary.set(id, word);
  return id;
}

/** Whitespace tokenization with character offsets, wrapped in `[CLS]` … `[SEP]` when asked. */
export function tokenize(text: string, state: TeiEmulatorState, addSpecialTokens = true): TeiToken[] {
  const tokens: TeiToken[] = [];
  if (addSpecialTokens) tokens.push({ ...CLS, special: true, start: null, stop: null });
  for (const match of text.matchAll(/\S+/g)) {
    const start = match.index ?? 0;
    tokens.push({
      id: tokenIdOf(match[0], state),
      text: match[0],
      special: false,
      start,
      stop: start + match[0].length,
    });
  }
  if (addSpecialTokens) tokens.push({ ...SEP, special: true, start: null, stop: null });
  return tokens;
}

/**
 * The pooled vector of a text, cut to `size` values (Matryoshka `dimensions`) and then unit length when
 * `normalize`, else twice that (a stand-in for an unnormalised pool).
 */
export function pooledVector(
  text: string,
  dimensions: number,
  normalize: boolean,
  size = dimensions,
): number[] {
  const cut = embeddingOf(text, dimensions).slice(0, size);
  const length = Math.sqrt(cut.reduce((sum, x) => sum + x * x, 0)) || 1;
  const scale = normalize ? 1 / length : 2;
  return cut.map((x) => Math.fround(x * scale));
}

/** A relevance logit for (query, text): shared words dominate, a hash breaks ties deterministically. */
export function rerankLogit(query: string, text: string): number {
  const words = new Set(query.toLowerCase().match(/\w+/g) ?? []);
  const shared = (text.toLowerCase().match(/\w+/g) ?? []).filter((w) => words.has(w)).length;
  const jitter = createHash('sha256').update(`${query}\u0000${text}`).digest().readUInt16LE(0) / 65_536;
  return shared * 2 - 2 + jitter;
}

/** The `/info` body of a config. */
export function infoBody(config: TeiServerConfig): Record<string, unknown> {
  const classifier = { id2label: { '0': 'LABEL_0' }, label2id: { LABEL_0: 0 } };
  const modelType =
    config.modelType === 'embedding' ? { embedding: { pooling: 'cls' } } : { [config.modelType]: classifier };
  return {
    model_id: config.modelId,
    model_sha: null,
    model_dtype: 'float32',
    served_model_name: config.modelId,
    model_type: modelType,
    max_concurrent_requests: config.maxConcurrentRequests,
    max_input_length: config.maxInputLength,
    max_batch_tokens: 16_384,
    max_batch_requests: null,
    max_client_batch_size: config.maxClientBatchSize,
    auto_truncate: config.autoTruncate,
    tokenization_workers: 2,
    version: '1.9.3',
    sha: null,
    docker_label: null,
  };
}

/** TEI's `ResponseMetadata` headers (times are 0 ms: the emulator computes nothing). */
export function computeHeaders(characters: number, tokens: number): Record<string, string> {
  return {
    'x-compute-type': 'cpu',
    'x-compute-time': '0',
    'x-compute-characters': String(characters),
    'x-compute-tokens': String(tokens),
    'x-total-time': '0',
    'x-tokenization-time': '0',
    'x-queue-time': '0',
    'x-inference-time': '0',
  };
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
