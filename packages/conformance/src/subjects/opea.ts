/** The OPEA backend as a conformance subject, on the OPEA emulator (ChatQnA plus the microservice routes). */
import type { BackendControl, RerankCapability } from '@ipfs-accelerate/core';
import { createOpea, type OpeaClient } from '@ipfs-accelerate/opea';
import type { EmulatorRequest } from '../emulator/types.js';
import { OPEA_EMULATOR_LLM_MODEL, startOpeaEmulator } from '../emulators/opea.js';
import { drain, expectEqual, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, lastUserMessage, summariseChatStream } from './chat-subject.js';

const ROUTE = 'POST /v1/chatqna';

/** ChatQnA's question: `messages` as text (how this subject asks), or the last user message of a list. */
function chatQnATag(request: EmulatorRequest): string | undefined {
  const body = request.json as { messages?: unknown } | undefined;
  return typeof body?.messages === 'string' ? body.messages : lastUserMessage(request);
}

/** ChatQnA streams carry no usage at all: the summary leaves `usageAtEnd` out. */
function summariseChatQnAStream(events: readonly unknown[]): { text: string } {
  return { text: summariseChatStream(events).text };
}

function chatQnAChecks(): CapabilityCheck<OpeaClient>[] {
  return [
    {
      name: 'ChatQnA answers a question with text and a stop',
      capability: 'chat',
      async run(client) {
        const result = await client.chatQnA({ messages: 'What is OPEA?', maxTokens: 64 });
        expectTrue(result.text.length > 0, 'a non-empty answer');
        expectEqual(result.finishReason, 'stop', 'the finish reason');
        expectTrue(result.requestId.startsWith('req_'), 'our request id on the result');
      },
    },
    {
      name: "ChatQnA streams b'…' frames into text and one finish",
      capability: 'chat',
      async run(client) {
        const events = await drain(client.streamChatQnA({ messages: 'What is OPEA?' }));
        expectEqual(events.filter((e) => e.type === 'finish').length, 1, 'finish events');
        expectEqual(events.at(-1)?.type, 'finish', 'the last event');
        const text = summariseChatStream(events).text;
        expectTrue(
          text.length > 0 && !text.includes("b'") && !text.includes('\ufffd'),
          `decoded text, got ${JSON.stringify(text)}`,
        );
      },
    },
  ];
}

const rerankCheck: CapabilityCheck<BackendControl & RerankCapability> = {
  name: 'reranks the relevant document first',
  capability: 'rerank',
  async run(client) {
    const documents = ['Paris is the capital of France.', 'OPEA is the Open Platform for Enterprise AI.'];
    const result = await client.rerank({ query: 'What is the Open Platform for Enterprise AI?', documents });
    expectEqual(result.results[0]?.index, 1, 'the best document');
    expectEqual(result.results.length, 2, 'results');
  },
};

/**
 * Builds the OPEA subject. Live mode runs when `OPEA_API_ENDPOINT` (the seed's) or `OPEA_API_URL` names a
 * host that serves ChatQnA and the microservice routes (a gateway); `OPEA_MODEL` and
 * `OPEA_EMBEDDING_MODEL` pick the models of the chat and embedding checks.
 */
export function opeaSubject(): ConformanceSubject<OpeaClient> {
  const LLM_MODEL = process.env.OPEA_MODEL ?? OPEA_EMULATOR_LLM_MODEL;
  const EMBED_MODEL = process.env.OPEA_EMBEDDING_MODEL ?? 'BAAI/bge-base-en-v1.5';
  const checks = chatCapabilityChecks({ chat: LLM_MODEL, embed: EMBED_MODEL });
  return {
    name: 'opea',
    title: 'OPEA',
    capabilities: ['chat', 'embed', 'rerank'],
    usesApiKey: false,
    startEmulator: () => startOpeaEmulator(),
    createClient: (options) => createOpea(options),
    call: (client, tag, options) => client.chatQnA({ messages: tag, maxTokens: 16 }, options),
    callRoute: ROUTE,
    stream: (client, tag, options) => client.streamChatQnA({ messages: tag, maxTokens: 16 }, options),
    streamRoute: ROUTE,
    streamSummary: summariseChatQnAStream,
    tagOf: chatQnATag,
    providerRequestIds: false,
    errorCases: [
      { name: '400 {"detail"}', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      {
        name: '401 Not authenticated (gateway)',
        fault: { kind: 'error', status: 401 },
        expect: 'authentication_failed',
      },
      { name: '404 Not Found', fault: { kind: 'error', status: 404 }, expect: 'not_found' },
      {
        name: '422 validation list',
        fault: { kind: 'error', status: 422, code: 'missing' },
        expect: 'invalid_request',
      },
      { name: '429 Too Many Requests', fault: { kind: 'error', status: 429 }, expect: 'rate_limited' },
      { name: '500 {"detail"}', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      {
        name: '500 plain-text Internal Server Error',
        fault: { kind: 'status', status: 500, body: 'Internal Server Error' },
        expect: 'server_error',
      },
      { name: '503 Service Unavailable', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
    ],
    capabilityChecks: [
      ...chatQnAChecks(),
      ...checks.chat,
      ...checks.embed,
      rerankCheck,
    ] as ConformanceSubject<OpeaClient>['capabilityChecks'],
    live: { env: ['OPEA_API_ENDPOINT', 'OPEA_API_URL'], createClient: () => createOpea() },
  };
}
