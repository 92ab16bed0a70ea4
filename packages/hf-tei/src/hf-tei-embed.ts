/**
 * `/embed`, `/embed_sparse` and `/embed_all`: request bodies from our camelCase options, and the three
 * response shapes checked before anyone reads them (a vector per input, in order).
 */
import { ResponseFormatError } from '@ipfs-accelerate/core';
import { check, textList } from './hf-tei-validate.js';

/** Which end of a too-long input is cut when `truncate` is on. Sent as TEI's `Left`/`Right`. */
export type HfTeiTruncationDirection = 'left' | 'right';

/** Options shared by the routes that tokenize their inputs. Left out: the server's defaults apply. */
export interface HfTeiInputOptions {
  /** Cut inputs longer than the model's `max_input_length` instead of failing (422). @default server's `--auto-truncate` */
  truncate?: boolean;
  /** @default 'right' */
  truncationDirection?: HfTeiTruncationDirection;
  /** A key of the model's sentence-transformers `prompts` (e.g. `query`), prepended to every input. */
  promptName?: string;
}

/** A request of `embedSparse` and `embedAll`: one text or many. */
export interface HfTeiInputsRequest extends HfTeiInputOptions {
  inputs: string | string[];
}

/** A request of `embed`: pooled dense vectors. */
export interface HfTeiEmbedRequest extends HfTeiInputsRequest {
  /** Return unit-length vectors. @default true (server default) */
  normalize?: boolean;
  /** Matryoshka truncation of the vectors to this many dimensions (models that support it). */
  dimensions?: number;
}

/** One non-zero entry of a sparse (SPLADE) vector. */
export interface HfTeiSparseValue {
  /** The vocabulary index. */
  index: number;
  value: number;
}

/** The fields of an {@link HfTeiEmbedRequest} that are the same for every input (everything but `inputs`). */
export type HfTeiEmbedParams = Omit<HfTeiEmbedRequest, 'inputs'>;

/** Checks the shared options. @throws InvalidRequestError */
export function validateInputOptions(request: HfTeiInputOptions): void {
  check.optionalBoolean(request.truncate, 'truncate');
  if (
    request.truncationDirection !== undefined &&
    request.truncationDirection !== 'left' &&
    request.truncationDirection !== 'right'
  ) {
    check.fail(
      `truncationDirection must be 'left' or 'right'; got ${JSON.stringify(request.truncationDirection)}`,
    );
  }
  check.optionalNonEmptyString(request.promptName, 'promptName');
}

/** Checks an embed-style request and returns its inputs as a list. @throws InvalidRequestError */
export function validateInputsRequest(request: HfTeiInputsRequest, what: string): string[] {
  check.object(request, `the ${what} request`);
  const texts = textList(request.inputs, 'inputs');
  validateInputOptions(request);
  return texts;
}

/** Checks an `embed` request and returns its inputs as a list. @throws InvalidRequestError */
export function validateEmbedRequest(request: HfTeiEmbedRequest): string[] {
  const texts = validateInputsRequest(request, 'embed');
  check.optionalBoolean(request.normalize, 'normalize');
  check.optionalNumber(request.dimensions, 'dimensions', { min: 1, integer: true });
  return texts;
}

/** The wire fields of the shared options; absent options are left out so the server's defaults apply. */
export function inputOptionFields(request: HfTeiInputOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (request.truncate !== undefined) fields.truncate = request.truncate;
  if (request.truncationDirection !== undefined) {
    fields.truncation_direction = request.truncationDirection === 'left' ? 'Left' : 'Right';
  }
  if (request.promptName !== undefined) fields.prompt_name = request.promptName;
  return fields;
}

/** The `/embed` body for some inputs: `{inputs, normalize?, truncate?, truncation_direction?, prompt_name?, dimensions?}`. */
export function buildEmbedBody(inputs: string[], params: HfTeiEmbedParams): Record<string, unknown> {
  const body: Record<string, unknown> = { inputs, ...inputOptionFields(params) };
  if (params.normalize !== undefined) body.normalize = params.normalize;
  if (params.dimensions !== undefined) body.dimensions = params.dimensions;
  return body;
}

function malformed(route: string, reason: string): ResponseFormatError {
  return new ResponseFormatError(`hf-tei: malformed ${route} response: ${reason}`, { provider: 'hf-tei' });
}

function rows(body: unknown, expected: number, route: string): unknown[] {
  if (!Array.isArray(body)) throw malformed(route, 'the body is not an array');
  if (body.length !== expected) throw malformed(route, `${body.length} results for ${expected} inputs`);
  return body;
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((x) => typeof x === 'number');
}

/** Parses `/embed`: `[[f32, …], …]`, one vector per input. */
export function parseEmbedResponse(body: unknown, expected: number): number[][] {
  return rows(body, expected, '/embed').map((row, i) => {
    if (!isVector(row)) throw malformed('/embed', `item ${i} is not an array of numbers`);
    return row;
  });
}

/** Parses `/embed_sparse`: `[[{index, value}, …], …]`, one sparse vector per input. */
export function parseEmbedSparseResponse(body: unknown, expected: number): HfTeiSparseValue[][] {
  return rows(body, expected, '/embed_sparse').map((row, i) => {
    if (!Array.isArray(row)) throw malformed('/embed_sparse', `item ${i} is not an array`);
    return row.map((entry: unknown, j) => {
      const e = entry as { index?: unknown; value?: unknown } | null;
      if (
        typeof e !== 'object' ||
        e === null ||
        typeof e.index !== 'number' ||
        !Number.isInteger(e.index) ||
        e.index < 0 ||
        typeof e.value !== 'number'
      ) {
        throw malformed('/embed_sparse', `item ${i}[${j}] is not {index, value}`);
      }
      return { index: e.index, value: e.value };
    });
  });
}

/** Parses `/embed_all`: `[[[f32, …] per token], …]`, the unpooled token vectors of each input. */
export function parseEmbedAllResponse(body: unknown, expected: number): number[][][] {
  return rows(body, expected, '/embed_all').map((row, i) => {
    if (!Array.isArray(row) || !row.every(isVector)) {
      throw malformed('/embed_all', `item ${i} is not an array of token vectors`);
    }
    return row as number[][];
  });
}
