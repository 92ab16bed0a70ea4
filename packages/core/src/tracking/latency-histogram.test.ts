import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/index.js';
import {
  LATENCY_HISTOGRAM_MAX_MS,
  LATENCY_HISTOGRAM_MIN_MS,
  LATENCY_HISTOGRAM_RELATIVE_ERROR,
  LatencyHistogram,
} from './latency-histogram.js';

// Deterministic PRNG (mulberry32) so distributions are reproducible.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The exact sample the histogram approximates: rank ⌈p/100·n⌉ of the sorted samples. */
function exactPercentile(sorted: number[], p: number): number {
  if (p === 0) return sorted[0] as number;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

const PERCENTILES = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];
const TOLERANCE = LATENCY_HISTOGRAM_RELATIVE_ERROR + 1e-12;

function expectWithinError(values: number[]): void {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const p of PERCENTILES) {
    const exact = exactPercentile(sorted, p);
    const got = h.percentile(p);
    expect(Math.abs(got - exact) / exact, `p${p}: got ${got}, exact ${exact}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

describe('LatencyHistogram', () => {
  it('states an error bound of about 1.6 % over 0.01 ms .. more than one hour', () => {
    expect(LATENCY_HISTOGRAM_RELATIVE_ERROR).toBeLessThanOrEqual(0.02);
    expect(LATENCY_HISTOGRAM_MIN_MS).toBe(0.01);
    expect(LATENCY_HISTOGRAM_MAX_MS).toBeGreaterThanOrEqual(3_600_000);
  });

  it('reports zeros when empty', () => {
    const h = new LatencyHistogram();
    expect(h.toJSON()).toEqual({ count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p99: 0 });
    expect(h.percentile(50)).toBe(0);
  });

  it('keeps count, min, max and mean exact', () => {
    const h = new LatencyHistogram();
    for (const v of [3, 1.5, 200, 42]) h.record(v);
    expect(h.count).toBe(4);
    expect(h.min).toBe(1.5);
    expect(h.max).toBe(200);
    expect(h.mean).toBeCloseTo(246.5 / 4, 12);
    expect(h.percentile(0)).toBe(1.5);
    expect(h.percentile(100)).toBe(200);
  });

  it('returns the single value for every percentile of one sample', () => {
    const h = new LatencyHistogram();
    h.record(123.456);
    for (const p of PERCENTILES) expect(h.percentile(p)).toBe(123.456);
  });

  it('is within the stated error on a uniform distribution', () => {
    const rand = prng(1);
    expectWithinError(Array.from({ length: 50_000 }, () => 0.01 + rand() * 1000));
  });

  it('is within the stated error on a log-normal distribution (typical latencies)', () => {
    const rand = prng(2);
    const values = Array.from({ length: 50_000 }, () => {
      const u = 1 - rand();
      const v = rand();
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.exp(Math.log(250) + 1.2 * normal);
    });
    expectWithinError(values);
  });

  it('is within the stated error on an exponential distribution', () => {
    const rand = prng(3);
    expectWithinError(Array.from({ length: 50_000 }, () => 0.01 - 80 * Math.log(1 - rand())));
  });

  it('is within the stated error on values spanning the whole range, powers of two included', () => {
    const values: number[] = [];
    for (let k = 0; k <= 28; k++) {
      const edge = LATENCY_HISTOGRAM_MIN_MS * 2 ** k;
      values.push(edge, edge * (1 - 1e-12), edge * 1.5, edge * (2 - 1e-9));
    }
    values.push(3_600_000);
    expectWithinError(values.filter((v) => v >= LATENCY_HISTOGRAM_MIN_MS));
  });

  it('is within the stated error for any samples and percentile (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: LATENCY_HISTOGRAM_MIN_MS, max: 3_600_000, noNaN: true }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const h = new LatencyHistogram();
          for (const v of values) h.record(v);
          const exact = exactPercentile(
            [...values].sort((a, b) => a - b),
            p,
          );
          return Math.abs(h.percentile(p) - exact) / exact <= TOLERANCE;
        },
      ),
    );
  });

  it('keeps values under 0.01 ms within 0.01 ms and inside [min, max]', () => {
    const h = new LatencyHistogram();
    for (const v of [0, 0.001, 0.004, 0.009]) h.record(v);
    const p50 = h.percentile(50);
    expect(p50).toBeGreaterThanOrEqual(0);
    expect(p50).toBeLessThanOrEqual(0.009);
    expect(h.percentile(0)).toBe(0);
  });

  it('reports the exact max for values beyond the top of the range', () => {
    const h = new LatencyHistogram();
    h.record(2 * 3_600_000 * 1.5);
    h.record(4 * 3_600_000 * 1.5);
    expect(h.percentile(50)).toBe(4 * 3_600_000 * 1.5);
    expect(h.percentile(99)).toBe(4 * 3_600_000 * 1.5);
  });

  it('counts negative samples as 0 and ignores non-finite ones', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(Number.POSITIVE_INFINITY);
    expect(h.count).toBe(1);
    expect(h.min).toBe(0);
    expect(h.max).toBe(0);
  });

  it('rejects a percentile outside 0..100 with the value in the message', () => {
    const h = new LatencyHistogram();
    h.record(1);
    expect(() => h.percentile(101)).toThrow(InvalidRequestError);
    expect(() => h.percentile(-1)).toThrow(/-1/);
    expect(() => h.percentile(Number.NaN)).toThrow(/NaN/);
  });

  it('uses fixed memory: the bucket count is the same after a million samples', () => {
    const h = new LatencyHistogram();
    const before = h.bucketCount;
    expect(before).toBe(LatencyHistogram.bucketCount);
    expect(before).toBeLessThan(2000);
    const rand = prng(4);
    for (let i = 0; i < 1_000_000; i++) h.record(rand() * 10_000);
    expect(h.bucketCount).toBe(before);
    expect(h.count).toBe(1_000_000);
    expect(Math.abs(h.percentile(50) - 5000) / 5000).toBeLessThan(0.03);
  });

  it('merges: the result equals recording every sample in one histogram', () => {
    const rand = prng(5);
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const both = new LatencyHistogram();
    for (let i = 0; i < 5000; i++) {
      const va = rand() * 100;
      const vb = 50 + rand() * 5000;
      a.record(va);
      b.record(vb);
      both.record(va);
      both.record(vb);
    }
    const bBefore = b.toJSON();
    expect(a.merge(b)).toBe(a);
    const merged = a.toJSON();
    const expected = both.toJSON();
    expect(merged.count).toBe(expected.count);
    expect(merged.min).toBe(expected.min);
    expect(merged.max).toBe(expected.max);
    expect(merged.mean).toBeCloseTo(expected.mean, 6);
    expect([merged.p50, merged.p90, merged.p99]).toEqual([expected.p50, expected.p90, expected.p99]);
    expect(b.toJSON()).toEqual(bBefore);
  });

  it('merges into and from empty histograms', () => {
    const empty = new LatencyHistogram();
    const h = new LatencyHistogram();
    h.record(7);
    h.merge(empty);
    expect(h.toJSON()).toMatchObject({ count: 1, min: 7, max: 7 });
    empty.merge(h);
    expect(empty.toJSON()).toEqual(h.toJSON());
  });

  it('reset forgets everything', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) h.record(i);
    h.reset();
    expect(h.toJSON()).toEqual({ count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p99: 0 });
    h.record(3);
    expect(h.toJSON()).toMatchObject({ count: 1, min: 3, max: 3, p50: 3 });
  });

  it('summarises with toJSON, and JSON.stringify uses it', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const json = h.toJSON();
    expect(json.count).toBe(1000);
    expect(Math.abs(json.p50 - 500) / 500).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(json.p90 - 900) / 900).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(json.p99 - 990) / 990).toBeLessThanOrEqual(TOLERANCE);
    expect(JSON.parse(JSON.stringify(h))).toEqual(json);
  });
});
