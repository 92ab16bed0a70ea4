/**
 * What Groq adds to the OpenAI shapes: `x_groq` (request id, final stream usage, in-band stream error), the
 * timing fields of its usage objects, and `message.reasoning` of reasoning models.
 */
import {
  isJsonObject,
  type JsonObject,
  type OpenAICompatibleHooks,
} from '@ipfs-accelerate/openai-compatible';

/**
 * Groq's server-side timings of one completion, in seconds, as its usage objects report them
 * (`queue_time`, `prompt_time`, `completion_time`, `total_time`). Fields Groq left out are absent.
 */
export interface GroqTimings {
  /** Seconds the request waited in Groq's queue. */
  queueTime?: number;
  /** Seconds spent reading the prompt. */
  promptTime?: number;
  /** Seconds spent generating the completion. */
  completionTime?: number;
  /** `promptTime + completionTime` as Groq reports it. */
  totalTime?: number;
}

const TIMING_FIELDS = [
  ['queue_time', 'queueTime'],
  ['prompt_time', 'promptTime'],
  ['completion_time', 'completionTime'],
  ['total_time', 'totalTime'],
] as const;

function xGroq(body: JsonObject): JsonObject | undefined {
  return isJsonObject(body.x_groq) ? body.x_groq : undefined;
}

/** The request id Groq puts in `x_groq.id` (in a completion, and in the first and final stream chunks). */
export function readGroqRequestId(body: JsonObject): string | undefined {
  const id = xGroq(body)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The usage object of a completion or chunk: `x_groq.usage` (final stream chunk) first, then `usage`. */
export function readGroqUsage(body: JsonObject): JsonObject | undefined {
  const fromXGroq = xGroq(body)?.usage;
  if (isJsonObject(fromXGroq)) return fromXGroq;
  return isJsonObject(body.usage) ? body.usage : undefined;
}

/** The timing fields of a wire usage object; undefined when it has none. */
export function readGroqTimings(usage: unknown): GroqTimings | undefined {
  if (!isJsonObject(usage)) return undefined;
  let timings: GroqTimings | undefined;
  for (const [wire, field] of TIMING_FIELDS) {
    const value = usage[wire];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
      timings ??= {};
      timings[field] = value;
    }
  }
  return timings;
}

/**
 * The reasoning of a reasoning model (`choices[0].message.reasoning`, sent with `reasoning_format: 'parsed'`),
 * or undefined.
 */
export function readGroqReasoning(body: unknown): string | undefined {
  if (!isJsonObject(body) || !Array.isArray(body.choices)) return undefined;
  const choice: unknown = body.choices.find((c) => isJsonObject(c) && c.index === 0) ?? body.choices[0];
  const message = isJsonObject(choice) ? choice.message : undefined;
  const reasoning = isJsonObject(message) ? message.reasoning : undefined;
  return typeof reasoning === 'string' && reasoning !== '' ? reasoning : undefined;
}

/**
 * The hooks of the shared OpenAI-compatible mapping for Groq: request id from `x_groq.id`, usage from
 * `x_groq.usage` (falling back to `usage`), and an in-band error from `x_groq.error` ("why a stream was
 * stopped early": a string, mapped to a retryable ServerError unless it is an error object with a code).
 */
export const GROQ_HOOKS: Readonly<Required<OpenAICompatibleHooks>> = Object.freeze({
  providerRequestId: readGroqRequestId,
  usage: (body: JsonObject) => xGroq(body)?.usage,
  streamError(chunk: JsonObject): unknown {
    const error = xGroq(chunk)?.error;
    if (error === undefined || error === null || error === '') return undefined;
    return error;
  },
});
