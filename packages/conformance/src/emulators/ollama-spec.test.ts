import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type OllamaEmulator, startOllamaEmulator } from './ollama.js';

// Optional stage: the official OpenAPI document lives outside the repository (../shared/specs beside the repo
// root) and is never copied in; without it the stage is skipped and says so.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const specPath = join(repoRoot, '..', 'shared', 'specs', 'ollama', 'openapi.yaml');
const specPresent = existsSync(specPath);
if (!specPresent) console.log(`ollama spec stage skipped: ${specPath} not found`);

const SPEC_ID = 'https://spec.local/ollama/openapi.yaml';
// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function loadValidators(): (schema: string) => ValidateFunction {
  const spec = parseYaml(readFileSync(specPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  for (const name of ['float', 'double', 'int64', 'binary']) {
    if (!ajv.formats[name]) ajv.addFormat(name, true);
  }
  ajv.addSchema({ ...spec, $id: SPEC_ID });
  const cache = new Map<string, ValidateFunction>();
  return (schema) => {
    let validate = cache.get(schema);
    if (!validate) {
      validate = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${schema}` });
      cache.set(schema, validate);
    }
    return validate;
  };
}

/** Asserts a value matches a spec schema, showing ajv's errors when it does not. */
function expectValid(validator: (schema: string) => ValidateFunction, schema: string, value: unknown): void {
  const validate = validator(schema);
  const valid = validate(value);
  expect(valid ? [] : validate.errors, `${schema}: ${JSON.stringify(value).slice(0, 300)}`).toEqual([]);
}

const ndjson = (text: string): unknown[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);

(specPresent ? describe : describe.skip)('Ollama emulator against the official OpenAPI spec', () => {
  let validator: (schema: string) => ValidateFunction;
  let emulator: OllamaEmulator;
  let client: Ollama;
  const model = 'llama3.2';
  const messages = [{ role: 'user', content: 'hello spec' }];
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
  const post = (path: string, body: unknown) =>
    fetch(`${emulator.baseURL}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    validator = loadValidators();
    emulator = await startOllamaEmulator();
    client = new Ollama({ host: emulator.baseURL });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('the validators reject what the spec forbids (this stage can fail)', () => {
    const reject = (schema: string, value: unknown) => expect(validator(schema)(value), schema).toBe(false);
    reject('ChatResponse', { model, message: { role: 'user', content: 'x' }, done: true });
    reject('ChatResponse', { model, created_at: 'yesterday', done: true });
    reject('ChatStreamEvent', { model, message: { content: 1 }, done: false });
    reject('GenerateResponse', { model, response: 'x', done: true, eval_count: 1.5 });
    reject('EmbedResponse', { model, embeddings: [['0.1']] });
    reject('ListResponse', { models: {} });
    reject('ChatRequest', { model });
    reject('ChatRequest', { model, messages: [{ role: 'wizard', content: 'x' }] });
    reject('ErrorResponse', { error: { message: 'x' } });
  });

  it('chat replies match ChatResponse (text, length, tool call, JSON format, load)', async () => {
    const bodies = [
      { model, messages, stream: false },
      { model, messages, stream: false, options: { num_predict: 1 } },
      { model, messages: [{ role: 'user', content: 'the tool' }], tools, stream: false },
      { model, messages, stream: false, format: 'json' },
      { model, messages: [] },
    ];
    for (const body of bodies) {
      const response = await post('/api/chat', body);
      expect(response.status).toBe(200);
      expectValid(validator, 'ChatResponse', await response.json());
    }
  });

  it('every chat stream line matches ChatStreamEvent; the last also ChatResponse', async () => {
    for (const body of [
      { model, messages },
      { model, messages: [{ role: 'user', content: 'a tool' }], tools },
    ]) {
      const lines = ndjson(await (await post('/api/chat', body)).text());
      for (const line of lines) expectValid(validator, 'ChatStreamEvent', line);
      expectValid(validator, 'ChatResponse', lines.at(-1));
    }
  });

  it('generate matches GenerateResponse and GenerateStreamEvent', async () => {
    expectValid(
      validator,
      'GenerateResponse',
      await (await post('/api/generate', { model, prompt: 'a b', stream: false })).json(),
    );
    expectValid(validator, 'GenerateResponse', await (await post('/api/generate', { model })).json());
    for (const line of ndjson(await (await post('/api/generate', { model, prompt: 'a b' })).text())) {
      expectValid(validator, 'GenerateStreamEvent', line);
    }
  });

  it('embed, tags, show, ps, version and pull match their schemas', async () => {
    expectValid(
      validator,
      'EmbedResponse',
      await (await post('/api/embed', { model: 'all-minilm', input: ['a', 'b'] })).json(),
    );
    expectValid(validator, 'ListResponse', await (await fetch(`${emulator.baseURL}/api/tags`)).json());
    expectValid(validator, 'ShowResponse', await (await post('/api/show', { model })).json());
    expectValid(validator, 'PsResponse', await (await fetch(`${emulator.baseURL}/api/ps`)).json());
    expectValid(validator, 'VersionResponse', await (await fetch(`${emulator.baseURL}/api/version`)).json());
    for (const line of ndjson(await (await post('/api/pull', { model: 'x:1b' })).text())) {
      expectValid(validator, 'StatusEvent', line);
    }
    expectValid(
      validator,
      'StatusResponse',
      await (await post('/api/pull', { model, stream: false })).json(),
    );
  });

  it('errors, faults and the in-band stream error match ErrorResponse', async () => {
    const errors: unknown[] = [];
    errors.push(await (await post('/api/chat', { model: 'nope', messages })).json());
    errors.push(await (await post('/api/chat', { model, messages: 'x' })).json());
    for (const status of [429, 500, 503]) {
      emulator.script('POST /api/embed', [{ kind: 'error', status }]);
      errors.push(await (await post('/api/embed', { model, input: 'x' })).json());
    }
    emulator.script('POST /api/chat', [{ kind: 'stream-error', afterEvents: 1 }]);
    errors.push(ndjson(await (await post('/api/chat', { model, messages })).text()).at(-1));
    for (const error of errors) expectValid(validator, 'ErrorResponse', error);
  });

  it('requests the official client sends match ChatRequest, GenerateRequest, EmbedRequest and ShowRequest', async () => {
    const from = emulator.requests.length;
    await client.chat({ model, messages, options: { temperature: 0.2, num_predict: 5 } });
    await client.chat({ model, messages: [{ role: 'user', content: 'the tool' }], tools });
    for await (const _part of await client.chat({ model, messages, stream: true, format: 'json' })) {
      // drain
    }
    await client.generate({ model, prompt: 'x', system: 's', options: { seed: 1 } });
    await client.embed({ model: 'all-minilm', input: ['a', 'b'], dimensions: 4 });
    await client.show({ model });
    const schemaOf: Record<string, string> = {
      '/api/chat': 'ChatRequest',
      '/api/generate': 'GenerateRequest',
      '/api/embed': 'EmbedRequest',
      '/api/show': 'ShowRequest',
    };
    const sent = emulator.requests.slice(from);
    expect(sent).toHaveLength(6);
    for (const request of sent) expectValid(validator, schemaOf[request.path] ?? 'missing', request.json);
  });
});
