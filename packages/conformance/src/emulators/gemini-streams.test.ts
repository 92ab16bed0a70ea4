import { describe, expect, it } from 'vitest';
import { geminiErrorCode, geminiErrorFault, parseGeminiFaultCode } from './gemini-errors.js';
import { errorOf, KEY, model, useGeminiEmulator, user } from './gemini-test-harness.js';

const harness = useGeminiEmulator();
const { call } = harness;

describe('streamGenerateContent', () => {
  it('alt=sse: one data frame per word, CRLF CRLF, no [DONE]; the last carries finishReason and usage', async () => {
    const { text, type } = await call(`/models/${model}:streamGenerateContent?alt=sse`, user('a b'));
    expect(type).toBe('text/event-stream');
    const frames = text.split('\r\n\r\n');
    expect(frames.at(-1)).toBe('');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.replace(/^data: /, '')));
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text).join('')).toBe('Echo: a b');
    expect(chunks.slice(0, -1).every((c) => c.candidates[0].finishReason === undefined)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      candidates: [{ finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 3, totalTokenCount: 5 },
    });
    expect(text).not.toContain('[DONE]');
  });

  it('without alt=sse: one JSON array', async () => {
    const { json, type } = await call(`/models/${model}:streamGenerateContent`, user('a b'));
    expect(type).toBe('application/json; charset=UTF-8');
    expect(Array.isArray(json)).toBe(true);
    expect((json as unknown[]).length).toBe(3);
  });

  it('the stream-error fault writes a bare google.rpc.Status line, no data: prefix', async () => {
    harness.emulator.script(`POST /v1beta/models/${model}:streamGenerateContent`, [
      { kind: 'stream-error', afterEvents: 1, code: 'RESOURCE_EXHAUSTED retry=2s' },
    ]);
    const { text } = await call(`/models/${model}:streamGenerateContent?alt=sse`, user('a b'));
    const lines = text.split('\r\n\r\n');
    expect(lines[0]).toMatch(/^data: /);
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      error: {
        code: 429,
        message: expect.stringContaining('You exceeded your current quota'),
        status: 'RESOURCE_EXHAUSTED',
        details: expect.arrayContaining([
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' },
        ]),
      },
    });
  });

  it('truncate leaves out the final chunk with the finish reason', async () => {
    harness.emulator.script(`POST /v1beta/models/${model}:streamGenerateContent`, [
      { kind: 'truncate', afterEvents: 1 },
    ]);
    const { text } = await call(`/models/${model}:streamGenerateContent?alt=sse`, user('a b'));
    expect(text).toBe(`${text.split('\r\n\r\n')[0]}\r\n\r\n`);
    expect(text).not.toContain('finishReason');
  });
});

describe('error faults', () => {
  it('build google.rpc.Status bodies: RetryInfo, QuotaFailure, ErrorInfo, status names; headers pass through', async () => {
    harness.emulator.script(`POST /v1beta/models/${model}:generateContent`, [
      geminiErrorFault(429, { retryDelay: '37s', headers: { 'retry-after': '3' } }),
      geminiErrorFault(429, { quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }),
      geminiErrorFault(400, { status: 'FAILED_PRECONDITION', message: 'nope' }),
      geminiErrorFault(503),
    ]);
    const response = await fetch(`${harness.emulator.baseURL}/models/${model}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': KEY },
      body: JSON.stringify(user('x')),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    const limited = errorOf(await response.json());
    expect(limited.details).toEqual([
      expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }),
      expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.Help' }),
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
    ]);
    const daily = errorOf((await call(`/models/${model}:generateContent`, user('x'))).json);
    expect(JSON.stringify(daily.details)).toContain('PerDay');
    expect(JSON.stringify(daily.details)).not.toContain('RetryInfo');
    expect(errorOf((await call(`/models/${model}:generateContent`, user('x'))).json)).toEqual({
      code: 400,
      message: 'nope',
      status: 'FAILED_PRECONDITION',
    });
    expect(errorOf((await call(`/models/${model}:generateContent`, user('x'))).json)).toMatchObject({
      code: 503,
      status: 'UNAVAILABLE',
      message: 'The model is overloaded. Please try again later.',
    });
  });

  it('the fault-code grammar round-trips and refuses unknown tokens', () => {
    const options = {
      status: 'RESOURCE_EXHAUSTED',
      retryDelay: '1.5s',
      reason: 'RATE_LIMIT_EXCEEDED',
      quotaId: 'Q',
    };
    expect(parseGeminiFaultCode(geminiErrorCode(options))).toEqual(options);
    expect(parseGeminiFaultCode('503, INTERNAL')).toEqual({ http: 503, status: 'INTERNAL' });
    expect(() => parseGeminiFaultCode('retry:37s')).toThrow(/unknown gemini fault code token/);
  });
});
