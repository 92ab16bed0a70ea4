/** The Ollama backend as a conformance subject, on the Ollama emulator. */
import { createOllama, type OllamaClient } from '@ipfs-accelerate/ollama';
import { startOllamaEmulator } from '../emulators/ollama.js';
import type { ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, chatSubjectCalls } from './chat-subject.js';

const ROUTE = 'POST /api/chat';

/**
 * Builds the Ollama subject. Live mode runs when `OLLAMA_HOST` (or the seed's `OLLAMA_API_URL`) names a server;
 * `OLLAMA_MODEL` and `OLLAMA_EMBEDDING_MODEL` pick the models.
 */
export function ollamaSubject(): ConformanceSubject<OllamaClient> {
  const CHAT_MODEL = process.env.OLLAMA_MODEL ?? 'llama3.2';
  const EMBED_MODEL = process.env.OLLAMA_EMBEDDING_MODEL ?? 'all-minilm';
  const checks = chatCapabilityChecks({ chat: CHAT_MODEL, embed: EMBED_MODEL });
  return {
    name: 'ollama',
    title: 'Ollama',
    capabilities: ['chat', 'embed', 'models'],
    usesApiKey: false,
    startEmulator: () => startOllamaEmulator({ models: [CHAT_MODEL, EMBED_MODEL] }),
    createClient: (options) => createOllama(options),
    ...chatSubjectCalls(CHAT_MODEL, { call: ROUTE }),
    providerRequestIds: false,
    errorCases: [
      { name: '400 bad request', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      {
        name: '401 unauthorized (cloud)',
        fault: { kind: 'error', status: 401 },
        expect: 'authentication_failed',
      },
      { name: '404 model not found', fault: { kind: 'error', status: 404 }, expect: 'not_found' },
      { name: '429 too many requests', fault: { kind: 'error', status: 429 }, expect: 'rate_limited' },
      { name: '500 internal error', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      { name: '502 cloud model unreachable', fault: { kind: 'error', status: 502 }, expect: 'server_error' },
      { name: '503 server busy (queue full)', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
    ],
    capabilityChecks: [
      ...checks.chat,
      ...checks.embed,
      ...checks.models,
    ] as ConformanceSubject<OllamaClient>['capabilityChecks'],
    live: { env: ['OLLAMA_HOST', 'OLLAMA_API_URL'], createClient: () => createOllama() },
  };
}
