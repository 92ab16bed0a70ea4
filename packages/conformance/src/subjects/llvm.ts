/** The LLVM backend as a conformance subject, on the LLVM emulator (the contract's reference server). */
import { createLlvm, type LlvmClient } from '@ipfs-accelerate/llvm';
import type { EmulatorRequest } from '../emulator/types.js';
import { startLlvmEmulator } from '../emulators/llvm.js';
import { expectEqual, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';

/** Reads the tag back from a logged `/infer` request: its `input`, when a string. */
export function llvmInputTag(request: EmulatorRequest): string | undefined {
  const input = (request.json as { input?: unknown } | undefined)?.input;
  return typeof input === 'string' ? input : undefined;
}

/** Checks of the model catalogue and the contract's own operations; they hold on any conforming server. */
export function llvmCapabilityChecks(model: string): CapabilityCheck<LlvmClient>[] {
  return [
    {
      name: 'lists the available models',
      capability: 'models',
      async run(client) {
        const list = await client.listModels();
        expectTrue(list.length > 0 && list.every((m) => m.id.length > 0), 'model ids');
        expectTrue(
          list.some((m) => m.id === model),
          `the model ${model} is listed`,
        );
      },
    },
    {
      name: 'gets one model with its status',
      capability: 'models',
      async run(client) {
        const info = await client.getModel(model);
        expectEqual(info.id, model, 'model id');
        expectTrue(info.status !== undefined, 'a status');
      },
    },
    {
      name: 'infer: one input answers outputs, with our request id',
      capability: 'models',
      async run(client) {
        const result = await client.infer({ model, input: 'conformance' });
        expectTrue(result.outputs !== undefined, 'outputs');
        expectEqual([result.modelId, result.batched], [model, false], 'model and batching');
        expectTrue(result.requestId.startsWith('req_'), 'our request id on the result');
      },
    },
    {
      name: 'batch infer: one result per input, in order',
      capability: 'models',
      async run(client) {
        const inputs = ['first', 'second', 'third'];
        // Fixed seed and no sampling, so a real server answers the same to both calls.
        const parameters = { seed: 7, temperature: 0 };
        const batch = await client.batchInfer({ model, inputs, parameters });
        expectEqual(batch.results.length, inputs.length, 'results');
        const singles = await Promise.all(inputs.map((input) => client.infer({ model, input, parameters })));
        expectEqual(
          batch.results,
          singles.map((s) => s.outputs),
          'batch results equal single results',
        );
      },
    },
    {
      name: 'status: the server reports its health',
      capability: 'models',
      async run(client) {
        const status = await client.status();
        expectTrue(['ok', 'degraded', 'error'].includes(status.status), `a status, got ${status.status}`);
      },
    },
    {
      name: 'statistics: the model counts the inference just made',
      capability: 'models',
      async run(client) {
        const before = await client.statistics(model);
        await client.infer({ model, input: 'counted' });
        const after = await client.statistics(model);
        expectEqual(after.modelId, model, 'model id');
        expectTrue(after.requests >= before.requests + 1, 'requests grew by at least one');
        expectTrue(after.inferences >= before.inferences + 1, 'inferences grew by at least one');
      },
    },
  ];
}

/**
 * Builds the LLVM subject. Live mode runs when `LLVM_BASE_URL` (or the seed wrapper's `LLVM_API_URL`) names a
 * server; `LLVM_DEFAULT_MODEL` (the seed's TS port's variable) picks the model, default `bert-base`.
 */
export function llvmSubject(): ConformanceSubject<LlvmClient> {
  const MODEL = process.env.LLVM_DEFAULT_MODEL ?? 'bert-base';
  return {
    name: 'llvm',
    title: 'LLVM',
    capabilities: ['models'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) =>
      startLlvmEmulator({ apiKeys, models: [...new Set([MODEL, 'resnet50', 't5-small'])] }),
    createClient: (options) => createLlvm(options),
    call: (client, tag, options) => client.infer({ model: MODEL, input: tag }, options),
    callRoute: `POST /models/${encodeURIComponent(MODEL)}/infer`,
    tagOf: llvmInputTag,
    providerRequestIds: true,
    errorCases: [
      { name: '400 invalid request', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      { name: '401 unauthorized', fault: { kind: 'error', status: 401 }, expect: 'authentication_failed' },
      { name: '403 forbidden', fault: { kind: 'error', status: 403 }, expect: 'permission_denied' },
      {
        name: '404 model not found',
        fault: { kind: 'error', status: 404, code: 'model_not_found' },
        expect: 'not_found',
      },
      {
        name: '409 model not loaded',
        fault: { kind: 'error', status: 409, code: 'model_not_loaded' },
        expect: 'conflict',
      },
      { name: '422 unprocessable input', fault: { kind: 'error', status: 422 }, expect: 'invalid_request' },
      { name: '429 rate limited', fault: { kind: 'error', status: 429 }, expect: 'rate_limited' },
      { name: '500 internal error', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      {
        name: '502 from a proxy, not the contract body',
        fault: {
          kind: 'status',
          status: 502,
          body: '<html>Bad Gateway</html>',
          headers: { 'content-type': 'text/html' },
        },
        expect: 'server_error',
      },
      { name: '503 overloaded', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
    ],
    capabilityChecks: llvmCapabilityChecks(MODEL),
    live: { env: ['LLVM_BASE_URL', 'LLVM_API_URL'], createClient: () => createLlvm() },
  };
}
