/**
 * Test support for the loopback tests: Groq wire shapes, and a harness that gives every test a fresh
 * scripted server, FakeClock and client, with the developer's GROQ_* variables blanked. Not exported.
 */
import { type ClientHarness as CoreClientHarness, clientHarness } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import { createGroq, type GroqClient, type GroqOptions } from '../groq-provider.js';

/** The harness client's key (a made-up `gsk_` shape, never a real key). */
export const KEY = 'gsk_loopback0123456789abcdefABCDEFloopback';
/** Every variable the client reads. */
export const GROQ_ENV_VARS = ['GROQ_API_KEY', 'GROQ_BASE_URL'];

/** A minimal chat request. */
export const chatRequest = {
  model: 'llama-3.1-8b-instant',
  messages: [{ role: 'user' as const, content: 'Hi' }],
};

/** Groq's usage object with its timing fields. */
export const groqUsage = {
  queue_time: 0.0123,
  prompt_tokens: 5,
  prompt_time: 0.0005,
  completion_tokens: 4,
  completion_time: 0.008,
  total_tokens: 9,
  total_time: 0.0085,
};

/** A Groq `chat.completion` body: OpenAI's shape, timings in `usage`, the request id in `x_groq.id`. */
export const completion = {
  id: 'chatcmpl-0f5e9f1c',
  object: 'chat.completion',
  created: 1741569952,
  model: 'llama-3.1-8b-instant',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hello!' }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: groqUsage,
  system_fingerprint: 'fp_a4265e44d5',
  x_groq: { id: 'req_01jq9abcdefghijkmnpqrstvwx' },
  service_tier: 'on_demand',
};

/** A `chat.completion.chunk`; `xGroq` is Groq's per-chunk extension (first and final chunks). */
export const chunk = (delta: object, finish: string | null = null, xGroq?: object) => ({
  id: 'chatcmpl-0f5e9f1d',
  object: 'chat.completion.chunk',
  created: 1741569952,
  model: 'llama-3.1-8b-instant',
  system_fingerprint: 'fp_a4265e44d5',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...(xGroq ? { x_groq: xGroq } : {}),
});

/** The request id of the streamed completion. */
export const STREAM_ID = 'req_01jq9streamstreamstreamstr';

/** A complete Groq stream: id in the first chunk, id and usage (with timings) in the final one. */
export const groqStream = [
  chunk({ role: 'assistant', content: '' }, null, { id: STREAM_ID }),
  chunk({ content: 'Hel' }),
  chunk({ content: 'lo' }),
  chunk({}, 'stop', { id: STREAM_ID, usage: groqUsage }),
  '[DONE]',
];

/** Groq's 429 body (a tokens-per-minute limit). */
export const rateLimitBody = {
  error: {
    message:
      'Rate limit reached for model `llama-3.1-8b-instant` in organization `org_x` on tokens per minute (TPM): ' +
      'Limit 6000, Used 5900, Requested 200. Please try again in 1s.',
    type: 'tokens',
    code: 'rate_limit_exceeded',
  },
};

/** Groq's 498 body of a full flex tier. */
export const capacityBody = {
  error: {
    message: 'Flex tier capacity exceeded. This is a temporary condition, please try again later.',
    type: 'capacity_exceeded',
    code: 'capacity_exceeded',
  },
};

/** What a test sees of the harness. */
export type ClientHarness = CoreClientHarness<GroqClient, GroqOptions>;

/**
 * Registers the hooks and returns the harness. The default client points at the server (path prefix
 * `/openai/v1`, as Groq's) with {@link KEY}; retries wait a fixed 100 ms first (no jitter) on the FakeClock.
 * The developer's GROQ_* variables are blanked.
 */
export function useClientHarness(): ClientHarness {
  const harness = clientHarness<GroqClient, GroqOptions>({
    basePath: '/openai/v1',
    create: createGroq,
    defaults: (server, clock) => ({
      apiKey: KEY,
      baseURL: server.baseURL,
      clock,
      retry: { jitter: 'none', initialDelayMs: 100 },
    }),
  });
  beforeEach(async () => {
    for (const name of GROQ_ENV_VARS) vi.stubEnv(name, '');
    await harness.start();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await harness.stop();
  });
  return harness;
}
