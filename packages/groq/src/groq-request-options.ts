/**
 * Groq's request extras (`service_tier`, `reasoning_format`, `reasoning_effort`), checked before anything is
 * queued so a typo fails at once instead of as a 400 after a trip through the pipeline.
 */
import { InvalidRequestError } from '@ipfs-accelerate/core';
import { isJsonObject } from '@ipfs-accelerate/openai-compatible';
import { GROQ_PROVIDER } from './groq-error.js';

/** Groq's processing tiers: `flex` trades availability (HTTP 498 when full) for higher limits. */
export const GROQ_SERVICE_TIERS = ['on_demand', 'flex', 'auto', 'performance'] as const;
/** A Groq processing tier. */
export type GroqServiceTier = (typeof GROQ_SERVICE_TIERS)[number];

/** How a reasoning model returns its reasoning: in `reasoning` (parsed), inline in `<think>` (raw), or not. */
export const GROQ_REASONING_FORMATS = ['parsed', 'raw', 'hidden'] as const;
/** A Groq reasoning format. */
export type GroqReasoningFormat = (typeof GROQ_REASONING_FORMATS)[number];

function fail(message: string): never {
  throw new InvalidRequestError(`${GROQ_PROVIDER}: ${message}`, { provider: GROQ_PROVIDER });
}

function checkOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(`${name} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}; got ${JSON.stringify(value)}`);
  }
}

/** Checks the `serviceTier` client option. @throws InvalidRequestError for an unknown tier */
export function checkServiceTier(value: unknown): GroqServiceTier | undefined {
  checkOneOf('serviceTier', value, GROQ_SERVICE_TIERS);
  return value as GroqServiceTier | undefined;
}

/**
 * Checks the Groq extras a caller may put in `providerOptions`: `service_tier` and `reasoning_format` must be
 * known values, `reasoning_effort` a non-empty string (its values differ per model family). Other fields pass
 * through unchecked, as the shared mapping does.
 * @throws InvalidRequestError naming the bad field
 */
export function checkGroqProviderOptions(providerOptions: unknown): void {
  if (!isJsonObject(providerOptions)) return; // the shared validation reports a non-object
  checkOneOf('providerOptions.service_tier', providerOptions.service_tier, GROQ_SERVICE_TIERS);
  checkOneOf('providerOptions.reasoning_format', providerOptions.reasoning_format, GROQ_REASONING_FORMATS);
  const effort = providerOptions.reasoning_effort;
  if (effort !== undefined && (typeof effort !== 'string' || effort === '')) {
    fail(`providerOptions.reasoning_effort must be a non-empty string; got ${JSON.stringify(effort)}`);
  }
}
