/**
 * The OVMS backend as a conformance subject, on the OVMS emulator. The request/response call is KServe v2
 * `infer` (the tag travels in the request `id`, which OVMS echoes); the stream is `/v3` chat.
 */
import type { Tensor } from '@ipfs-accelerate/core';
import { createOvms, type OvmsClient } from '@ipfs-accelerate/ovms';
import type { EmulatorRequest } from '../emulator/types.js';
import { OVMS_EMULATOR_LLM_MODELS, startOvmsEmulator } from '../emulators/ovms.js';
import { DOUBLE_MODEL } from '../emulators/ovms-models.js';
import { expectEqual, expectRejects, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, lastUserMessage, summariseChatStream, taggedChat } from './chat-subject.js';

/** The tag of a logged request: the KServe `id` of an infer call, else the last user message of a chat. */
function ovmsTagOf(request: EmulatorRequest): string | undefined {
  const body = request.json as { id?: unknown } | undefined;
  return typeof body?.id === 'string' ? body.id : lastUserMessage(request);
}

/** One input per metadata tensor: dynamic dimensions as 2, values 1, 2, 3, … of the datatype. */
function inputsFor(metadata: Awaited<ReturnType<OvmsClient['modelMetadata']>>): Tensor[] {
  return metadata.inputs.map((input) => {
    const shape = input.shape.map((d) => (d < 0 ? 2 : d));
    const count = shape.reduce((a, b) => a * b, 1);
    const value = (i: number): Tensor['data'][number] =>
      input.datatype === 'BOOL' ? i % 2 === 0 : input.datatype === 'BYTES' ? `item ${i}` : (i % 100) + 1;
    return {
      name: input.name,
      datatype: input.datatype as Tensor['datatype'],
      shape,
      data: Array.from({ length: count }, (_, i) => value(i)),
    };
  });
}

function tensorChecks(model: string): CapabilityCheck<OvmsClient>[] {
  return [
    {
      name: 'infers with inputs built from the model metadata',
      capability: 'tensor-inference',
      async run(client) {
        const metadata = await client.modelMetadata({ model });
        expectTrue(metadata.inputs.length > 0, 'the model metadata lists inputs');
        const result = await client.infer({ model, inputs: inputsFor(metadata), id: 'conformance' });
        expectEqual(result.model, model, 'model_name of the response');
        expectTrue(result.outputs.length > 0, 'output tensors');
        for (const output of result.outputs) {
          const count = output.shape.reduce((a, b) => a * b, 1);
          expectEqual(output.data.length, count, `values of ${output.name} for its shape`);
        }
        expectTrue(result.requestId.startsWith('req_'), 'our request id on the result');
      },
    },
    {
      name: 'refuses a tensor whose data does not fill its shape, before sending',
      capability: 'tensor-inference',
      async run(client) {
        const before = client.stats().requests;
        const bad: Tensor = { name: 'x', datatype: 'INT8', shape: [2, 2], data: [1, 2, 300] };
        await expectRejects(client.infer({ model, inputs: [bad] }), 'invalid_request', 'a short tensor');
        expectEqual(client.stats().requests, before, 'requests queued for the bad tensor');
      },
    },
  ];
}

/**
 * Builds the OVMS subject. Live mode runs when `OVMS_API_URL` names a server; `OVMS_MODEL` is the KServe
 * model, `OVMS_CHAT_MODEL` and `OVMS_EMBEDDING_MODEL` the `/v3` ones.
 */
export function ovmsSubject(): ConformanceSubject<OvmsClient> {
  const MODEL = process.env.OVMS_MODEL ?? 'double';
  const CHAT_MODEL = process.env.OVMS_CHAT_MODEL ?? OVMS_EMULATOR_LLM_MODELS[0]!;
  const EMBED_MODEL = process.env.OVMS_EMBEDDING_MODEL ?? OVMS_EMULATOR_LLM_MODELS[1]!;
  const checks = chatCapabilityChecks({ chat: CHAT_MODEL, embed: EMBED_MODEL });
  const input = (): Tensor => ({ name: 'input', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] });
  return {
    name: 'ovms',
    title: 'OVMS',
    capabilities: ['tensor-inference', 'chat', 'embed'],
    // The key (--api_key_file) is checked on /v3 only; the call route, KServe infer, is open.
    usesApiKey: false,
    startEmulator: ({ apiKeys }) =>
      startOvmsEmulator({
        apiKeys,
        models: [{ ...DOUBLE_MODEL, name: MODEL }],
        llmModels: [CHAT_MODEL, EMBED_MODEL],
      }),
    createClient: (options) => createOvms({ model: MODEL, ...options }),
    call: (client, tag, options) => client.infer({ model: MODEL, id: tag, inputs: [input()] }, options),
    callRoute: `POST /v2/models/${encodeURIComponent(MODEL)}/infer`,
    stream: (client, tag, options) => client.streamChat(taggedChat(CHAT_MODEL, tag), options),
    streamRoute: 'POST /v3/chat/completions',
    streamSummary: summariseChatStream,
    tagOf: ovmsTagOf,
    providerRequestIds: false,
    errorCases: [
      { name: '400 invalid input', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      {
        name: '401 unauthorized (api key)',
        fault: { kind: 'error', status: 401 },
        expect: 'authentication_failed',
      },
      { name: '404 model not found', fault: { kind: 'error', status: 404 }, expect: 'not_found' },
      { name: '429 from a proxy in front', fault: { kind: 'error', status: 429 }, expect: 'rate_limited' },
      { name: '500 internal error', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      { name: '503 not ready', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
    ],
    capabilityChecks: [
      ...tensorChecks(MODEL),
      ...checks.chat,
      ...checks.embed,
    ] as ConformanceSubject<OvmsClient>['capabilityChecks'],
    live: { env: ['OVMS_API_URL'], createClient: () => createOvms() },
  };
}
