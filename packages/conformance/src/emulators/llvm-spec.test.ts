import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLlvm } from '@ipfs-accelerate/llvm';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { EmulatorRequest } from '../emulator/types.js';
import { type LlvmEmulator, startLlvmEmulator } from './llvm.js';

// The LLVM contract is owned by the llvm package (packages/llvm/openapi.yaml), so this stage always runs in the
// repository; the guard only covers a checkout without that package.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const specPath = join(repoRoot, 'packages', 'llvm', 'openapi.yaml');
const specPresent = existsSync(specPath);
if (!specPresent) console.log(`llvm spec stage skipped: ${specPath} not found`);

const SPEC_ID = 'https://spec.local/llvm/openapi.yaml';
const KEY = 'llvm-spec-key';
// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Json = Record<string, unknown>;
interface Operation {
  template: string;
  node: Json;
}

/** A JSON pointer into the spec, as a URI fragment (`~`/`/` escaped, then percent-encoded). */
const pointer = (...segments: string[]) =>
  segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

function loadContract() {
  const spec = parseYaml(readFileSync(specPath, 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...spec, $id: SPEC_ID });
  const cache = new Map<string, ValidateFunction>();
  const compile = (fragment: string): ValidateFunction => {
    let validate = cache.get(fragment);
    if (!validate) {
      validate = ajv.compile({ $ref: `${SPEC_ID}#/${fragment}` });
      cache.set(fragment, validate);
    }
    return validate;
  };
  const paths = spec.paths as Record<string, Json>;
  const operation = (method: string, path: string): Operation => {
    for (const [template, item] of Object.entries(paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const node = item[method.toLowerCase()] as Json | undefined;
      if (pattern.test(path) && node) return { template, node };
    }
    throw new Error(`no operation for ${method} ${path} in the contract`);
  };
  const components = spec.components as { responses: Record<string, Json> };
  /** The validator of the response body for a status (its own entry, else `default`). */
  const responseSchema = (method: string, path: string, status: number): ValidateFunction => {
    const op = operation(method, path);
    const responses = op.node.responses as Record<string, Json>;
    const key = String(status) in responses ? String(status) : 'default';
    const entry = responses[key];
    if (!entry) throw new Error(`${method} ${path}: status ${status} not in the contract`);
    const ref = entry.$ref as string | undefined;
    if (ref) {
      const name = ref.split('/').at(-1) as string;
      expect(components.responses[name]).toBeDefined();
      return compile(pointer('components', 'responses', name, 'content', 'application/json', 'schema'));
    }
    return compile(
      pointer(
        'paths',
        op.template,
        method.toLowerCase(),
        'responses',
        key,
        'content',
        'application/json',
        'schema',
      ),
    );
  };
  const requestSchema = (
    method: string,
    path: string,
  ): { validate: ValidateFunction; required: boolean } | undefined => {
    const op = operation(method, path);
    const body = op.node.requestBody as Json | undefined;
    if (!body) return undefined;
    return {
      required: body.required === true,
      validate: compile(
        pointer(
          'paths',
          op.template,
          method.toLowerCase(),
          'requestBody',
          'content',
          'application/json',
          'schema',
        ),
      ),
    };
  };
  return {
    schema: (name: string) => compile(pointer('components', 'schemas', name)),
    operation,
    responseSchema,
    requestSchema,
  };
}

type Contract = ReturnType<typeof loadContract>;

function expectValid(validate: ValidateFunction, value: unknown, what: string): void {
  const ok = validate(value);
  expect(ok ? [] : validate.errors, `${what}: ${JSON.stringify(value)?.slice(0, 300)}`).toEqual([]);
}

/** Checks one request the client sent: a known operation, its body, and its X-Request-ID header. */
function checkRequest(contract: Contract, request: EmulatorRequest): void {
  const what = `${request.method} ${request.path}`;
  contract.operation(request.method, request.path);
  expect(request.headers['content-type'] ?? 'application/json', what).toMatch(/^application\/json/);
  expectValid(contract.schema('RequestId'), request.headers['x-request-id'], `${what} X-Request-ID`);
  expect(request.headers.authorization, what).toBe(`Bearer ${KEY}`);
  const body = contract.requestSchema(request.method, request.path);
  if (!body) {
    expect(request.body.length, `${what} sends no body`).toBe(0);
    return;
  }
  if (request.body.length === 0) {
    expect(body.required, `${what} may omit its body`).toBe(false);
    return;
  }
  expectValid(body.validate, request.json, `${what} request body`);
}

(specPresent ? describe : describe.skip)('the LLVM contract (packages/llvm/openapi.yaml)', () => {
  let contract: Contract;
  let emulator: LlvmEmulator;
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${emulator.baseURL}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** Sends a request to the emulator and validates the answer's status, body and X-Request-ID. */
  async function checkResponse(method: string, path: string, body?: unknown, expected?: number) {
    const response = await call(method, path, body);
    if (expected !== undefined) expect(response.status, `${method} ${path}`).toBe(expected);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectValid(contract.schema('RequestId'), response.headers.get('x-request-id'), 'response X-Request-ID');
    const json = (await response.json()) as unknown;
    expectValid(
      contract.responseSchema(method, path, response.status),
      json,
      `${method} ${path} ${response.status}`,
    );
    return json;
  }

  beforeAll(async () => {
    contract = loadContract();
    emulator = await startLlvmEmulator({ apiKeys: [KEY], unloaded: ['yolov5'] });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('the document is OpenAPI 3.1 with the nine operations, X-Request-ID everywhere and no dangling $ref', () => {
    const spec = parseYaml(readFileSync(specPath, 'utf8')) as Json;
    expect(spec.openapi).toBe('3.1.0');
    const operations: string[] = [];
    for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        operations.push(`${method.toUpperCase()} ${path} ${String(op.operationId)}`);
        expect(op.parameters, `${method} ${path}`).toContainEqual({
          $ref: '#/components/parameters/XRequestId',
        });
        expect(Object.keys(op.responses as Json), `${method} ${path}`).toEqual(
          expect.arrayContaining(['200', 'default']),
        );
      }
    }
    expect(operations.sort()).toEqual([
      'GET /models listModels',
      'GET /models/{model_id} getModel',
      'GET /models/{model_id}/statistics modelStatistics',
      'GET /status serverStatus',
      'POST /execute execute',
      'POST /models/{model_id}/batch_infer batchInfer',
      'POST /models/{model_id}/infer infer',
      'POST /models/{model_id}/reload reloadModel',
      'POST /optimize optimize',
    ]);
    const refs = [...JSON.stringify(spec).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(30);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], spec);
      expect(target, ref).toBeDefined();
    }
  });

  it('the validators reject what the contract forbids (this stage can fail)', () => {
    const reject = (name: string, value: unknown) => expect(contract.schema(name)(value), name).toBe(false);
    reject('InferRequest', { parameters: {} });
    reject('InferRequest', { input: null });
    reject('InferRequest', { input: 'x', parameters: { top_p: 2 } });
    reject('InferRequest', { input: 'x', parameters: { precision: 'fp64' } });
    reject('BatchInferRequest', { inputs: [] });
    reject('BatchInferResponse', { results: {} });
    reject('InferResponse', { model_id: 'm' });
    reject('Model', { model_id: 'm', status: 'sleeping' });
    reject('ModelList', { models: [1] });
    reject('ExecuteRequest', { input: '' });
    reject('ExecuteRequest', { input: 'x', parameters: { timeout: 0 } });
    reject('ExecuteResponse', { output: '', execution_time: 0 });
    reject('OptimizeRequest', { input: 'x', parameters: { optimization_level: 'O9' } });
    reject('ModelStatistics', { model_id: 'm', requests: -1, inferences: 0, batches: 0, errors: 0 });
    reject('ServerStatus', { status: 'fine' });
    reject('Error', { message: 'x' });
    reject('RequestId', 'has space');
    // The same validators reached through the operations, as the request and response checks use them.
    expect(contract.requestSchema('POST', '/models/m/infer')?.validate({ inputs: ['x'] })).toBe(false);
    expect(contract.requestSchema('POST', '/models/m/reload')?.required).toBe(false);
    expect(contract.responseSchema('POST', '/models/m/batch_infer', 200)({ model_id: 'm' })).toBe(false);
    expect(contract.responseSchema('GET', '/models/m', 404)({ error: 3 })).toBe(false);
    expect(() => contract.operation('DELETE', '/models/m')).toThrow(/no operation/);
  });

  it('every request the client sends matches the contract', async () => {
    const client = createLlvm({ baseURL: emulator.baseURL, apiKey: KEY, retry: { maxRetries: 0 } });
    const batching = createLlvm({
      baseURL: emulator.baseURL,
      apiKey: KEY,
      batching: { maxSize: 2, maxWaitMs: 1 },
    });
    emulator.clearScripts();
    const before = emulator.requests.length;
    await client.listModels();
    await client.getModel('bert-base');
    await client.infer({ model: 'bert-base', input: 'plain' });
    await client.infer({
      model: 'bert-base',
      input: { tokens: [1, 2], mask: [true, false] },
      parameters: {
        maxTokens: 4,
        temperature: 0.2,
        topP: 0.9,
        topK: 5,
        repetitionPenalty: 1.1,
        stop: ['\n'],
        batchSize: 2,
        precision: 'int8',
        seed: 3,
      },
    });
    await client.batchInfer({ model: 't5-small', inputs: ['a', 2, [3]], parameters: { stop: 'x' } });
    await Promise.all([
      batching.infer({ model: 'resnet50', input: [0.5] }),
      batching.infer({ model: 'resnet50', input: [1] }),
    ]);
    await client.execute({ code: 'int main() { return 0; }' });
    await client.execute({
      code: 'int main() { return 0; }',
      language: 'c',
      optimizationLevel: 'O1',
      args: ['a'],
      stdin: 'in',
      timeoutMs: 2500,
    });
    await client.optimize({ code: 'define i32 @f() { ret i32 0 }' });
    await client.optimize({ code: 'x()', level: 'Oz', target: 'x86_64-unknown-linux-gnu' });
    await client.status();
    await client.reload('yolov5');
    await client.reload({ model: 'yolov5', force: true });
    await client.statistics('bert-base');
    const sent = emulator.requests.slice(before);
    expect(sent).toHaveLength(14);
    for (const request of sent) checkRequest(contract, request);
    await Promise.all([client.close(), batching.close()]);
  });

  it('every success the emulator answers matches the contract', async () => {
    await checkResponse('GET', '/models', undefined, 200);
    await checkResponse('GET', '/models/bert-base', undefined, 200);
    for (const input of ['text', 42, true, [1, [2, 'x']], { a: 'b', c: null }]) {
      await checkResponse(
        'POST',
        '/models/bert-base/infer',
        { input, parameters: { precision: 'fp16' } },
        200,
      );
    }
    await checkResponse('POST', '/models/resnet50/batch_infer', { inputs: [[0.1, 0.2], [0.3]] }, 200);
    await checkResponse('POST', '/execute', { input: 'int main() { printf("hi\\n"); return 3; }' }, 200);
    await checkResponse('POST', '/execute', { input: 'int main() { ' }, 200);
    await checkResponse(
      'POST',
      '/optimize',
      { input: 'f(); // note\n\n g();', parameters: { optimization_level: 'O3' } },
      200,
    );
    await checkResponse('POST', '/optimize', { input: '{' }, 200);
    await checkResponse('GET', '/status', undefined, 200);
    await checkResponse('POST', '/models/t5-small/reload', undefined, 200);
    await checkResponse('POST', '/models/t5-small/reload', { force: false }, 200);
    await checkResponse('GET', '/models/t5-small/statistics', undefined, 200);
    await checkResponse('GET', '/models/bert-base/statistics', undefined, 200);
  });

  it('every error the emulator answers matches the contract', async () => {
    await checkResponse('GET', '/models/nope', undefined, 404);
    await checkResponse('POST', '/models/nope/infer', { input: 'x' }, 404);
    await checkResponse('POST', '/models/bert-base/infer', { parameters: {} }, 400);
    await checkResponse('POST', '/models/bert-base/infer', '{"input":', 400);
    await checkResponse('POST', '/models/bert-base/batch_infer', { inputs: [] }, 400);
    await checkResponse('POST', '/execute', { input: 7 }, 400);
    await checkResponse('POST', '/optimize', { input: 'x', parameters: { optimization_level: 'O7' } }, 400);
    const unloaded = await startLlvmEmulator({ unloaded: ['bert-base'] });
    const response = await fetch(`${unloaded.baseURL}/models/bert-base/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"x"}',
    });
    expect(response.status).toBe(409);
    expectValid(
      contract.responseSchema('POST', '/models/bert-base/infer', 409),
      await response.json(),
      '409',
    );
    await unloaded.close();
    const noKey = await fetch(`${emulator.baseURL}/status`);
    expect(noKey.status).toBe(401);
    expectValid(contract.responseSchema('GET', '/status', 401), await noKey.json(), '401');
    for (const status of [429, 500, 503]) {
      emulator.script('GET /status', [{ kind: 'error', status }]);
      await checkResponse('GET', '/status', undefined, status);
    }
  });

  it('echoes the request X-Request-ID and makes one up otherwise', async () => {
    const echoed = await call('GET', '/status', undefined, { 'x-request-id': 'req_echo_1' });
    expect(echoed.headers.get('x-request-id')).toBe('req_echo_1');
    const made = await call('GET', '/status');
    expect(made.headers.get('x-request-id')).toMatch(/^llvm-\d+$/);
  });
});
