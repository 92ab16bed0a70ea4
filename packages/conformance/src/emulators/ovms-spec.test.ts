import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOvms, type OvmsClient } from '@ipfs-accelerate/ovms';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type OvmsEmulator, startOvmsEmulator } from './ovms.js';

// Optional stage: the Open Inference Protocol (KServe v2) REST spec lives outside the repository
// (../shared/specs beside the repo root) and is never copied in; without it the stage is skipped and says so.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const specPath = join(repoRoot, '..', 'shared', 'specs', 'kserve-v2', 'open_inference_rest.yaml');
const specPresent = existsSync(specPath);
if (!specPresent) console.log(`kserve-v2 spec stage skipped: ${specPath} not found`);

const SPEC_ID = 'https://spec.local/kserve-v2/open_inference_rest.yaml';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type Spec = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

function loadSpec(): { spec: Spec; validator: (ref: string) => ValidateFunction } {
  const spec = parseYaml(readFileSync(specPath, 'utf8')) as Spec;
  // OpenAPI 3.0 schemas are JSON Schema draft-04/07 plus vendor keywords (x-examples): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addSchema({ ...spec, $id: SPEC_ID });
  const cache = new Map<string, ValidateFunction>();
  return {
    spec,
    validator: (ref) => {
      let validate = cache.get(ref);
      if (!validate) {
        validate = ajv.compile({ $ref: `${SPEC_ID}${ref}` });
        cache.set(ref, validate);
      }
      return validate;
    },
  };
}

(specPresent ? describe : describe.skip)('OVMS emulator and client against the KServe v2 spec', () => {
  let spec: Spec;
  let validator: (ref: string) => ValidateFunction;
  let emulator: OvmsEmulator;
  let client: OvmsClient;
  const expectValid = (ref: string, value: unknown) => {
    const validate = validator(ref);
    expect(validate(value) ? [] : validate.errors, `${ref}: ${JSON.stringify(value).slice(0, 300)}`).toEqual(
      [],
    );
  };
  const schemaOf = (path: string, method: string, status: string) =>
    spec.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema?.$ref;
  const concrete = (path: string) =>
    // The spec writes path parameters as `${MODEL_NAME}` (literally, not a template).
    path
      .replace(/\$\{MODEL_NAME\}/, 'double')
      .replace(/\$\{MODEL_VERSION\}/, '2')
      .replace(/\/$/, '');
  const inferBody = {
    id: 'spec-1',
    parameters: { note: 'x' },
    inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }],
    outputs: [{ name: 'output' }],
  };

  beforeAll(async () => {
    ({ spec, validator } = loadSpec());
    emulator = await startOvmsEmulator();
    client = createOvms({ baseURL: emulator.origin, retry: { maxRetries: 0 } });
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  it('the validators reject what the spec forbids (this stage can fail)', () => {
    const reject = (ref: string, value: unknown) => expect(validator(ref)(value), ref).toBe(false);
    reject('#/components/schemas/inference_response', { model_name: 'm' });
    reject('#/components/schemas/inference_request', { inputs: [{ name: 'x', shape: [1], data: [1] }] });
    reject('#/components/schemas/metadata_server_response', { name: 'OpenVINO Model Server', version: '1' });
    reject('#/components/schemas/metadata_model_response', { name: 'm', inputs: [] });
  });

  it('every GET path of the spec answers 200 with its schema', async () => {
    const gets = Object.entries(spec.paths).filter(([, methods]) => methods.get !== undefined);
    expect(gets.length).toBeGreaterThanOrEqual(5);
    for (const [path] of gets) {
      const response = await fetch(`${emulator.origin}${concrete(path)}`);
      expect(response.status, path).toBe(200);
      const ref = schemaOf(path, 'get', '200');
      if (ref) expectValid(ref, await response.json());
      else await response.arrayBuffer();
    }
  });

  it('inference: a 200 and a 400 answer with the spec schemas', async () => {
    const path = Object.keys(spec.paths).find((p) => p.endsWith('/infer'))!;
    const post = (body: unknown) =>
      fetch(`${emulator.origin}${concrete(path)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post(inferBody);
    expect(ok.status).toBe(200);
    expectValid(schemaOf(path, 'post', '200')!, await ok.json());
    const bad = await post({ inputs: [{ ...inferBody.inputs[0], datatype: 'INT8' }] });
    expect(bad.status).toBe(400);
    expectValid(schemaOf(path, 'post', '400')!, await bad.json());
  });

  it('the requests our client sends are inference_request, and it reads the responses', async () => {
    const result = await client.infer({
      model: 'double',
      version: '2',
      id: 'spec-2',
      parameters: { note: 'x' },
      inputs: [
        {
          name: 'input',
          datatype: 'FP32',
          shape: [2, 2],
          data: [1, 2, 3, 4],
          parameters: { content_type: 'np' },
        },
      ],
      outputs: [{ name: 'output', parameters: { classification: 0 } }],
    });
    expect(result.outputs[0]?.data).toEqual([2, 4, 6, 8]);
    const sent = emulator.requests.at(-1);
    expect(sent?.path).toBe('/v2/models/double/versions/2/infer');
    expectValid('#/components/schemas/inference_request', sent?.json);
    expectValid('#/components/schemas/metadata_server_response', await client.serverMetadata());
    const metadata = await client.modelMetadata({ model: 'double' });
    expectValid('#/components/schemas/metadata_model_response', metadata);
  });
});
