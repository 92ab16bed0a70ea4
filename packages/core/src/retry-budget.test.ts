import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors/index.js';
import { DEFAULT_RETRY_BUDGET_OPTIONS, RetryBudget, type RetryKind } from './retry-budget.js';

describe('RetryBudget', () => {
  it('has the AWS standard quota defaults and starts full', () => {
    expect(DEFAULT_RETRY_BUDGET_OPTIONS).toEqual({
      capacity: 500,
      retryCost: 5,
      timeoutCost: 10,
      successIncrement: 1,
    });
    expect(new RetryBudget().available).toBe(500);
  });

  it('allows exactly 100 retries with the defaults, then refuses', () => {
    const budget = new RetryBudget();
    for (let i = 0; i < 100; i++) expect(budget.tryAcquire('other')).toBe(5);
    expect(budget.available).toBe(0);
    expect(budget.tryAcquire('other')).toBeUndefined();
    expect(budget.tryAcquire('timeout')).toBeUndefined();
    // A refusal takes nothing.
    expect(budget.available).toBe(0);
  });

  it('charges 10 for a retry after a timeout, so 50 of them drain it', () => {
    const budget = new RetryBudget();
    expect(budget.tryAcquire('timeout')).toBe(10);
    expect(budget.available).toBe(490);
    for (let i = 0; i < 49; i++) expect(budget.tryAcquire('timeout')).toBe(10);
    expect(budget.tryAcquire('timeout')).toBeUndefined();
  });

  it('refuses a timeout retry the bucket cannot cover while a cheaper one still fits', () => {
    const budget = new RetryBudget({ capacity: 8 });
    expect(budget.tryAcquire('timeout')).toBeUndefined();
    expect(budget.tryAcquire('other')).toBe(5);
    expect(budget.available).toBe(3);
  });

  it('refunds the cost of the retry that succeeded', () => {
    const budget = new RetryBudget();
    const cost = budget.tryAcquire('timeout');
    budget.tryAcquire('other');
    expect(budget.available).toBe(485);
    budget.recordSuccess(cost);
    expect(budget.available).toBe(495);
  });

  it('adds the success increment for a success without retry', () => {
    const budget = new RetryBudget();
    for (let i = 0; i < 3; i++) budget.tryAcquire('other');
    budget.recordSuccess();
    budget.recordSuccess();
    expect(budget.available).toBe(487);
    const custom = new RetryBudget({ capacity: 10, retryCost: 10, successIncrement: 3 });
    custom.tryAcquire('other');
    custom.recordSuccess();
    expect(custom.available).toBe(3);
  });

  it('never goes above capacity', () => {
    const budget = new RetryBudget();
    budget.recordSuccess();
    budget.recordSuccess(10);
    expect(budget.available).toBe(500);
    budget.tryAcquire('other');
    budget.recordSuccess(10);
    expect(budget.available).toBe(500);
  });

  it('recovers after a drain as successes come in', () => {
    const budget = new RetryBudget();
    while (budget.tryAcquire('other') !== undefined) {}
    for (let i = 0; i < 4; i++) budget.recordSuccess();
    expect(budget.tryAcquire('other')).toBeUndefined();
    budget.recordSuccess();
    expect(budget.tryAcquire('other')).toBe(5);
  });

  it('reset refills to capacity', () => {
    const budget = new RetryBudget({ capacity: 20 });
    budget.tryAcquire('timeout');
    budget.reset();
    expect(budget.available).toBe(20);
  });

  it('a zero-capacity budget refuses every retry', () => {
    expect(new RetryBudget({ capacity: 0 }).tryAcquire('other')).toBeUndefined();
  });

  it.each([
    [{ capacity: -1 }, /capacity.*-1/],
    [{ retryCost: Number.NaN }, /retryCost.*NaN/],
    [{ timeoutCost: Number.POSITIVE_INFINITY }, /timeoutCost.*Infinity/],
    [{ successIncrement: '1' as unknown as number }, /successIncrement.*1/],
  ])('rejects invalid options %o', (options, message) => {
    expect(() => new RetryBudget(options)).toThrow(InvalidRequestError);
    expect(() => new RetryBudget(options)).toThrow(message);
  });

  it('rejects an unknown kind and a bad refund', () => {
    const budget = new RetryBudget();
    expect(() => budget.tryAcquire('throttle' as RetryKind)).toThrow(InvalidRequestError);
    expect(() => budget.recordSuccess(-5)).toThrow(/costOfLastRetry.*-5/);
    expect(budget.available).toBe(500);
  });

  it('property: available stays within [0, capacity] whatever happens', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('timeout', 'other', 'success', 'refund') as fc.Arbitrary<string>, {
          maxLength: 300,
        }),
        (ops) => {
          const budget = new RetryBudget({ capacity: 50 });
          let lastCost: number | undefined;
          for (const op of ops) {
            const before = budget.available;
            if (op === 'timeout' || op === 'other') {
              lastCost = budget.tryAcquire(op);
              if (lastCost === undefined) expect(budget.available).toBe(before);
              else expect(budget.available).toBe(before - lastCost);
            } else {
              budget.recordSuccess(op === 'refund' ? lastCost : undefined);
            }
            expect(budget.available).toBeGreaterThanOrEqual(0);
            expect(budget.available).toBeLessThanOrEqual(50);
          }
        },
      ),
    );
  });
});
