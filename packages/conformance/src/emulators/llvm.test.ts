import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LlvmEmulator, startLlvmEmulator } from './llvm.js';
import { bracketError, simulatedOutput } from './llvm-code.js';
import { transformInput } from './llvm-shapes.js';

let emulator: LlvmEmulator;

beforeEach(async () => {
  emulator = await startLlvmEmulator({ unloaded: ['yolov5'] });
});
afterEach(async () => {
  await emulator.close();
});

const post = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${emulator.baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};
const get = async (path: string) => {
  const response = await fetch(`${emulator.baseURL}${path}`);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

describe('the LLVM emulator', () => {
  it('lists the seed fixture models with their states', async () => {
    const { json } = await get('/models');
    const models = json.models as Array<Record<string, unknown>>;
    expect(models.map((m) => [m.model_id, m.status])).toEqual([
      ['resnet50', 'loaded'],
      ['bert-base', 'loaded'],
      ['mobilenet', 'loaded'],
      ['t5-small', 'loaded'],
      ['yolov5', 'unloaded'],
    ]);
    expect(models[1]).toMatchObject({
      type: 'nlp',
      batch_support: true,
      precision_modes: ['fp32', 'fp16', 'int8'],
    });
    expect(await get('/models/nope')).toEqual({
      status: 404,
      json: { error: "model 'nope' not found", code: 'model_not_found' },
    });
  });

  it('infers deterministically: a transform of the input, the same single or batched', async () => {
    const input = { text: 'abc', n: [1, 2.5], flag: true, none: null };
    expect(transformInput(input)).toEqual({ text: 'ABC', n: [2, 5], flag: false, none: null });
    const single = await post('/models/bert-base/infer', { input, parameters: { precision: 'int8' } });
    expect(single).toEqual({
      status: 200,
      json: {
        model_id: 'bert-base',
        outputs: transformInput(input),
        metadata: { precision: 'int8', batch_size: 1 },
      },
    });
    const batch = await post('/models/bert-base/batch_infer', { inputs: ['x', input] });
    expect(batch.json.results).toEqual(['X', transformInput(input)]);
  });

  it('refuses what the contract refuses with 400 invalid_request naming the field', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/models/bert-base/infer', {}, 'input is required'],
      ['/models/bert-base/infer', { input: 'x', parameters: { top_p: 3 } }, 'parameters.top_p'],
      ['/models/bert-base/infer', '[1]', 'JSON object'],
      ['/models/bert-base/infer', '{"input":', 'not valid JSON'],
      ['/models/bert-base/batch_infer', { inputs: [] }, 'non-empty array'],
      ['/models/bert-base/batch_infer', { inputs: Array.from({ length: 65 }, () => 1) }, 'at most 64'],
      ['/models/bert-base/batch_infer', { inputs: ['a', null] }, 'inputs[1]'],
      ['/execute', { input: '' }, 'non-empty string'],
      ['/execute', { input: 'x', parameters: { timeout: -1 } }, 'parameters.timeout'],
      ['/optimize', { input: 'x', parameters: { optimization_level: 'O4' } }, 'optimization_level'],
      ['/models/bert-base/reload', { force: 'yes' }, 'force'],
    ];
    for (const [path, body, message] of cases) {
      const reply = await post(path, body);
      expect(reply.status, path).toBe(400);
      expect(reply.json.code).toBe('invalid_request');
      expect(reply.json.error).toContain(message);
    }
  });

  it('counts inference per model; errors count too; reload loads and resets', async () => {
    await post('/models/t5-small/infer', { input: 'a' });
    await post('/models/t5-small/batch_infer', { inputs: ['a', 'b', 'c'] });
    await post('/models/t5-small/infer', {});
    const stats = await get('/models/t5-small/statistics');
    expect(stats.json).toMatchObject({
      model_id: 't5-small',
      requests: 2,
      inferences: 4,
      batches: 1,
      errors: 1,
    });
    expect(stats.json.last_used_at).toBe('2025-01-01T00:00:02.000Z');
    expect(await post('/models/yolov5/infer', { input: [1] })).toMatchObject({
      status: 409,
      json: { code: 'model_not_loaded' },
    });
    expect((await post('/models/yolov5/reload')).json).toMatchObject({
      model_id: 'yolov5',
      status: 'loaded',
    });
    expect((await post('/models/yolov5/infer', { input: [1] })).json.outputs).toEqual([2]);
    await post('/models/t5-small/reload', {});
    expect((await get('/models/t5-small/statistics')).json).toMatchObject({
      requests: 0,
      last_used_at: null,
    });
  });

  it('simulates execution and optimisation without running anything', async () => {
    const program = 'int main() {\n  printf("Hello, %s!\\n");\n  puts("bye");\n  return 3;\n}\n';
    expect(simulatedOutput(program)).toBe('Hello, %s!\nbye\n');
    expect((await post('/execute', { input: program })).json).toEqual({
      result: 3,
      output: 'Hello, %s!\nbye\n',
      errors: [],
      execution_time: 0.006,
      exit_code: 3,
    });
    expect(bracketError('int main() {\n  f(;\n')).toBe("input:2: error: expected matching bracket for '('");
    expect(bracketError('f("}") { }')).toBeUndefined();
    expect(bracketError('f() }')).toBe("input:1: error: unexpected '}'");
    expect(bracketError('{\n(')).toBe("input:2: error: expected matching bracket for '('");
    const broken = await post('/execute', { input: 'int main() {' });
    expect(broken).toEqual({
      status: 200,
      json: {
        result: null,
        output: '',
        errors: ["input:1: error: expected matching bracket for '{'"],
        execution_time: 0,
        exit_code: null,
      },
    });
    const optimized = await post('/optimize', {
      input: 'a(); // why\n\n; ir comment\nb();  ',
      parameters: { optimization_level: 'O1' },
    });
    expect(optimized.json).toEqual({
      optimized_code: 'a();\nb();',
      optimization_passes: ['mem2reg', 'instcombine', 'simplifycfg'],
      errors: [],
    });
    expect(
      (await post('/optimize', { input: 'a(); // kept', parameters: { optimization_level: 'O0' } })).json
        .optimized_code,
    ).toBe('a(); // kept');
    expect(((await post('/optimize', { input: 'x' })).json.optimization_passes as string[]).length).toBe(7);
  });

  it('reports status, unknown routes in the contract shape, and the request id', async () => {
    await get('/models');
    expect((await get('/status')).json).toEqual({
      status: 'ok',
      version: '1.0.0',
      models_loaded: 4,
      requests_served: 1,
    });
    expect(await get('/nowhere')).toEqual({
      status: 404,
      json: { error: 'no route for GET /nowhere', code: 'not_found' },
    });
    const response = await fetch(`${emulator.baseURL}/status`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(response.headers.get('x-request-id')).toMatch(/^llvm-\d+$/);
  });

  it('checks bearer keys only when it has some, never echoing one', async () => {
    const locked = await startLlvmEmulator({ apiKeys: ['k1'] });
    const denied = await fetch(`${locked.baseURL}/models`, {
      headers: { authorization: 'Bearer wrong-key' },
    });
    expect(denied.status).toBe(401);
    const body = await denied.text();
    expect(body).not.toContain('wrong-key');
    expect(JSON.parse(body)).toEqual({ error: 'invalid or missing API key', code: 'unauthorized' });
    expect(
      (await fetch(`${locked.baseURL}/models`, { headers: { authorization: 'Bearer k1' } })).status,
    ).toBe(200);
    await locked.close();
  });

  it('applies scripted faults in the contract shape', async () => {
    emulator.script('POST /models/bert-base/infer', [
      { kind: 'error', status: 503, headers: { 'retry-after': '1' } },
      { kind: 'malformed' },
    ]);
    const response = await fetch(`${emulator.baseURL}/models/bert-base/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"x"}',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ error: 'service unavailable', code: 'overloaded' });
    const malformed = await fetch(`${emulator.baseURL}/models/bert-base/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"x"}',
    });
    await expect(malformed.json()).rejects.toThrow();
  });
});
