/**
 * `/rerank` for the common RerankCapability: documents scored against a query by a cross-encoder. TEI
 * scores each (query, text) pair on its own, so a long document list can be split into batches and the
 * scores merged: the result is the same as one call.
 */
import { type RerankRequest, type RerankResult, ResponseFormatError } from '@ipfs-accelerate/core';
import { type HfTeiInputOptions, inputOptionFields, validateInputOptions } from './hf-tei-embed.js';
import { check, textList } from './hf-tei-validate.js';

/** A rerank request: the common fields plus TEI's own. `model` is ignored: a TEI server serves one model. */
export interface HfTeiRerankRequest extends RerankRequest, Omit<HfTeiInputOptions, 'promptName'> {
  /** Raw logits instead of sigmoid scores in [0, 1]. @default false */
  rawScores?: boolean;
}

/** One scored document. */
export type HfTeiRank = RerankResult['results'][number];

/** Checks a rerank request. @throws InvalidRequestError */
export function validateRerankRequest(request: HfTeiRerankRequest): void {
  check.object(request, 'the rerank request');
  if (typeof request.query !== 'string' || request.query === '')
    check.fail('query must be a non-empty string');
  textList(request.documents, 'documents');
  if (typeof request.documents === 'string') check.fail('documents must be an array of strings');
  check.optionalNumber(request.topN, 'topN', { min: 1, integer: true });
  check.optionalBoolean(request.returnDocuments, 'returnDocuments');
  check.optionalBoolean(request.rawScores, 'rawScores');
  validateInputOptions(request);
}

/** The `/rerank` body for some of the documents. */
export function buildRerankBody(request: HfTeiRerankRequest, texts: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { query: request.query, texts, ...inputOptionFields(request) };
  if (request.rawScores !== undefined) body.raw_scores = request.rawScores;
  if (request.returnDocuments !== undefined) body.return_text = request.returnDocuments;
  return body;
}

function malformed(reason: string): ResponseFormatError {
  return new ResponseFormatError(`hf-tei: malformed /rerank response: ${reason}`, { provider: 'hf-tei' });
}

/**
 * Parses `[{index, score, text?}]` for a batch of `count` texts that starts at document `offset`: every
 * index once, each shifted by `offset` so that it points into the caller's whole list.
 */
export function parseRerankResponse(body: unknown, count: number, offset: number): HfTeiRank[] {
  if (!Array.isArray(body)) throw malformed('the body is not an array');
  if (body.length !== count) throw malformed(`${body.length} ranks for ${count} texts`);
  const seen = new Set<number>();
  return body.map((item: unknown, i) => {
    const rank = item as { index?: unknown; score?: unknown; text?: unknown } | null;
    if (typeof rank !== 'object' || rank === null) throw malformed(`item ${i} is not an object`);
    const { index, score, text } = rank;
    if (
      typeof index !== 'number' ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= count ||
      seen.has(index)
    ) {
      throw malformed(`item ${i} has a bad or repeated index`);
    }
    if (typeof score !== 'number' || Number.isNaN(score)) throw malformed(`item ${i} has no numeric score`);
    seen.add(index);
    const result: HfTeiRank = { index: index + offset, score };
    if (typeof text === 'string') result.document = text;
    else if (text !== undefined && text !== null) throw malformed(`item ${i}.text is not a string`);
    return result;
  });
}

/** Ranks of every batch merged: best first (ties by document order), cut to `topN`. */
export function mergeRanks(batches: HfTeiRank[][], topN: number | undefined): HfTeiRank[] {
  const all = batches.flat().sort((a, b) => b.score - a.score || a.index - b.index);
  return topN === undefined ? all : all.slice(0, topN);
}
