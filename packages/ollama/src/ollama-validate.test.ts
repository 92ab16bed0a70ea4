import type { ChatRequest, EmbedRequest } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOllama, type OllamaClient } from './ollama-client.js';
import type { OllamaGenerateRequest } from './ollama-generate.js';

const user = [{ role: 'user' as const, content: 'hi' }];

/** Builds a request from a valid one with some fields changed; the casts are the point: callers get it wrong. */
function chat(patch: Record<string, unknown>): ChatRequest {
  return { model: 'm', messages: user, ...patch } as ChatRequest;
}

function generate(patch: Record<string, unknown>): OllamaGenerateRequest {
  return { model: 'm', prompt: 'p', ...patch } as OllamaGenerateRequest;
}

let server: ScriptedServer;
let client: OllamaClient;

beforeAll(async () => {
  vi.stubEnv('OLLAMA_API_KEY', '');
  server = await startScriptedServer();
  client = createOllama({ baseURL: server.origin });
});

afterAll(async () => {
  await client.close();
  await server.close();
  vi.unstubAllEnvs();
});

describe('invalid chat input is rejected before any request', () => {
  it.each<[string, ChatRequest, RegExp]>([
    ['no model', chat({ model: '' }), /model must be a non-empty string/],
    ['no messages', chat({ messages: [] }), /messages must be a non-empty array/],
    ['an unknown role', chat({ messages: [{ role: 'robot', content: 'x' }] }), /role must be one of/],
    ['content of the wrong type', chat({ messages: [{ role: 'user', content: 42 }] }), /content must be/],
    ['an unknown part', chat({ messages: [{ role: 'user', content: [{ type: 'audio' }] }] }), /content\[0\]/],
    [
      'an image URL Ollama cannot fetch',
      chat({ messages: [{ role: 'user', content: [{ type: 'image-url', url: 'https://x/cat.png' }] }] }),
      /base64 data, not URLs/,
    ],
    [
      'tool-call arguments that are not JSON',
      chat({
        messages: [
          { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{oops' }] },
        ],
      }),
      /arguments is not valid JSON/,
    ],
    ['a negative temperature', chat({ temperature: -0.1 }), /temperature must be a finite number >= 0/],
    ['topP above 1', chat({ topP: 1.5 }), /topP must be/],
    ['a fractional topK', chat({ topK: 2.5 }), /topK must be an integer/],
    ['maxTokens of 0', chat({ maxTokens: 0 }), /maxTokens must be an integer >= 1/],
    ['NaN seed', chat({ seed: Number.NaN }), /seed must be an integer/],
    ['stop as a string', chat({ stop: 'END' }), /stop must be an array of strings/],
    ['a nameless tool', chat({ tools: [{ name: '', parameters: {} }] }), /tools\[0\]\.name/],
    ['a tool without parameters', chat({ tools: [{ name: 't' }] }), /tools\[0\]\.parameters/],
    ["toolChoice 'required'", chat({ toolChoice: 'required' }), /cannot be enforced/],
    ['an unknown responseFormat', chat({ responseFormat: 'yaml' }), /responseFormat must be/],
    [
      'providerOptions that are not an object',
      chat({ providerOptions: 'x' }),
      /providerOptions must be an object/,
    ],
    [
      'num_ctx of 0',
      chat({ providerOptions: { options: { num_ctx: 0 } } }),
      /num_ctx must be an integer >= 1/,
    ],
  ])('%s', async (_name, request, message) => {
    await expect(client.chat(request)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringMatching(message),
    });
    expect(() => client.streamChat(request)).toThrow(message);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a request that is not an object', async () => {
    await expect(client.chat(null as unknown as ChatRequest)).rejects.toMatchObject({
      name: 'InvalidRequestError',
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('invalid input of the other operations is rejected before any request', () => {
  it.each<[string, OllamaGenerateRequest, RegExp]>([
    ['no model', generate({ model: ' ' }), /model must be a non-empty string/],
    ['a prompt that is not a string', generate({ prompt: 42 }), /prompt must be a string/],
    ['a missing prompt', generate({ prompt: undefined }), /prompt must be a string/],
    ['top_p above 1', generate({ options: { top_p: 2 } }), /options\.top_p/],
    ['num_predict below -2', generate({ options: { num_predict: -3 } }), /options\.num_predict/],
    ['an empty keepAlive', generate({ keepAlive: '' }), /keepAlive/],
    ['an unknown think level', generate({ think: 'extreme' }), /think must be/],
    ['a format that is neither json nor a schema', generate({ format: 'xml' }), /format/],
    ['an empty image', generate({ images: [''] }), /images\[0\]/],
    ['a context of non-integers', generate({ context: [1.5] }), /context must be an array of integers/],
  ])('generate: %s', async (_name, request, message) => {
    await expect(client.generate(request)).rejects.toThrow(message);
    expect(() => client.streamGenerate(request)).toThrow(message);
    expect(server.requests).toHaveLength(0);
  });

  it.each<[string, EmbedRequest, RegExp]>([
    ['an empty input list', { model: 'e', input: [] }, /input must be/],
    ['an empty input', { model: 'e', input: '' }, /input must be/],
    ['inputs that are not strings', { model: 'e', input: [1] as unknown as string[] }, /input must be/],
    ['dimensions of 0', { model: 'e', input: 'x', dimensions: 0 }, /dimensions must be an integer >= 1/],
    [
      'truncate that is not a boolean',
      { model: 'e', input: 'x', providerOptions: { truncate: 'no' } },
      /truncate/,
    ],
  ])('embed: %s', async (_name, request, message) => {
    await expect(client.embed(request)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      message: expect.stringMatching(message),
    });
    expect(server.requests).toHaveLength(0);
  });

  it('show and pull need a model; per-call options are checked too', async () => {
    await expect(client.show({ model: '' })).rejects.toMatchObject({ name: 'InvalidRequestError' });
    await expect(client.show({ model: 'm', verbose: 'yes' as unknown as boolean })).rejects.toThrow(
      /verbose/,
    );
    expect(() => client.pull({ model: '' })).toThrow(/model must be a non-empty string/);
    expect(() => client.pull({ model: 'm', insecure: 1 as unknown as boolean })).toThrow(/insecure/);
    await expect(client.version({ priority: 'urgent' as 'high' })).rejects.toMatchObject({
      name: 'InvalidRequestError',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects bad client options at construction', () => {
    expect(() => createOllama({ headers: { 'x-n': 1 as unknown as string } })).toThrow(/header x-n/);
    expect(() => createOllama({ baseURL: 'ftp://host' })).toThrow(/http or https/);
  });
});
