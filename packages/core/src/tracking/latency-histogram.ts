/**
 * A fixed-size latency histogram: memory stays the same whether it holds ten samples or ten billion.
 *
 * Layout (log-linear, as in HdrHistogram): values are measured in units of {@link LATENCY_HISTOGRAM_MIN_MS};
 * every power-of-two range [2^k, 2^(k+1)) of units is cut into {@link SUB_BUCKETS} equal slices. A slice is
 * never wider than 1/32 of its lower edge, so reporting its midpoint is off by at most 1/64 (~1.6 %) of
 * the true value. One bucket below catches values under 0.01 ms, one above catches values over ~89 minutes.
 */
import { InvalidRequestError } from '../errors/index.js';

/** The summary every histogram reports, and the shape of each latency field of the tracker's stats. */
export interface LatencySummary {
  /** Number of samples recorded. */
  count: number;
  /** Smallest sample, exact; 0 when empty. */
  min: number;
  /** Largest sample, exact; 0 when empty. */
  max: number;
  /** Arithmetic mean, exact; 0 when empty. */
  mean: number;
  /** Median, within {@link LATENCY_HISTOGRAM_RELATIVE_ERROR}; 0 when empty. */
  p50: number;
  /** 90th percentile, within {@link LATENCY_HISTOGRAM_RELATIVE_ERROR}; 0 when empty. */
  p90: number;
  /** 99th percentile, within {@link LATENCY_HISTOGRAM_RELATIVE_ERROR}; 0 when empty. */
  p99: number;
}

/** Smallest value resolved with relative precision, in ms. Smaller values share one bucket. */
export const LATENCY_HISTOGRAM_MIN_MS = 0.01;

// 32 slices per octave bound the midpoint error by 1/64; 29 octaves reach past one hour.
const SUB_BUCKETS = 32;
const OCTAVES = 29;

/** Largest value resolved with relative precision, in ms (~89.5 minutes). Larger values share one bucket. */
export const LATENCY_HISTOGRAM_MAX_MS = LATENCY_HISTOGRAM_MIN_MS * 2 ** OCTAVES;

/**
 * Worst-case relative error of a reported percentile, for values between
 * {@link LATENCY_HISTOGRAM_MIN_MS} and {@link LATENCY_HISTOGRAM_MAX_MS}.
 */
export const LATENCY_HISTOGRAM_RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);

const UNDERFLOW = 0;
const OVERFLOW = 1 + OCTAVES * SUB_BUCKETS;
const BUCKET_COUNT = OVERFLOW + 1;

// Midpoint of each bucket, shared by every histogram. The overflow bucket reports the exact max instead.
const MIDPOINTS: Float64Array = (() => {
  const mids = new Float64Array(BUCKET_COUNT);
  mids[UNDERFLOW] = LATENCY_HISTOGRAM_MIN_MS / 2;
  for (let octave = 0; octave < OCTAVES; octave++) {
    const base = 2 ** octave * LATENCY_HISTOGRAM_MIN_MS;
    for (let sub = 0; sub < SUB_BUCKETS; sub++) {
      mids[1 + octave * SUB_BUCKETS + sub] = base * (1 + (sub + 0.5) / SUB_BUCKETS);
    }
  }
  mids[OVERFLOW] = LATENCY_HISTOGRAM_MAX_MS;
  return mids;
})();

// 2^k for every octave, and the first value past the last octave, so the hot path does no exponentiation:
// the bundler turns module constants into `var`s, and `2 ** OCTAVES` on a `var` is a runtime call that
// made record() seven times slower (measured: 60 ns against 8 ns per sample).
const OCTAVE_BASE: Float64Array = Float64Array.from({ length: OCTAVES }, (_, k) => 2 ** k);
const OVERFLOW_UNITS = 2 ** OCTAVES;

function bucketOf(ms: number): number {
  const units = ms / LATENCY_HISTOGRAM_MIN_MS;
  if (!(units >= 1)) return UNDERFLOW;
  if (units >= OVERFLOW_UNITS) return OVERFLOW;
  // floor(log2(units)) exactly, from the integer part (units < 2^29 here): a count of leading zeros is
  // several times cheaper than Math.log2 and needs no correction for rounding.
  const octave = 31 - Math.clz32(units);
  const sub = Math.min(
    SUB_BUCKETS - 1,
    Math.floor((units / (OCTAVE_BASE[octave] as number) - 1) * SUB_BUCKETS),
  );
  return 1 + octave * SUB_BUCKETS + sub;
}

/**
 * Latency distribution in milliseconds with exact count, min, max and mean, and percentiles within
 * {@link LATENCY_HISTOGRAM_RELATIVE_ERROR} (about 1.6 %) from 0.01 ms to ~89 minutes.
 *
 * Memory is one `Float64Array` of {@link LatencyHistogram.bucketCount} counters (~7.5 KB), fixed at
 * construction. Every histogram has the same layout, so any two can be merged.
 *
 * @example
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(12.5);
 * h.percentile(99); // ≈ 12.5
 * ```
 */
export class LatencyHistogram {
  /** Number of buckets of every histogram; constant, whatever is recorded. */
  static readonly bucketCount: number = BUCKET_COUNT;

  #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  /**
   * Adds one sample, in ms. Negative values (a clock stepping back) count as 0. Non-finite values are
   * ignored rather than thrown: tracking must never fail the request it measures.
   */
  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const value = Math.max(ms, 0);
    const bucket = bucketOf(value);
    this.#counts[bucket] = (this.#counts[bucket] as number) + 1;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Number of samples recorded. */
  get count(): number {
    return this.#count;
  }

  /** Smallest sample (exact), or 0 when empty. */
  get min(): number {
    return this.#count === 0 ? 0 : this.#min;
  }

  /** Largest sample (exact), or 0 when empty. */
  get max(): number {
    return this.#count === 0 ? 0 : this.#max;
  }

  /** Mean of the samples (exact up to float rounding), or 0 when empty. */
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** Number of buckets of this histogram; the same for every instance, at every count. */
  get bucketCount(): number {
    return this.#counts.length;
  }

  /**
   * The value below or at which `p` percent of the samples lie (the sample of rank ⌈p/100 · count⌉),
   * within the relative error, clamped to [min, max]. `percentile(0)` is the min and `percentile(100)`
   * the max, exactly. Returns 0 when empty.
   *
   * @param p - a percentage from 0 to 100.
   * @throws InvalidRequestError when `p` is not a number in [0, 100].
   */
  percentile(p: number): number {
    if (typeof p !== 'number' || !(p >= 0 && p <= 100)) {
      throw new InvalidRequestError(`percentile must be a number from 0 to 100; got ${String(p)}`);
    }
    if (this.#count === 0) return 0;
    if (p === 0) return this.#min;
    if (p === 100) return this.#max;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    const counts = this.#counts;
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] as number;
      if (seen >= rank) {
        if (i === OVERFLOW) return this.#max;
        return Math.min(this.#max, Math.max(this.#min, MIDPOINTS[i] as number));
      }
    }
    return this.#max;
  }

  /** Forgets every sample. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = Number.NEGATIVE_INFINITY;
  }

  /** Adds every sample of `other` to this histogram (as if recorded here); `other` is unchanged. */
  merge(other: LatencyHistogram): this {
    if (other.#count === 0) return this;
    const mine = this.#counts;
    const theirs = other.#counts;
    for (let i = 0; i < mine.length; i++) mine[i] = (mine[i] as number) + (theirs[i] as number);
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    return this;
  }

  /** Count, min, max, mean and the 50th, 90th and 99th percentiles. */
  toJSON(): LatencySummary {
    return {
      count: this.#count,
      min: this.min,
      max: this.max,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
    };
  }
}
