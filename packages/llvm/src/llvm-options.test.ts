import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLlvm } from './llvm-client.js';
import {
  applyLlvmEnv,
  LLVM_DEFAULT_BASE_URL,
  resolveLlvmBaseURL,
  resolveLlvmBatching,
} from './llvm-options.js';

const ENV = [
  'LLVM_BASE_URL',
  'LLVM_API_URL',
  'LLVM_API_KEY',
  'LLVM_TIMEOUT',
  'LLVM_MAX_RETRIES',
  'LLVM_RETRY_DELAY',
  'LLVM_BACKOFF_FACTOR',
  'LLVM_MAX_CONCURRENT',
  'LLVM_FAILURE_THRESHOLD',
  'LLVM_RESET_TIMEOUT',
  'LLVM_BATCH_SIZE',
  'LLVM_BATCH_TIMEOUT',
];

beforeEach(() => {
  for (const name of ENV) vi.stubEnv(name, '');
});
afterEach(() => vi.unstubAllEnvs());

describe('the base URL', () => {
  it('is baseURL, else LLVM_BASE_URL, else LLVM_API_URL, else http://localhost:8090', () => {
    expect(resolveLlvmBaseURL(undefined)).toBe(LLVM_DEFAULT_BASE_URL);
    expect(LLVM_DEFAULT_BASE_URL).toBe('http://localhost:8090');
    vi.stubEnv('LLVM_API_URL', 'http://wrapper:1');
    expect(resolveLlvmBaseURL(undefined)).toBe('http://wrapper:1');
    vi.stubEnv('LLVM_BASE_URL', 'http://client:2');
    expect(resolveLlvmBaseURL(undefined)).toBe('http://client:2');
    expect(resolveLlvmBaseURL('http://explicit:3')).toBe('http://explicit:3');
  });

  it('reaches the server named by LLVM_BASE_URL', async () => {
    const server: ScriptedServer = await startScriptedServer();
    vi.stubEnv('LLVM_BASE_URL', server.origin);
    const client = createLlvm();
    server.reply({ json: { status: 'ok' } });
    await client.status();
    expect(server.requests).toHaveLength(1);
    expect(client.endpoints()[0]?.baseURL).toBe(server.origin);
    await client.close();
    await server.close();
  });
});

describe('the seed variables', () => {
  it('map onto the core options, seconds to milliseconds', () => {
    vi.stubEnv('LLVM_TIMEOUT', '30');
    vi.stubEnv('LLVM_MAX_RETRIES', '3');
    vi.stubEnv('LLVM_RETRY_DELAY', '0.5');
    vi.stubEnv('LLVM_BACKOFF_FACTOR', '3');
    vi.stubEnv('LLVM_MAX_CONCURRENT', '10');
    vi.stubEnv('LLVM_FAILURE_THRESHOLD', '4');
    vi.stubEnv('LLVM_RESET_TIMEOUT', '12.5');
    expect(applyLlvmEnv({})).toEqual({
      retry: { maxRetries: 3, initialDelayMs: 500, factor: 3 },
      queue: { concurrency: 10 },
      breaker: { consecutiveFailures: 4, openMs: 12_500 },
      timeouts: { attemptMs: 30_000 },
    });
  });

  it('lose to explicit options field by field', () => {
    vi.stubEnv('LLVM_MAX_RETRIES', '3');
    vi.stubEnv('LLVM_RETRY_DELAY', '2');
    vi.stubEnv('LLVM_MAX_CONCURRENT', '10');
    expect(applyLlvmEnv({ retry: { maxRetries: 0, jitter: 'none' }, queue: { concurrency: 2 } })).toEqual({
      retry: { maxRetries: 0, initialDelayMs: 2000, jitter: 'none' },
      queue: { concurrency: 2 },
      breaker: undefined,
      timeouts: undefined,
    });
  });

  it('raise the backoff cap for a retry delay longer than 16 s (the seed had no cap) unless one is given', async () => {
    vi.stubEnv('LLVM_RETRY_DELAY', '20');
    expect(applyLlvmEnv({}).retry).toEqual({ initialDelayMs: 20_000, maxDelayMs: 20_000 });
    expect(applyLlvmEnv({ retry: { maxDelayMs: 30_000 } }).retry).toEqual({
      initialDelayMs: 20_000,
      maxDelayMs: 30_000,
    });
    // The core refuses initialDelayMs above maxDelayMs: without the raised cap this would throw.
    await createLlvm({ baseURL: 'http://127.0.0.1:9' }).destroy();
  });

  it.each([
    ['LLVM_TIMEOUT', '0'],
    ['LLVM_TIMEOUT', 'thirty'],
    ['LLVM_MAX_RETRIES', '2.5'],
    ['LLVM_MAX_RETRIES', '-1'],
    ['LLVM_RETRY_DELAY', '-0.1'],
    ['LLVM_BACKOFF_FACTOR', '0.5'],
    ['LLVM_MAX_CONCURRENT', '0'],
    ['LLVM_FAILURE_THRESHOLD', 'Infinity'],
    ['LLVM_RESET_TIMEOUT', 'NaN'],
  ])('refuse %s=%s at construction, naming the variable', (name, value) => {
    vi.stubEnv(name, value);
    expect(() => createLlvm({ baseURL: 'http://127.0.0.1:9' })).toThrow(
      expect.objectContaining({ name: 'InvalidRequestError', message: expect.stringContaining(name) }),
    );
  });

  it('configure the pipeline the client really runs', async () => {
    vi.stubEnv('LLVM_MAX_CONCURRENT', '7');
    vi.stubEnv('LLVM_FAILURE_THRESHOLD', '2');
    const client = createLlvm({ baseURL: 'http://127.0.0.1:9' });
    expect(client.lanes()[0]?.queue.concurrency).toBe(7);
    await client.destroy();
  });
});

describe('batching', () => {
  it('is off unless asked for; true takes LLVM_BATCH_SIZE / LLVM_BATCH_TIMEOUT, else 8 / 100 ms', () => {
    expect(resolveLlvmBatching(undefined)).toBeUndefined();
    expect(resolveLlvmBatching(false)).toBeUndefined();
    expect(resolveLlvmBatching(true)).toEqual({ maxSize: 8, maxWaitMs: 100 });
    vi.stubEnv('LLVM_BATCH_SIZE', '10');
    vi.stubEnv('LLVM_BATCH_TIMEOUT', '0.5');
    expect(resolveLlvmBatching(true)).toEqual({ maxSize: 10, maxWaitMs: 500 });
    expect(resolveLlvmBatching({ maxWaitMs: 5 })).toEqual({ maxSize: 10, maxWaitMs: 5 });
  });

  it('refuses bad settings', () => {
    expect(() => resolveLlvmBatching({ maxSize: 0 })).toThrow(/maxSize/);
    expect(() => resolveLlvmBatching({ maxWaitMs: -1 })).toThrow(/maxWaitMs/);
    expect(() => resolveLlvmBatching('yes' as never)).toThrow(/batching/);
    vi.stubEnv('LLVM_BATCH_SIZE', '1.5');
    expect(() => resolveLlvmBatching(true)).toThrow(/LLVM_BATCH_SIZE/);
  });
});
