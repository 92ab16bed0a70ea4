import type { AttemptContext, HttpResponse } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import {
  buildHfTgiGenerateBody,
  type HfTgiGenerateRequest,
  parseHfTgiGenerateResponse,
} from './hf-tgi-generate.js';

const native = { stream: false, compat: false };
const context = { requestId: 'req_test', providerRequestId: undefined } as AttemptContext;
const response = (headers: Record<string, string> = {}) =>
  ({ status: 200, headers }) as unknown as HttpResponse;

describe('buildHfTgiGenerateBody', () => {
  it('maps every typed parameter to its TGI name and asks for details by default', () => {
    const body = buildHfTgiGenerateBody(
      {
        inputs: 'Hello',
        maxNewTokens: 20,
        temperature: 0.5,
        topP: 0.9,
        topK: 10,
        typicalP: 0.95,
        repetitionPenalty: 1.03,
        frequencyPenalty: 0.1,
        doSample: true,
        seed: 42,
        stop: ['\n'],
        returnFullText: false,
        truncate: 100,
        watermark: false,
        decoderInputDetails: true,
        topNTokens: 2,
        bestOf: 2,
        grammar: { type: 'regex', value: '[a-z]+' },
        adapterId: 'my-lora',
        providerOptions: { custom: 1, max_new_tokens: 999 },
      },
      native,
    );
    expect(body).toEqual({
      inputs: 'Hello',
      parameters: {
        custom: 1,
        max_new_tokens: 20,
        temperature: 0.5,
        top_p: 0.9,
        top_k: 10,
        typical_p: 0.95,
        repetition_penalty: 1.03,
        frequency_penalty: 0.1,
        do_sample: true,
        seed: 42,
        stop: ['\n'],
        return_full_text: false,
        truncate: 100,
        watermark: false,
        details: true,
        decoder_input_details: true,
        top_n_tokens: 2,
        best_of: 2,
        grammar: { type: 'regex', value: '[a-z]+' },
        adapter_id: 'my-lora',
      },
    });
  });

  it('adds the stream flag and hosted options only on the compat route', () => {
    expect(buildHfTgiGenerateBody({ inputs: 'x' }, { stream: true, compat: false })).not.toHaveProperty(
      'stream',
    );
    expect(
      buildHfTgiGenerateBody(
        { inputs: 'x', details: false },
        { stream: true, compat: true, extraOptions: { wait_for_model: true } },
      ),
    ).toEqual({
      inputs: 'x',
      parameters: { details: false, return_full_text: false },
      stream: true,
      options: { wait_for_model: true },
    });
  });

  it.each<[string, Partial<HfTgiGenerateRequest>]>([
    ['inputs', { inputs: '' }],
    ['maxNewTokens', { maxNewTokens: 0 }],
    ['temperature', { temperature: 0 }],
    ['topP', { topP: 1.5 }],
    ['topK', { topK: 0.5 }],
    ['typicalP', { typicalP: 1 }],
    ['repetitionPenalty', { repetitionPenalty: 0 }],
    ['seed', { seed: -1 }],
    ['stop', { stop: [''] }],
    ['grammar', { grammar: { type: 'xml', value: 1 } as never }],
    ['providerOptions', { providerOptions: [] as never }],
  ])('refuses a bad %s before any network call', (field, patch) => {
    expect(() => buildHfTgiGenerateBody({ inputs: 'x', ...patch } as HfTgiGenerateRequest, native)).toThrow(
      expect.objectContaining({ code: 'invalid_request', message: expect.stringContaining(field) }),
    );
  });

  it('refuses what TGI refuses on streams', () => {
    const stream = { stream: true, compat: false };
    expect(() => buildHfTgiGenerateBody({ inputs: 'x', bestOf: 2 }, stream)).toThrow(/bestOf/);
    expect(() => buildHfTgiGenerateBody({ inputs: 'x', decoderInputDetails: true }, stream)).toThrow(
      /decoderInputDetails/,
    );
  });
});

describe('parseHfTgiGenerateResponse', () => {
  const details = {
    finish_reason: 'eos_token',
    generated_tokens: 3,
    seed: null,
    prefill: [],
    tokens: [
      { id: 1, text: 'Hi', logprob: -0.1, special: false },
      { id: 2, text: '!', logprob: -0.2, special: false },
      { id: 0, text: '</s>', logprob: null, special: true },
    ],
  };

  it('reads text, details, usage and timings from the headers', () => {
    const result = parseHfTgiGenerateResponse(
      { generated_text: 'Hi!', details },
      response({
        'x-prompt-tokens': '4',
        'x-generated-tokens': '3',
        'x-total-time': '12',
        'x-queue-time': '1',
      }),
      context,
    );
    expect(result).toMatchObject({
      text: 'Hi!',
      finishReason: 'stop',
      tgiFinishReason: 'eos_token',
      usage: { inputTokens: 4, outputTokens: 3, totalTokens: 7 },
      timings: { totalMs: 12, queueMs: 1 },
      requestId: 'req_test',
    });
    expect(result.details?.tokens[2]).toEqual({ id: 0, text: '</s>', logprob: null, special: true });
  });

  it('accepts the compat route list and a body without details', () => {
    const result = parseHfTgiGenerateResponse([{ generated_text: 'Hi' }], response(), context);
    expect(result).toEqual({ text: 'Hi', finishReason: 'other', requestId: 'req_test' });
  });

  it('throws on a 200 error body and on a wrong shape', () => {
    expect(() =>
      parseHfTgiGenerateResponse({ error: 'boom', error_type: 'generation' }, response(), context),
    ).toThrow(expect.objectContaining({ code: 'server_error' }));
    expect(() => parseHfTgiGenerateResponse({ text: 'x' }, response(), context)).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
    expect(() =>
      parseHfTgiGenerateResponse(
        { generated_text: 'x', details: { finish_reason: 'length' } },
        response(),
        context,
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid_response' }));
  });
});
