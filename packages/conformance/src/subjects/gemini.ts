/** The Google Gemini backend as a conformance subject, on the Gemini emulator. */
import { createGemini, type GeminiClient } from '@ipfs-accelerate/gemini';
import type { EmulatorRequest } from '../emulator/types.js';
import { startGeminiEmulator } from '../emulators/gemini.js';
import { geminiErrorFault } from '../emulators/gemini-errors.js';
import { expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, chatSubjectCalls, taggedChat } from './chat-subject.js';

/** The text of the last `user` turn of a logged generateContent body (`contents[].parts[].text`). */
export function lastGeminiUserText(request: EmulatorRequest): string | undefined {
  const body = request.json as
    | { contents?: Array<{ role?: string; parts?: Array<{ text?: unknown }> }> }
    | undefined;
  const contents = body?.contents ?? [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i];
    if (content?.role !== undefined && content.role !== 'user') continue;
    const texts = (content?.parts ?? []).flatMap((p) => (typeof p.text === 'string' ? [p.text] : []));
    if (texts.length > 0) return texts.join('\n');
  }
  return undefined;
}

/**
 * Builds the Gemini subject. Live mode reads `GEMINI_API_KEY` or `GOOGLE_API_KEY` (and `GEMINI_BASE_URL`);
 * `GEMINI_MODEL` (default `gemini-2.0-flash`) and `GEMINI_EMBEDDING_MODEL` (default `text-embedding-004`) pick
 * the models (the emulator serves whatever names these are).
 */
export function geminiSubject(): ConformanceSubject<GeminiClient> {
  const CHAT_MODEL = process.env.GEMINI_MODEL ?? 'gemini-2.0-flash';
  const EMBED_MODEL = process.env.GEMINI_EMBEDDING_MODEL ?? 'text-embedding-004';
  const route = (method: string) => `POST /v1beta/models/${encodeURIComponent(CHAT_MODEL)}:${method}`;
  const checks = chatCapabilityChecks({ chat: CHAT_MODEL, embed: EMBED_MODEL });
  const countTokens: CapabilityCheck<GeminiClient> = {
    name: 'counts the tokens of a prompt',
    capability: 'chat',
    async run(client) {
      const { totalTokens } = await client.countTokens(taggedChat(CHAT_MODEL, 'How many tokens is this?'));
      expectTrue(totalTokens > 0, `a positive token count, got ${totalTokens}`);
    },
  };
  return {
    name: 'gemini',
    title: 'Gemini',
    capabilities: ['chat', 'embed', 'models'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) => startGeminiEmulator({ apiKeys, models: [CHAT_MODEL, EMBED_MODEL] }),
    createClient: (options) => createGemini(options),
    ...chatSubjectCalls(
      CHAT_MODEL,
      { call: route('generateContent'), stream: route('streamGenerateContent') },
      lastGeminiUserText,
    ),
    providerRequestIds: true,
    errorCases: [
      { name: '400 INVALID_ARGUMENT', fault: geminiErrorFault(400), expect: 'invalid_request' },
      {
        name: '400 FAILED_PRECONDITION (location not supported)',
        fault: geminiErrorFault(400, { status: 'FAILED_PRECONDITION' }),
        expect: 'invalid_request',
      },
      {
        name: '400 API_KEY_INVALID',
        fault: geminiErrorFault(400, { reason: 'API_KEY_INVALID' }),
        expect: 'authentication_failed',
      },
      { name: '401 UNAUTHENTICATED', fault: geminiErrorFault(401), expect: 'authentication_failed' },
      { name: '403 PERMISSION_DENIED', fault: geminiErrorFault(403), expect: 'permission_denied' },
      { name: '404 NOT_FOUND', fault: geminiErrorFault(404), expect: 'not_found' },
      { name: '409 ABORTED', fault: geminiErrorFault(409), expect: 'conflict' },
      { name: '429 RESOURCE_EXHAUSTED', fault: geminiErrorFault(429), expect: 'rate_limited' },
      {
        name: '429 daily quota exhausted (QuotaFailure PerDay, no RetryInfo)',
        fault: geminiErrorFault(429, { quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }),
        expect: 'quota_exceeded',
      },
      { name: '500 INTERNAL', fault: geminiErrorFault(500), expect: 'server_error' },
      { name: '503 UNAVAILABLE (overloaded)', fault: geminiErrorFault(503), expect: 'overloaded' },
      { name: '504 DEADLINE_EXCEEDED', fault: geminiErrorFault(504), expect: 'timeout' },
      // Last: a RetryInfo hint pauses the whole lane for its delay (the core's lane-wide cooldown), and the
      // suite's clock does not move, so a case after it would wait. Its exact wait is tested in
      // emulators/gemini-client.test.ts.
      {
        name: '429 RESOURCE_EXHAUSTED with RetryInfo',
        fault: geminiErrorFault(429, { retryDelay: '37s' }),
        expect: 'rate_limited',
      },
    ],
    capabilityChecks: [
      ...checks.chat,
      countTokens,
      ...checks.embed,
      ...checks.models,
    ] as ConformanceSubject<GeminiClient>['capabilityChecks'],
    live: { env: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], createClient: () => createGemini() },
  };
}
