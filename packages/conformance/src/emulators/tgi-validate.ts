/**
 * The request checks of TGI's router (`router/src/validation.rs`): JSON that does not deserialise is axum's
 * 422 text; parameters out of range are a 422 `validation` error with TGI's messages.
 */
import type { JsonReply } from '../emulator/types.js';
import { isObject, type JsonObject } from './openai-compatible-validate.js';
import { deserializeError, validationError } from './tgi-errors.js';

/** The served model's limits, as `/info` reports them. */
export interface TgiLimits {
  readonly maxBestOf: number;
  readonly maxStopSequences: number;
  readonly maxInputTokens: number;
  readonly maxTotalTokens: number;
}

const NUMBERS = [
  'best_of',
  'frequency_penalty',
  'max_new_tokens',
  'repetition_penalty',
  'seed',
  'temperature',
  'top_k',
  'top_n_tokens',
  'top_p',
  'truncate',
  'typical_p',
] as const;
const BOOLEANS = ['decoder_input_details', 'details', 'do_sample', 'return_full_text', 'watermark'] as const;

/** A body that deserialises into `GenerateRequest`, or axum's rejection. */
export function readGenerateBody(json: unknown): { inputs: string; parameters: JsonObject } | JsonReply {
  if (!isObject(json)) return deserializeError('invalid type: expected struct GenerateRequest');
  if (json.inputs === undefined) return deserializeError('missing field `inputs`');
  if (typeof json.inputs !== 'string') return deserializeError('inputs: invalid type: expected a string');
  const parameters = json.parameters ?? {};
  if (!isObject(parameters))
    return deserializeError('parameters: invalid type: expected struct GenerateParameters');
  for (const key of NUMBERS) {
    const value = parameters[key];
    if (value !== undefined && value !== null && typeof value !== 'number') {
      return deserializeError(`parameters.${key}: invalid type: expected a number`);
    }
  }
  for (const key of BOOLEANS) {
    const value = parameters[key];
    if (value !== undefined && value !== null && typeof value !== 'boolean') {
      return deserializeError(`parameters.${key}: invalid type: expected a boolean`);
    }
  }
  const stop = parameters.stop;
  if (
    stop !== undefined &&
    stop !== null &&
    (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string'))
  ) {
    return deserializeError('parameters.stop: invalid type: expected a sequence of strings');
  }
  return { inputs: json.inputs, parameters };
}

/** TGI's parameter validation; `inputTokens` is the prompt's token count. */
export function validateParameters(
  p: JsonObject,
  inputTokens: number,
  limits: TgiLimits,
  stream: boolean,
): JsonReply | undefined {
  const num = (key: string) => (typeof p[key] === 'number' ? (p[key] as number) : undefined);
  const bestOf = num('best_of');
  if (bestOf !== undefined && (bestOf <= 0 || bestOf > limits.maxBestOf)) {
    return validationError(`\`best_of\` must be > 0 and <= ${limits.maxBestOf}. Given: ${bestOf}`);
  }
  if (bestOf !== undefined && bestOf > 1 && stream)
    return validationError('`best_of` != 1 is not allowed for this endpoint');
  if (bestOf !== undefined && bestOf > 1 && p.do_sample !== true) {
    return validationError('you must use sampling when `best_of` is > 1');
  }
  if (stream && p.decoder_input_details === true) {
    return validationError('`decoder_input_details` == true is not supported when streaming tokens');
  }
  const temperature = num('temperature');
  if (temperature !== undefined && temperature <= 0)
    return validationError('`temperature` must be strictly positive');
  const repetition = num('repetition_penalty');
  if (repetition !== undefined && repetition <= 0) {
    return validationError('`repetition_penalty` must be strictly positive');
  }
  const frequency = num('frequency_penalty');
  if (frequency !== undefined && (frequency < -2 || frequency > 2)) {
    return validationError('`frequency_penalty` must be >= -2.0 and <= 2.0');
  }
  const topP = num('top_p');
  if (topP !== undefined && (topP <= 0 || topP >= 1))
    return validationError('`top_p` must be > 0.0 and < 1.0');
  const topK = num('top_k');
  if (topK !== undefined && topK <= 0) return validationError('`top_k` must be strictly positive');
  const typicalP = num('typical_p');
  if (typicalP !== undefined && (typicalP <= 0 || typicalP >= 1)) {
    return validationError('`typical_p` must be > 0.0 and < 1.0');
  }
  const maxNew = num('max_new_tokens');
  if (maxNew !== undefined && maxNew <= 0)
    return validationError('`max_new_tokens` must be strictly positive');
  const stop = Array.isArray(p.stop) ? p.stop : [];
  if (stop.length > limits.maxStopSequences) {
    return validationError(
      `\`stop\` supports up to ${limits.maxStopSequences} stop sequences. Given: ${stop.length}`,
    );
  }
  if (inputTokens === 0) return validationError('`inputs` cannot be empty');
  if (inputTokens > limits.maxInputTokens) {
    return validationError(
      `\`inputs\` must have less than ${limits.maxInputTokens} tokens. Given: ${inputTokens}`,
    );
  }
  const requested = maxNew ?? Math.min(1024, limits.maxTotalTokens - inputTokens);
  if (inputTokens + requested > limits.maxTotalTokens) {
    return validationError(
      `\`inputs\` tokens + \`max_new_tokens\` must be <= ${limits.maxTotalTokens}. Given: ${inputTokens} \`inputs\` tokens and ${requested} \`max_new_tokens\``,
    );
  }
  return undefined;
}
