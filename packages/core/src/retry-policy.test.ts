import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  OverloadedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './errors/index.js';
import { RetryPolicy, setHintSource } from './retry-policy.js';

const noJitter = { jitter: 'none' as const, budget: false as const };

describe('RetryPolicy.decide', () => {
  it('follows the seed schedule: 1, 2, 4, 8, 16 s, then gives up after 5 retries', () => {
    const policy = new RetryPolicy(noJitter);
    const delays = [1, 2, 3, 4, 5].map((attempt) => {
      const d = policy.decide(new ServerError(), attempt);
      return d.retry ? d.delayMs : undefined;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(policy.decide(new ServerError(), 6)).toEqual({ retry: false, reason: 'attempts-exhausted' });
  });

  it('never retries a non-retryable error', () => {
    const policy = new RetryPolicy(noJitter);
    expect(policy.decide(new AuthenticationError(), 1)).toEqual({ retry: false, reason: 'not-retryable' });
    expect(policy.decide(new QuotaExceededError(), 1)).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it('uses the server hint instead of the backoff, with its source', () => {
    const policy = new RetryPolicy(noJitter);
    const error = new RateLimitError('slow down', { retryAfterMs: 2500 });
    setHintSource(error, 'retry-after');
    expect(policy.decide(error, 1)).toEqual({ retry: true, delayMs: 2500, source: 'retry-after', cost: 0 });
    const provider = new OverloadedError('busy', { retryAfterMs: 700.2 });
    expect(policy.decide(provider, 3)).toMatchObject({ retry: true, delayMs: 701, source: 'provider' });
  });

  it('fails instead of waiting when the hint is over the cap', () => {
    const policy = new RetryPolicy({ ...noJitter, maxRetryAfterMs: 60_000 });
    const error = new RateLimitError('later', { retryAfterMs: 60_001 });
    expect(policy.decide(error, 1)).toEqual({ retry: false, reason: 'hint-too-long' });
    expect(policy.decide(new RateLimitError('ok', { retryAfterMs: 60_000 }), 1)).toMatchObject({
      retry: true,
    });
  });

  it('draws from the shared budget: 100 retries, 50 after timeouts, then refuses; success refunds', () => {
    const policy = new RetryPolicy({ jitter: 'none', maxRetries: 1000 });
    let granted = 0;
    while (policy.decide(new ServerError(), 1).retry) granted++;
    expect(granted).toBe(100);
    expect(policy.decide(new ServerError(), 1)).toEqual({ retry: false, reason: 'budget-exhausted' });
    policy.recordSuccess(10);
    expect(policy.budgetAvailable).toBe(10);
    expect(policy.decide(new TimeoutError(), 1)).toMatchObject({ retry: true, cost: 10 });
    expect(policy.decide(new TimeoutError(), 1)).toEqual({ retry: false, reason: 'budget-exhausted' });
    policy.refund(10);
    expect(policy.budgetAvailable).toBe(10);
  });

  it('rejects invalid settings', () => {
    expect(() => new RetryPolicy({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new RetryPolicy({ maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(() => new RetryPolicy({ maxRetryAfterMs: -5 })).toThrow(/maxRetryAfterMs/);
  });
});
