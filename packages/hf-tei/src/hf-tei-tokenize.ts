/** `/tokenize` and `/decode`: the server's own tokenizer, both ways. */
import { ResponseFormatError } from '@ipfs-accelerate/core';
import { check, checkTokenId, textList } from './hf-tei-validate.js';

/** A `tokenize` request. */
export interface HfTeiTokenizeRequest {
  inputs: string | string[];
  /** Add the model's special tokens (`[CLS]`, `[SEP]`, …). @default true */
  addSpecialTokens?: boolean;
  /** A key of the model's sentence-transformers `prompts`, prepended before tokenizing. */
  promptName?: string;
}

/** One token of a tokenized input. */
export interface HfTeiToken {
  id: number;
  text: string;
  special: boolean;
  /** Character offsets in the input; absent for special tokens. */
  start?: number;
  stop?: number;
}

/** A `decode` request: the ids of one sequence, or of several. */
export interface HfTeiDecodeRequest {
  ids: number[] | number[][];
  /** @default true */
  skipSpecialTokens?: boolean;
}

/** Checks a tokenize request and returns its inputs as a list. @throws InvalidRequestError */
export function validateTokenizeRequest(request: HfTeiTokenizeRequest): string[] {
  check.object(request, 'the tokenize request');
  const texts = textList(request.inputs, 'inputs');
  check.optionalBoolean(request.addSpecialTokens, 'addSpecialTokens');
  check.optionalNonEmptyString(request.promptName, 'promptName');
  return texts;
}

/** The `/tokenize` body for some inputs. */
export function buildTokenizeBody(request: HfTeiTokenizeRequest, inputs: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { inputs };
  if (request.addSpecialTokens !== undefined) body.add_special_tokens = request.addSpecialTokens;
  if (request.promptName !== undefined) body.prompt_name = request.promptName;
  return body;
}

/** Checks a decode request and returns its sequences as a list. @throws InvalidRequestError */
export function validateDecodeRequest(request: HfTeiDecodeRequest): number[][] {
  check.object(request, 'the decode request');
  check.optionalBoolean(request.skipSpecialTokens, 'skipSpecialTokens');
  const { ids } = request;
  if (!Array.isArray(ids) || ids.length === 0)
    check.fail('ids must be a non-empty array of token ids (or of id arrays)');
  const sequences = (Array.isArray(ids[0]) ? ids : [ids]) as unknown[];
  sequences.forEach((sequence, i) => {
    if (!Array.isArray(sequence)) check.fail(`ids[${i}] must be an array of token ids`);
    sequence.forEach((id: unknown, j) => {
      checkTokenId(id, `ids[${i}][${j}]`);
    });
  });
  return sequences as number[][];
}

/** The `/decode` body for some sequences. */
export function buildDecodeBody(request: HfTeiDecodeRequest, ids: number[][]): Record<string, unknown> {
  const body: Record<string, unknown> = { ids };
  if (request.skipSpecialTokens !== undefined) body.skip_special_tokens = request.skipSpecialTokens;
  return body;
}

function malformed(route: string, reason: string): ResponseFormatError {
  return new ResponseFormatError(`hf-tei: malformed ${route} response: ${reason}`, { provider: 'hf-tei' });
}

function optionalOffset(value: unknown): value is number | null | undefined {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'number' && Number.isInteger(value) && value >= 0)
  );
}

/** Parses `/tokenize`: `[[{id, text, special, start, stop}, …], …]`, one token list per input. */
export function parseTokenizeResponse(body: unknown, expected: number): HfTeiToken[][] {
  if (!Array.isArray(body) || body.length !== expected) {
    throw malformed('/tokenize', `expected ${expected} token lists`);
  }
  return body.map((row: unknown, i) => {
    if (!Array.isArray(row)) throw malformed('/tokenize', `item ${i} is not an array`);
    return row.map((token: unknown, j) => {
      const t = token as Record<string, unknown> | null;
      if (
        typeof t !== 'object' ||
        t === null ||
        typeof t.id !== 'number' ||
        typeof t.text !== 'string' ||
        typeof t.special !== 'boolean' ||
        !optionalOffset(t.start) ||
        !optionalOffset(t.stop)
      ) {
        throw malformed('/tokenize', `item ${i}[${j}] is not a token`);
      }
      const out: HfTeiToken = { id: t.id, text: t.text, special: t.special };
      if (typeof t.start === 'number') out.start = t.start;
      if (typeof t.stop === 'number') out.stop = t.stop;
      return out;
    });
  });
}

/** Parses `/decode`: `["…", …]`, one text per sequence. */
export function parseDecodeResponse(body: unknown, expected: number): string[] {
  if (!Array.isArray(body) || body.length !== expected || !body.every((s) => typeof s === 'string')) {
    throw malformed('/decode', `expected ${expected} strings`);
  }
  return body as string[];
}
