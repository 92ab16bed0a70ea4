/**
 * Test support for the loopback tests: OpenAI wire shapes, and a harness that gives every test a fresh
 * loopback server, FakeClock and client, with the developer's OPENAI_* variables blanked. Not exported.
 */
import { type ClientHarness as CoreClientHarness, clientHarness } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import { createOpenAI, type OpenAIClient, type OpenAIOptions } from '../openai-provider.js';

/** The harness client's key. */
export const KEY = 'sk-proj-loopback-0123456789abcdefABCDEF';
/** Every variable the client reads. */
export const OPENAI_ENV_VARS = [
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_ORG_ID',
  'OPENAI_ORGANIZATION',
  'OPENAI_PROJECT_ID',
];

/** A minimal chat request. */
export const chatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

/** A `chat.completion` body. */
export const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1741569952,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: '{"ok":true}', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
};

/** A `chat.completion.chunk` with one choice. */
export const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-2',
  object: 'chat.completion.chunk',
  created: 1741569952,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  usage: null,
});

/** The final `include_usage` chunk. */
export const usageChunk = {
  id: 'chatcmpl-2',
  object: 'chat.completion.chunk',
  created: 1741569952,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

/** The 429 body of an account without credit. */
export const quotaBody = {
  error: {
    message: 'You exceeded your current quota, please check your plan and billing details.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};

/** The 429 body of a rate limit. */
export const rateLimitBody = {
  error: {
    message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
};

/** What a test sees of the harness. */
export type ClientHarness = CoreClientHarness<OpenAIClient, OpenAIOptions>;

/**
 * Registers the hooks and returns the harness. The default client points at the server with {@link KEY};
 * retries wait a fixed 100 ms first (no jitter) on the FakeClock. The developer's OPENAI_* variables are blanked.
 */
export function useClientHarness(): ClientHarness {
  const harness = clientHarness<OpenAIClient, OpenAIOptions>({
    basePath: '/v1',
    create: createOpenAI,
    defaults: (server, clock) => ({
      apiKey: KEY,
      baseURL: server.baseURL,
      clock,
      retry: { jitter: 'none', initialDelayMs: 100 },
    }),
  });
  beforeEach(async () => {
    for (const name of OPENAI_ENV_VARS) vi.stubEnv(name, '');
    await harness.start();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await harness.stop();
  });
  return harness;
}
