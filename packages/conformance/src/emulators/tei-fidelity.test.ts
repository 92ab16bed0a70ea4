import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTeiEmulator, type TeiEmulator } from './tei.js';

// TEI has no official JavaScript client; its OpenAI-compatible route is what the official `openai` client
// speaks, so that client is the judge of `/v1/embeddings`.
let emulator: TeiEmulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startTeiEmulator({ apiKeys: ['tei-key'], maxClientBatchSize: 4 });
  client = new OpenAI({ apiKey: 'tei-key', baseURL: `${emulator.baseURL}/v1`, maxRetries: 0 });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

describe('official openai client against the TEI emulator', () => {
  it('embeddings in float and in the default base64, equal after decoding', async () => {
    const input = ['first text', 'second text'];
    const floats = await client.embeddings.create({ model: 'tei', input, encoding_format: 'float' });
    const decoded = await client.embeddings.create({ model: 'tei', input });
    expect(emulator.requests.at(-1)?.json).toMatchObject({ encoding_format: 'base64' });
    expect(floats.data.map((d) => d.index)).toEqual([0, 1]);
    expect(floats.data[0]?.embedding).toHaveLength(16);
    expect(decoded.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding));
    expect(floats.model).toBe('BAAI/bge-small-en-v1.5');
    expect(floats.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
  });

  it('dimensions cut the vectors', async () => {
    const sized = await client.embeddings.create({
      model: 'tei',
      input: 'x',
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(sized.data[0]?.embedding).toHaveLength(8);
  });

  it('errors reach the client with their status and class', async () => {
    // TEI's OpenAI-compatible errors are `{message, code, error_type}` with no `error` key, and the official
    // client only reads `error`: it reports the status with "(no body)" (a real difference, kept faithfully).
    const tooMany = await client.embeddings
      .create({ model: 'tei', input: ['a', 'b', 'c', 'd', 'e'] })
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(OpenAI.APIError);
    expect(tooMany).toMatchObject({ status: 413, message: '413 status code (no body)' });
    emulator.script('POST /v1/embeddings', [{ kind: 'error', status: 429 }]);
    const overloaded = await client.embeddings.create({ model: 'tei', input: 'x' }).catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OpenAI.RateLimitError);
    expect(overloaded).toMatchObject({ status: 429 });
    const wrong = new OpenAI({ apiKey: 'nope', baseURL: `${emulator.baseURL}/v1`, maxRetries: 0 });
    await expect(wrong.embeddings.create({ model: 'tei', input: 'x' })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });
});
