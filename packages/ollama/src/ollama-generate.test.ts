import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOllama, type OllamaClient } from './ollama-client.js';
import type { OllamaGenerateStreamEvent } from './ollama-generate.js';

// The final object of `/api/generate` from docs/api.md.
const FINAL = {
  model: 'llama3.2',
  created_at: '2023-08-04T19:22:45.499127Z',
  response: '',
  done: true,
  done_reason: 'stop',
  context: [1, 2, 3],
  total_duration: 10_706_818_083,
  load_duration: 6_338_219_291,
  prompt_eval_count: 26,
  prompt_eval_duration: 130_079_000,
  eval_count: 259,
  eval_duration: 4_232_710_000,
};

let server: ScriptedServer;
let client: OllamaClient;

beforeEach(async () => {
  vi.stubEnv('OLLAMA_API_KEY', '');
  server = await startScriptedServer();
  client = createOllama({ baseURL: server.origin, retry: { initialDelayMs: 0 } });
});

afterEach(async () => {
  await client.close();
  await server.close();
  vi.unstubAllEnvs();
});

describe('generate', () => {
  it('maps every field to the wire body (keepAlive -> keep_alive, image bytes -> base64)', async () => {
    server.reply({
      status: 200,
      json: { ...FINAL, response: 'The sky is blue because of Rayleigh scattering.' },
    });
    await client.generate({
      model: 'llava',
      prompt: 'Describe the image',
      system: 'You are terse.',
      suffix: '    return result',
      template: '{{ .Prompt }}',
      images: ['aGVsbG8=', new Uint8Array([104, 105])],
      format: { type: 'object', properties: { colour: { type: 'string' } } },
      options: { temperature: 0, num_ctx: 4096, seed: 7 },
      raw: false,
      keepAlive: '5m',
      think: 'low',
      context: [1, 2, 3],
      providerOptions: { logprobs: true, stream: true },
    });
    const [request] = server.requests;
    expect(request?.url).toBe('/api/generate');
    expect(request?.json).toEqual({
      model: 'llava',
      prompt: 'Describe the image',
      stream: false,
      system: 'You are terse.',
      suffix: '    return result',
      template: '{{ .Prompt }}',
      images: ['aGVsbG8=', 'aGk='],
      format: { type: 'object', properties: { colour: { type: 'string' } } },
      options: { temperature: 0, num_ctx: 4096, seed: 7 },
      raw: false,
      keep_alive: '5m',
      think: 'low',
      context: [1, 2, 3],
      logprobs: true,
    });
  });

  it('returns text, done, doneReason, context, usage and durations in milliseconds', async () => {
    server.reply({ status: 200, json: { ...FINAL, response: 'The sky is blue.', thinking: 'Physics.' } });
    const result = await client.generate({ model: 'llama3.2', prompt: 'Why is the sky blue?' });
    expect(result).toMatchObject({
      text: 'The sky is blue.',
      thinking: 'Physics.',
      done: true,
      doneReason: 'stop',
      finishReason: 'stop',
      context: [1, 2, 3],
      model: 'llama3.2',
      usage: { inputTokens: 26, outputTokens: 259, totalTokens: 285 },
    });
    expect(result.durations).toEqual({
      totalMs: 10_706.818083,
      loadMs: 6_338.219291,
      promptEvalMs: 130.079,
      evalMs: 4_232.71,
    });
    expect(result.requestId).toMatch(/^req_/);
    expect(client.findRequest(result.requestId)?.operation).toBe('generate');
  });

  it('reports a model load (empty prompt) as doneReason load and finishReason other', async () => {
    server.reply({
      status: 200,
      json: {
        model: 'llama3.2',
        created_at: FINAL.created_at,
        response: '',
        done: true,
        done_reason: 'load',
      },
    });
    const result = await client.generate({ model: 'llama3.2', prompt: '' });
    expect(result).toMatchObject({ text: '', done: true, doneReason: 'load', finishReason: 'other' });
    expect(result.durations).toEqual({
      totalMs: undefined,
      loadMs: undefined,
      promptEvalMs: undefined,
      evalMs: undefined,
    });
    expect(server.requests[0]?.json).toEqual({ model: 'llama3.2', prompt: '', stream: false });
  });
});

describe('streamGenerate', () => {
  it('yields text deltas and one finish with usage, durations and context', async () => {
    server.reply({
      ndjson: [
        { model: 'llama3.2', created_at: FINAL.created_at, response: 'The', done: false },
        { model: 'llama3.2', created_at: FINAL.created_at, response: ' sky', done: false },
        FINAL,
      ],
    });
    const stream = client.streamGenerate({ model: 'llama3.2', prompt: 'Why is the sky blue?' });
    const events: OllamaGenerateStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(server.requests[0]?.json).toMatchObject({ stream: true });
    expect(events).toEqual<OllamaGenerateStreamEvent[]>([
      { type: 'text-delta', text: 'The' },
      { type: 'text-delta', text: ' sky' },
      {
        type: 'finish',
        finishReason: 'stop',
        doneReason: 'stop',
        context: [1, 2, 3],
        usage: { inputTokens: 26, outputTokens: 259, totalTokens: 285 },
        durations: { totalMs: 10_706.818083, loadMs: 6_338.219291, promptEvalMs: 130.079, evalMs: 4_232.71 },
      },
    ]);
    const record = client.findRequest(stream.requestId);
    expect(record?.operation).toBe('stream-generate');
    expect(record?.usage).toEqual({ inputTokens: 26, outputTokens: 259, totalTokens: 285 });
  });

  it('fails a stream cut after content with a StreamError', async () => {
    server.reply({
      ndjson: [
        { model: 'llama3.2', response: 'The', done: false },
        { error: 'an error was encountered while running the model' },
      ],
    });
    const seen: string[] = [];
    await expect(async () => {
      for await (const event of client.streamGenerate({ model: 'llama3.2', prompt: 'x' }))
        seen.push(event.type);
    }).rejects.toMatchObject({ name: 'StreamError' });
    expect(seen).toEqual(['text-delta']);
  });
});
