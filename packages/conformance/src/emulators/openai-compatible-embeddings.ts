import { createHash } from 'node:crypto';
import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { invalidRequest, modelNotFound } from './openai-compatible-errors.js';
import { countWords, type OpenAIEmulatorState } from './openai-compatible-shapes.js';
import { checkNumber, isObject, missing, unparseableBody } from './openai-compatible-validate.js';

/** Vector length when the request gives no `dimensions`. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

const ENCODINGS = ['float', 'base64'];

/**
 * A deterministic unit vector for a text: SHA-256 blocks of `<block>:<text>` read as little-endian uint32s mapped
 * to [-1, 1], L2-normalised, each value rounded to float32 so the float and base64 encodings carry equal numbers.
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
  return values.map((value) => Math.fround(value / norm));
}

/** Little-endian float32 bytes in base64: the API's `encoding_format: 'base64'`. */
export function embeddingToBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (const [i, value] of vector.entries()) bytes.writeFloatLE(value, i * 4);
  return bytes.toString('base64');
}

/** `POST /embeddings`: string, string[], token array or token arrays in; one vector per input. */
export function createEmbeddings(
  request: EmulatorRequest,
  models: readonly string[],
  state: OpenAIEmulatorState,
): Reply {
  const body = request.json;
  if (!isObject(body)) return unparseableBody();
  if (typeof body.model !== 'string' || body.model === '') return missing('model');
  if (body.input === undefined) return missing('input');
  const inputs = inputsOf(body.input);
  if (!inputs) {
    return invalidRequest(
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      null,
    );
  }
  const encoding = body.encoding_format ?? 'float';
  if (!ENCODINGS.includes(String(encoding))) {
    return invalidRequest(
      `Invalid value: '${String(encoding)}'. Supported values are: 'float' and 'base64'.`,
      'encoding_format',
      'invalid_value',
    );
  }
  const invalid = checkNumber(body, 'dimensions', { integer: true, min: 1, max: 4096 });
  if (invalid) return invalid;
  if (!models.includes(body.model)) return modelNotFound(body.model);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : DEFAULT_EMBEDDING_DIMENSIONS;
  const data = inputs.map(({ text }, index) => {
    const vector = embeddingOf(text, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: encoding === 'base64' ? embeddingToBase64(vector) : vector,
    };
  });
  const promptTokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  state.tokensUsed += promptTokens;
  return {
    kind: 'json',
    status: 200,
    body: {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
  };
}

interface EmbeddingInput {
  readonly text: string;
  readonly tokens: number;
}

/** Normalises the four accepted `input` forms; `undefined` when the input is empty or of another shape. */
function inputsOf(input: unknown): EmbeddingInput[] | undefined {
  if (typeof input === 'string')
    return input === '' ? undefined : [{ text: input, tokens: countWords(input) }];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => Number.isInteger(item))) return [tokenInput(input as number[])];
  const inputs: EmbeddingInput[] = [];
  for (const item of input) {
    if (typeof item === 'string' && item !== '') inputs.push({ text: item, tokens: countWords(item) });
    else if (Array.isArray(item) && item.length > 0 && item.every((token) => Number.isInteger(token))) {
      inputs.push(tokenInput(item as number[]));
    } else return undefined;
  }
  return inputs;
}

function tokenInput(tokens: readonly number[]): EmbeddingInput {
  return { text: tokens.join(' '), tokens: tokens.length };
}
