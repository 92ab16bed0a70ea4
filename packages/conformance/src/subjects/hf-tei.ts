/** The HF TEI backend as a conformance subject, on the TEI emulator. */
import type { BackendControl } from '@ipfs-accelerate/core';
import { cosineSimilarity, createHfTei, type HfTeiClient } from '@ipfs-accelerate/hf-tei';
import type { EmulatorRequest } from '../emulator/types.js';
import { startTeiEmulator } from '../emulators/tei.js';
import { expectEqual, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';

const ROUTE = 'POST /embed';

/** The tag of a logged `/embed` request: its (first) input. */
export function teiInputOf(request: EmulatorRequest): string | undefined {
  const inputs = (request.json as { inputs?: unknown } | undefined)?.inputs;
  const first = Array.isArray(inputs) ? inputs[0] : inputs;
  return typeof first === 'string' ? first : undefined;
}

/** Capability checks that hold on the emulator and on a real TEI server serving the matching model. */
export function teiCapabilityChecks(): CapabilityCheck<HfTeiClient>[] {
  return [
    {
      name: 'embeds several inputs, in order, with one dimension',
      capability: 'embed',
      async run(client) {
        const [a, b, again] = await client.embed({ inputs: ['first text', 'second text', 'first text'] });
        expectTrue(
          a && b && again && a.length > 0 && a.length === b.length,
          'vectors of one non-zero dimension',
        );
        expectTrue(cosineSimilarity(a, again) > 0.999, 'the same text gives the same vector');
        expectTrue(
          a.some((x, i) => x !== b[i]),
          'different texts give different vectors',
        );
      },
    },
    {
      name: 'splits inputs beyond max_client_batch_size and keeps their order',
      capability: 'embed',
      async run(client) {
        const { maxClientBatchSize } = await client.info();
        const inputs = Array.from({ length: maxClientBatchSize * 2 + 1 }, (_, i) => `input number ${i}`);
        const vectors = await client.embed({ inputs });
        expectEqual(vectors.length, inputs.length, 'vectors');
        const [last] = await client.embed({ inputs: inputs.at(-1) as string });
        expectTrue(
          last && cosineSimilarity(vectors.at(-1) as number[], last) > 0.999,
          'the last vector is the last input',
        );
      },
    },
    {
      name: 'reranks documents best first with their indices',
      capability: 'rerank',
      async run(client) {
        const documents = [
          'Paris is in France.',
          'Deep learning uses neural networks.',
          'Bananas are yellow.',
        ];
        const { results } = await client.rerank({
          query: 'What is deep learning?',
          documents,
          returnDocuments: true,
        });
        expectEqual(results.map((r) => r.index).sort(), [0, 1, 2], 'every document once');
        expectTrue(
          results.every((r, i) => i === 0 || (results[i - 1] as { score: number }).score >= r.score),
          'best first',
        );
        expectTrue(
          results.every((r) => r.document === documents[r.index]),
          'texts match indices',
        );
      },
    },
  ];
}

/**
 * Builds the HF TEI subject. TEI has no chat and no streaming: `call` is `embed` of the tag text (Stream is
 * n/a). Live mode runs when `HF_TEI_BASE_URL` (or `TEI_BASE_URL`) names a server; the rerank check needs a
 * reranker model there.
 */
export function hfTeiSubject(): ConformanceSubject<HfTeiClient> {
  return {
    name: 'hf-tei',
    title: 'HF TEI',
    capabilities: ['embed', 'rerank'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) => startTeiEmulator({ apiKeys, serveAllRoutes: true }),
    createClient: (options) => createHfTei(options),
    call: (client, tag, options) => client.embed({ inputs: tag }, options),
    callRoute: ROUTE,
    tagOf: teiInputOf,
    providerRequestIds: false,
    errorCases: [
      {
        name: '400 Empty (batch is empty)',
        fault: { kind: 'error', status: 400 },
        expect: 'invalid_request',
      },
      {
        name: '401 (--api-key, empty body)',
        fault: { kind: 'error', status: 401 },
        expect: 'authentication_failed',
      },
      {
        name: '413 Validation (batch size)',
        fault: { kind: 'error', status: 413 },
        expect: 'invalid_request',
      },
      { name: '422 Tokenizer', fault: { kind: 'error', status: 422 }, expect: 'invalid_request' },
      {
        name: '424 Backend (inference failed)',
        fault: { kind: 'error', status: 424 },
        expect: 'server_error',
      },
      {
        name: '424 Backend (wrong model type)',
        fault: { kind: 'error', status: 424, message: 'model is not an embedding model' },
        expect: 'invalid_request',
      },
      {
        name: '429 Overloaded (concurrency limit)',
        fault: { kind: 'error', status: 429 },
        expect: 'rate_limited',
      },
      {
        name: '429 overloaded (lower-case error_type)',
        fault: {
          kind: 'status',
          status: 429,
          body: { error: 'Model is overloaded', error_type: 'overloaded' },
        },
        expect: 'rate_limited',
      },
      { name: '503 Unhealthy', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
    ],
    capabilityChecks: teiCapabilityChecks() as ReadonlyArray<CapabilityCheck<HfTeiClient & BackendControl>>,
    live: { env: ['HF_TEI_BASE_URL', 'TEI_BASE_URL'], createClient: () => createHfTei() },
  };
}
