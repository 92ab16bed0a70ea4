/** The Groq backend as a conformance subject, on the Groq emulator (the OpenAI-compatible one under /openai/v1). */
import { createGroq, type GroqClient } from '@ipfs-accelerate/groq';
import { startGroqEmulator } from '../emulators/groq.js';
import type { ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, chatSubjectCalls } from './chat-subject.js';

const ROUTE = 'POST /openai/v1/chat/completions';

/**
 * Builds the Groq subject. Live mode reads `GROQ_API_KEY` (and `GROQ_BASE_URL`); `GROQ_MODEL` picks the chat
 * model (default `llama-3.1-8b-instant`) and `GROQ_EMBEDDING_MODEL` the embedding model (default
 * `nomic-embed-text-v1_5`; the emulator serves whatever names these are).
 */
export function groqSubject(): ConformanceSubject<GroqClient> {
  const CHAT_MODEL = process.env.GROQ_MODEL || 'llama-3.1-8b-instant';
  const EMBED_MODEL = process.env.GROQ_EMBEDDING_MODEL || 'nomic-embed-text-v1_5';
  const checks = chatCapabilityChecks({ chat: CHAT_MODEL, embed: EMBED_MODEL });
  return {
    name: 'groq',
    title: 'Groq',
    capabilities: ['chat', 'embed', 'models'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) => startGroqEmulator({ apiKeys, models: [CHAT_MODEL, EMBED_MODEL] }),
    createClient: (options) => createGroq(options),
    ...chatSubjectCalls(CHAT_MODEL, { call: ROUTE }),
    providerRequestIds: true,
    errorCases: [
      {
        name: '498 flex capacity_exceeded',
        fault: { kind: 'error', status: 498, code: 'capacity_exceeded' },
        expect: 'overloaded',
      },
      { name: '400 invalid_request_error', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      {
        name: '499 request cancelled upstream',
        fault: { kind: 'error', status: 499 },
        expect: 'server_error',
      },
      {
        name: '401 invalid_api_key',
        fault: { kind: 'error', status: 401, code: 'invalid_api_key' },
        expect: 'authentication_failed',
      },
      { name: '500 internal_server_error', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      { name: '403', fault: { kind: 'error', status: 403 }, expect: 'permission_denied' },
      { name: '502', fault: { kind: 'error', status: 502 }, expect: 'server_error' },
      {
        name: '404 model_not_found',
        fault: { kind: 'error', status: 404, code: 'model_not_found' },
        expect: 'not_found',
      },
      { name: '503 service unavailable', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
      { name: '409', fault: { kind: 'error', status: 409 }, expect: 'conflict' },
      {
        name: '413 request too large (TPM, code rate_limit_exceeded)',
        fault: { kind: 'error', status: 413 },
        expect: 'invalid_request',
      },
      {
        name: '400 context_length_exceeded',
        fault: { kind: 'error', status: 400, code: 'context_length_exceeded' },
        expect: 'invalid_request',
      },
      { name: '422', fault: { kind: 'error', status: 422 }, expect: 'invalid_request' },
      { name: '424 failed dependency', fault: { kind: 'error', status: 424 }, expect: 'invalid_request' },
      {
        name: '429 rate_limit_exceeded',
        fault: { kind: 'error', status: 429, code: 'rate_limit_exceeded' },
        expect: 'rate_limited',
      },
    ],
    capabilityChecks: [
      ...checks.chat,
      ...checks.embed,
      ...checks.models,
    ] as ConformanceSubject<GroqClient>['capabilityChecks'],
    live: { env: ['GROQ_API_KEY'], createClient: () => createGroq() },
  };
}
