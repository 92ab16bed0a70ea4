/** The OpenAI backend as a conformance subject, on the OpenAI-compatible emulator. */
import { createOpenAI, type OpenAIClient } from '@ipfs-accelerate/openai';
import { startOpenAIEmulator } from '../emulators/openai-compatible.js';
import type { ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, chatSubjectCalls } from './chat-subject.js';

const ROUTE = 'POST /v1/chat/completions';

/**
 * Builds the OpenAI subject. Live mode reads `OPENAI_API_KEY` (and `OPENAI_BASE_URL`); `OPENAI_MODEL` and
 * `OPENAI_EMBEDDING_MODEL` pick the models (the emulator serves whatever names these are).
 */
export function openaiSubject(): ConformanceSubject<OpenAIClient> {
  const CHAT_MODEL = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';
  const EMBED_MODEL = process.env.OPENAI_EMBEDDING_MODEL ?? 'text-embedding-3-small';
  const checks = chatCapabilityChecks({ chat: CHAT_MODEL, embed: EMBED_MODEL });
  return {
    name: 'openai',
    title: 'OpenAI',
    capabilities: ['chat', 'embed', 'models'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) => startOpenAIEmulator({ apiKeys, models: [CHAT_MODEL, EMBED_MODEL] }),
    createClient: (options) => createOpenAI(options),
    ...chatSubjectCalls(CHAT_MODEL, { call: ROUTE }),
    providerRequestIds: true,
    errorCases: [
      { name: '400 invalid_request_error', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      {
        name: '400 context_length_exceeded',
        fault: { kind: 'error', status: 400, code: 'context_length_exceeded' },
        expect: 'invalid_request',
      },
      {
        name: '401 invalid_api_key',
        fault: { kind: 'error', status: 401, code: 'invalid_api_key' },
        expect: 'authentication_failed',
      },
      { name: '403', fault: { kind: 'error', status: 403 }, expect: 'permission_denied' },
      {
        name: '404 model_not_found',
        fault: { kind: 'error', status: 404, code: 'model_not_found' },
        expect: 'not_found',
      },
      { name: '409', fault: { kind: 'error', status: 409 }, expect: 'conflict' },
      { name: '422', fault: { kind: 'error', status: 422 }, expect: 'invalid_request' },
      {
        name: '429 rate_limit_exceeded',
        fault: { kind: 'error', status: 429, code: 'rate_limit_exceeded' },
        expect: 'rate_limited',
      },
      {
        name: '429 insufficient_quota',
        fault: { kind: 'error', status: 429, code: 'insufficient_quota' },
        expect: 'quota_exceeded',
      },
      { name: '500 server_error', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      { name: '503 overloaded', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
    ],
    capabilityChecks: [
      ...checks.chat,
      ...checks.embed,
      ...checks.models,
    ] as ConformanceSubject<OpenAIClient>['capabilityChecks'],
    live: { env: ['OPENAI_API_KEY'], createClient: () => createOpenAI() },
  };
}
