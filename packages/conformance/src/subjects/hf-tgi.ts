/**
 * The HF TGI backend as a conformance subject, on the TGI emulator. The suite's call and stream use TGI's
 * native API (`/generate`, `/generate_stream`); the capability checks also chat through `/v1`, read `/info`,
 * `/health` and `/tokenize`.
 */
import { createHfTgi, type HfTgiClient, type HfTgiGenerateStreamEvent } from '@ipfs-accelerate/hf-tgi';
import type { EmulatorRequest } from '../emulator/types.js';
import { startTgiEmulator } from '../emulators/tgi.js';
import { drain, expectEqual, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, lastUserMessage } from './chat-subject.js';

/** The prompt of a logged `/generate` request, or the last user message of a chat request. */
function tagOf(request: EmulatorRequest): string | undefined {
  const body = request.json as { inputs?: unknown } | undefined;
  return typeof body?.inputs === 'string' ? body.inputs : lastUserMessage(request);
}

/** The text of a generate stream, and whether it ends with a finish event carrying usage. */
function summariseGenerateStream(events: readonly unknown[]): { text: string; usageAtEnd: boolean } {
  const stream = events as HfTgiGenerateStreamEvent[];
  const text = stream.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
  const last = stream.at(-1);
  return { text, usageAtEnd: last?.type === 'finish' && (last.usage?.outputTokens ?? 0) > 0 };
}

const tgiChecks: CapabilityCheck<HfTgiClient>[] = [
  {
    name: 'generate answers with details, a finish reason and usage',
    capability: 'chat',
    async run(client) {
      const result = await client.generate({ inputs: 'The capital of France is', maxNewTokens: 8 });
      expectTrue(result.text.length > 0, 'generated text');
      expectTrue(
        ['stop', 'length'].includes(result.finishReason),
        `finish reason, got ${result.finishReason}`,
      );
      expectTrue(
        result.details !== undefined && result.details.generatedTokens > 0,
        'details with token counts',
      );
      expectTrue((result.usage?.outputTokens ?? 0) > 0, 'output tokens reported');
    },
  },
  {
    name: 'streamGenerate ends with one finish carrying the whole text',
    capability: 'chat',
    async run(client) {
      const events = await drain(client.streamGenerate({ inputs: 'Count to three:', maxNewTokens: 8 }));
      const finishes = events.filter((e) => e.type === 'finish');
      expectEqual(finishes.length, 1, 'finish events');
      const last = events.at(-1);
      const text = summariseGenerateStream(events).text;
      expectTrue(
        last?.type === 'finish' && last.generatedText.endsWith(text),
        'generated_text holds the deltas',
      );
    },
  },
  {
    name: 'info, health and tokenize describe the served model',
    capability: 'models',
    async run(client) {
      const info = await client.info();
      expectTrue(info.modelId.length > 0 && info.maxTotalTokens > 0, 'model id and limits');
      expectEqual(await client.health(), true, 'health');
      const tokens = await client.tokenize({ inputs: 'Hello world' });
      expectTrue(tokens.length > 0 && tokens.every((t) => t.stop > t.start), 'tokens with offsets');
    },
  },
];

/**
 * Builds the HF TGI subject. Live mode runs when `HF_TGI_BASE_URL` or `TGI_BASE_URL` names a server (key
 * from `HF_API_KEY`/`HF_API_TOKEN`/`HF_TOKEN` when it needs one).
 */
export function hfTgiSubject(): ConformanceSubject<HfTgiClient> {
  const checks = chatCapabilityChecks({ chat: 'tgi' });
  return {
    name: 'hf-tgi',
    title: 'HF TGI',
    capabilities: ['chat', 'models'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) => startTgiEmulator({ apiKeys }),
    createClient: (options) => createHfTgi(options),
    call: (client, tag, options) => client.generate({ inputs: tag, maxNewTokens: 16 }, options),
    callRoute: 'POST /generate',
    stream: (client, tag, options) => client.streamGenerate({ inputs: tag, maxNewTokens: 16 }, options),
    streamRoute: 'POST /generate_stream',
    streamSummary: summariseGenerateStream,
    tagOf,
    providerRequestIds: false,
    errorCases: [
      { name: '400 bad request', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      {
        name: '401 wrong --api-key (empty body)',
        fault: { kind: 'error', status: 401 },
        expect: 'authentication_failed',
      },
      { name: '404 (empty body)', fault: { kind: 'error', status: 404 }, expect: 'not_found' },
      { name: '422 validation', fault: { kind: 'error', status: 422 }, expect: 'invalid_request' },
      {
        name: '422 template_error',
        fault: {
          kind: 'error',
          status: 422,
          code: 'template_error',
          message: 'Template error: bad template',
        },
        expect: 'invalid_request',
      },
      { name: '424 generation', fault: { kind: 'error', status: 424 }, expect: 'server_error' },
      { name: '429 overloaded', fault: { kind: 'error', status: 429 }, expect: 'rate_limited' },
      { name: '500 incomplete_generation', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      { name: '503 unhealthy', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
      {
        name: '503 hosted model loading (estimated_time)',
        fault: {
          kind: 'status',
          status: 503,
          body: { error: 'Model bigscience/bloom-560m is currently loading', estimated_time: 1.5 },
        },
        expect: 'overloaded',
      },
    ],
    capabilityChecks: [
      ...tgiChecks,
      ...checks.chat,
      ...checks.models,
    ] as ConformanceSubject<HfTgiClient>['capabilityChecks'],
    live: { env: ['HF_TGI_BASE_URL', 'TGI_BASE_URL'], createClient: () => createHfTgi() },
  };
}
