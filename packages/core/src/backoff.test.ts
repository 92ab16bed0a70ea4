import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBackoff, DEFAULT_BACKOFF_OPTIONS, JITTERS, type Jitter } from './backoff.js';
import { InvalidRequestError } from './errors/index.js';

/** Mulberry32: a tiny seeded PRNG so the random-bound tests are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DRAWS = 5000;

describe('createBackoff', () => {
  it('exposes the seed defaults', () => {
    expect(DEFAULT_BACKOFF_OPTIONS).toEqual({
      initialDelayMs: 1000,
      factor: 2,
      maxDelayMs: 16_000,
      jitter: 'full',
    });
    expect(Object.isFrozen(DEFAULT_BACKOFF_OPTIONS)).toBe(true);
  });

  it('follows the exact schedule without jitter', () => {
    const backoff = createBackoff({ jitter: 'none' });
    expect([0, 1, 2, 3, 4, 5].map((n) => backoff.delay(n))).toEqual([1000, 2000, 4000, 8000, 16000, 16000]);
    expect(backoff.delay(1000)).toBe(16000);
  });

  it('uses full jitter by default, scaled by the random draw', () => {
    const backoff = createBackoff({ random: () => 0.5 });
    expect([0, 1, 2, 3, 4, 5].map((n) => backoff.delay(n))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('honours a non-integer factor and returns whole milliseconds', () => {
    const backoff = createBackoff({ jitter: 'none', initialDelayMs: 100, factor: 1.5, maxDelayMs: 1000 });
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoff.delay(n))).toEqual([100, 150, 225, 337, 506, 759, 1000]);
  });

  it('keeps full jitter within [0, t) and spreads it over the range', () => {
    const backoff = createBackoff({ jitter: 'full', random: seeded(1) });
    for (const n of [0, 2, 4]) {
      const t = Math.min(16000, 1000 * 2 ** n);
      const draws = Array.from({ length: DRAWS }, () => backoff.delay(n));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThan(t);
      // Uniform: both the bottom and the top tenth of the range are hit.
      expect(Math.min(...draws)).toBeLessThan(t * 0.1);
      expect(Math.max(...draws)).toBeGreaterThan(t * 0.9);
      expect(draws.every(Number.isInteger)).toBe(true);
    }
  });

  it('keeps equal jitter within [t/2, t)', () => {
    const backoff = createBackoff({ jitter: 'equal', random: seeded(2) });
    for (const n of [0, 3, 7]) {
      const t = Math.min(16000, 1000 * 2 ** n);
      const draws = Array.from({ length: DRAWS }, () => backoff.delay(n));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(t / 2);
      expect(Math.max(...draws)).toBeLessThan(t);
      expect(Math.min(...draws)).toBeLessThan(t * 0.55);
      expect(Math.max(...draws)).toBeGreaterThan(t * 0.95);
    }
  });

  it('keeps decorrelated jitter within [initial, min(cap, 3·previous))', () => {
    const backoff = createBackoff({ jitter: 'decorrelated', random: seeded(3) });
    // First retry: previous = initial, whatever the caller passes.
    for (let i = 0; i < DRAWS; i++) {
      const d = backoff.delay(0, 9000);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThan(3000);
    }
    for (let i = 0; i < DRAWS; i++) {
      const d = backoff.delay(3, 2000);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThan(6000);
    }
    // Large previous delays are capped.
    const capped = Array.from({ length: DRAWS }, () => backoff.delay(4, 15000));
    expect(Math.max(...capped)).toBe(16000);
    expect(Math.min(...capped)).toBeGreaterThanOrEqual(1000);
  });

  it('chains decorrelated delays from the previous one', () => {
    const backoff = createBackoff({ jitter: 'decorrelated', random: () => 0.999999 });
    let previous = 0;
    const schedule: number[] = [];
    for (let n = 0; n < 5; n++) {
      previous = backoff.delay(n, previous);
      schedule.push(previous);
    }
    expect(schedule).toEqual([2999, 8996, 16000, 16000, 16000]);
  });

  it('falls back to the previous envelope when decorrelated has no previous delay', () => {
    const backoff = createBackoff({ jitter: 'decorrelated', random: () => 0.999999 });
    // previous = envelope(1) = 2000, so the upper bound is 6000.
    expect(backoff.delay(2)).toBe(5999);
    // A previous delay below initial/3 keeps the range at [initial, initial].
    expect(backoff.delay(2, 10)).toBe(1000);
  });

  it('clamps a misbehaving random source into range', () => {
    expect(createBackoff({ random: () => 7 }).delay(10)).toBe(16000);
    expect(createBackoff({ random: () => -3 }).delay(10)).toBe(0);
    expect(createBackoff({ random: () => Number.NaN }).delay(10)).toBe(0);
  });

  it('handles a zero initial delay without NaN at huge indices', () => {
    const backoff = createBackoff({ initialDelayMs: 0, jitter: 'none' });
    expect(backoff.delay(0)).toBe(0);
    expect(backoff.delay(5000)).toBe(0);
  });

  it.each([
    [{ initialDelayMs: -1 }, /initialDelayMs.*-1/],
    [{ initialDelayMs: Number.NaN }, /initialDelayMs.*NaN/],
    [{ maxDelayMs: Number.POSITIVE_INFINITY }, /maxDelayMs.*Infinity/],
    [{ factor: 0.5 }, /factor.*0\.5/],
    [{ initialDelayMs: 5000, maxDelayMs: 4000 }, /maxDelayMs \(4000\).*initialDelayMs \(5000\)/],
    [{ jitter: 'half' as Jitter }, /jitter.*"half"/],
    [{ random: 3 as unknown as () => number }, /random must be a function/],
  ])('rejects invalid options %o', (options, message) => {
    expect(() => createBackoff(options)).toThrow(InvalidRequestError);
    expect(() => createBackoff(options)).toThrow(message);
  });

  it('rejects a bad retry index or previous delay', () => {
    const backoff = createBackoff();
    expect(() => backoff.delay(-1)).toThrow(InvalidRequestError);
    expect(() => backoff.delay(1.5)).toThrow(/retryIndex.*1\.5/);
    expect(() => backoff.delay(1, -5)).toThrow(/previousDelayMs.*-5/);
  });

  it('property: every delay is a whole number within [0, cap] and, except decorrelated, the envelope', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom(...JITTERS),
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 200_000 }),
        (initialDelayMs, factor, extra, jitter, retryIndex, u, previous) => {
          const maxDelayMs = initialDelayMs + extra;
          const backoff = createBackoff({ initialDelayMs, factor, maxDelayMs, jitter, random: () => u });
          const d = backoff.delay(retryIndex, previous);
          const envelope =
            initialDelayMs === 0 ? 0 : Math.min(maxDelayMs, initialDelayMs * factor ** retryIndex);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(maxDelayMs);
          if (jitter === 'decorrelated') {
            expect(d).toBeGreaterThanOrEqual(Math.floor(initialDelayMs));
          } else {
            expect(d).toBeLessThanOrEqual(envelope);
            if (jitter === 'equal') expect(d).toBeGreaterThanOrEqual(Math.floor(envelope / 2));
            if (jitter === 'none') expect(d).toBe(Math.floor(envelope));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
