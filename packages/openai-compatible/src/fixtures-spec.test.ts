/**
 * Optional stage: the recorded-shape fixtures checked against OpenAI's own OpenAPI document, read from
 * `../shared/specs` (never copied into the repository). Skips, saying so, when that folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jsonFixture, textFixture } from './__fixtures__/fixtures.js';
import { isJsonObject, type JsonObject } from './openai-compatible-api.js';

const specPath = fileURLToPath(new URL('../../../../shared/specs/openai/openapi.json', import.meta.url));
const present = existsSync(specPath);
if (!present) console.warn(`fixtures-spec: skipped, ${specPath} is absent`);

let cached: JsonObject | undefined;
function schemas(): JsonObject {
  cached ??= (JSON.parse(readFileSync(specPath, 'utf8')) as { components: { schemas: JsonObject } })
    .components.schemas;
  return cached;
}

/** A small structural check: $ref, anyOf/oneOf/allOf, nullability, types, required keys, properties, items. */
function violations(all: JsonObject, schema: unknown, value: unknown, path: string): string[] {
  if (!isJsonObject(schema)) return [];
  if (value === null && schema.nullable === true) return [];
  if (typeof schema.$ref === 'string') {
    return violations(all, all[schema.$ref.replace('#/components/schemas/', '')], value, path);
  }
  const branches = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    const results = branches.map((b) => violations(all, b, value, path));
    return results.some((r) => r.length === 0) ? [] : [`${path}: matches no branch (${results.flat()[0]})`];
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.flatMap((b) => violations(all, b, value, path));
  const type = schema.type;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  if (types.length > 0) {
    const actual =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : Number.isInteger(value)
            ? 'integer'
            : typeof value;
    const fits = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!fits) return [`${path}: ${actual} is not ${types.join('|')}`];
  }
  const out: string[] = [];
  if (isJsonObject(value)) {
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in value)) out.push(`${path}.${key}: required`);
    }
    const properties = isJsonObject(schema.properties) ? schema.properties : {};
    for (const [key, sub] of Object.entries(properties)) {
      if (key in value) out.push(...violations(all, sub, value[key], `${path}.${key}`));
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => {
      out.push(...violations(all, schema.items, item, `${path}[${i}]`));
    });
  }
  return out;
}

function chunks(fixture: string): unknown[] {
  return textFixture(fixture)
    .split('\n\n')
    .map((f) => f.replace(/^data: /, ''))
    .filter((d) => d !== '' && d !== '[DONE]' && d !== '\n')
    .map((d) => JSON.parse(d));
}

describe.skipIf(!present)('fixtures match the OpenAI OpenAPI document', () => {
  const check = (schema: string, value: unknown) => {
    const all = schemas();
    expect(violations(all, all[schema], value, schema)).toEqual([]);
  };

  it('chat completions', () => {
    check('CreateChatCompletionResponse', jsonFixture('chat-completion.json'));
    check('CreateChatCompletionResponse', jsonFixture('chat-completion-tool-calls.json'));
  });

  it('stream chunks', () => {
    for (const chunk of [...chunks('chat-stream-text.sse'), ...chunks('chat-stream-tool-calls.sse')]) {
      check('CreateChatCompletionStreamResponse', chunk);
    }
  });

  it('embeddings, models and errors', () => {
    check('CreateEmbeddingResponse', jsonFixture('embeddings-float.json'));
    check('ListModelsResponse', jsonFixture('models.json'));
    for (const body of Object.values(jsonFixture('errors.json'))) check('ErrorResponse', body);
  });

  it('the checker catches a wrong shape', () => {
    const all = schemas();
    const broken = { ...jsonFixture('chat-completion.json'), created: 'yesterday', choices: [{ index: 0 }] };
    expect(violations(all, all.CreateChatCompletionResponse, broken, 'r').length).toBeGreaterThan(0);
  });
});
