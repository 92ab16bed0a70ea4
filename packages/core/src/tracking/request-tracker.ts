/**
 * The per-request ledger: one {@link RequestRecord} per call, from admission to its single outcome.
 *
 * Memory is bounded whatever the traffic: finished records go to a fixed-size ring (oldest overwritten),
 * and everything older survives only as counters and fixed-size histograms, kept in total and per lane.
 * Per-lane state grows with the number of lanes, never with the number of requests.
 */
import { type Clock, systemClock } from '../clock.js';
import { InvalidRequestError } from '../errors/index.js';
import { PRIORITIES, type Priority } from '../request-options.js';
import { DIAGNOSTIC_CHANNELS, hasSubscribers, publish } from './diagnostics.js';
import { InFlightList, LiveRecord } from './in-flight-list.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { generateRequestId } from './request-id.js';

/** Why the pipeline waited before an attempt: nothing, its own backoff, or a server hint. */
export type DelaySource = 'none' | 'backoff' | 'retry-after' | 'retry-after-ms' | 'provider';

/** One attempt of a request: one dispatch to one lane. */
export interface AttemptRecord {
  /** 1-based attempt number. */
  attempt: number;
  /** The lane (endpoint/pool) the attempt went to. */
  lane: string;
  /** When the attempt was dispatched (clock ms). */
  startedAt: number;
  /** When the attempt ended; unset while it runs. */
  endedAt?: number;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Error code of the attempt's failure (the taxonomy's `code`), when it failed. */
  errorCode?: string;
  /** How long the pipeline waited before this attempt, in ms. */
  delayBeforeMs: number;
  /** What decided that wait. */
  delaySource: DelaySource;
  /** The service's own request id for this attempt. */
  providerRequestId?: string;
}

/** Tokens consumed by a request, as reported by the service. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** How a request ended. */
export type RequestOutcome = 'success' | 'error' | 'aborted';

/** The ledger entry of one request. Times are clock milliseconds. */
export interface RequestRecord {
  /** Our request id (`req_…`, or the caller's own). */
  id: string;
  /** The backend, e.g. `openai`. */
  provider: string;
  /** The operation, e.g. `chat`, `embed`, `putObject`. */
  operation: string;
  /** Admission priority. */
  priority: Priority;
  /** The lane of the last attempt; the request's stats are attributed to it. */
  lane?: string;
  /** When the request entered the pipeline. */
  enqueuedAt: number;
  /** When the first attempt was dispatched. */
  startedAt?: number;
  /** When the first byte (or first content event of a stream) arrived; the first mark wins. */
  firstByteAt?: number;
  /** When the request finished. */
  endedAt?: number;
  /** Every attempt, in order. */
  attempts: AttemptRecord[];
  /** Set exactly once, by {@link RequestTracker.finish}. */
  outcome?: RequestOutcome;
  /** Error code of the final failure. */
  errorCode?: string;
  /** The service's request id of the last attempt that reported one. */
  providerRequestId?: string;
  /** Token usage, when the service reported it. */
  usage?: TokenUsage;
  /** Whether the response is a stream. */
  streamed: boolean;
}

/** Aggregates over finished requests (plus the live in-flight count), in total or for one lane. */
export interface TrackerStats {
  /** Finished requests. */
  requests: number;
  /** Requests finished with outcome `success`. */
  succeeded: number;
  /** Requests finished with outcome `error`. */
  failed: number;
  /** Requests finished with outcome `aborted`. */
  aborted: number;
  /** Requests begun and not yet finished (live; never reset). */
  inFlight: number;
  /** Attempts made by the finished requests. */
  attempts: number;
  /** Attempts beyond the first of each finished request. */
  retries: number;
  /**
   * Failed and aborted requests by final error code; a code-less failure counts as `unknown`, a
   * code-less abort as `aborted`, so the values sum to `failed + aborted`. At most
   * {@link MAX_TRACKED_ERROR_CODES} distinct codes are kept; further ones count as `other`.
   */
  errorsByCode: Record<string, number>;
  /** End-to-end latency, enqueue to end, of every finished request whatever its outcome. */
  latency: LatencySummary;
  /** Enqueue to first dispatch, of finished requests that were dispatched. */
  queueWait: LatencySummary;
  /** Enqueue to first byte, of finished requests that received one. */
  timeToFirstByte: LatencySummary;
  /** Token usage summed over finished requests; `total` uses `totalTokens`, else input + output. */
  tokens: { input: number; output: number; total: number };
  /** When the last request counted here finished (clock ms); unset when none has. */
  lastRequestAt?: number;
}

/** Options of {@link RequestTracker}. */
export interface RequestTrackerOptions {
  /** The backend every record belongs to, e.g. `openai`. */
  provider: string;
  /** Source of time. @default systemClock */
  clock?: Clock;
  /** How many finished records to keep for {@link RequestTracker.recent}; 0 keeps none. @default 1000 */
  recentCapacity?: number;
  /**
   * When false, `begin` still returns a record the pipeline can fill in, but nothing is retained (no
   * ring, in-flight set or aggregates) and no diagnostics events are published. @default true
   */
  enabled?: boolean;
}

/** Defaults of {@link RequestTrackerOptions}. */
export const DEFAULT_REQUEST_TRACKER_OPTIONS = {
  recentCapacity: 1000,
  enabled: true,
} as const satisfies Partial<RequestTrackerOptions>;

/** Distinct error codes counted per aggregate before further ones are lumped as `other`. */
export const MAX_TRACKED_ERROR_CODES = 64;

/** Input of {@link RequestTracker.begin}. */
export interface BeginRequestInput {
  /** The request id; a `req_…` id is generated when absent. */
  id?: string;
  /** The operation, e.g. `chat`. */
  operation: string;
  /** Admission priority. */
  priority: Priority;
  /** Whether the response is a stream. @default false */
  streamed?: boolean;
  /** The lane, when known before the first attempt (each attempt sets it anyway). */
  lane?: string;
}

/** Input of {@link RequestTracker.beginAttempt}. */
export interface BeginAttemptInput {
  /** The lane the attempt goes to. */
  lane: string;
  /** Wait before this attempt, in ms. @default 0 */
  delayBeforeMs?: number;
  /** What decided the wait. @default 'none' */
  delaySource?: DelaySource;
}

/** Input of {@link RequestTracker.endAttempt}. */
export interface EndAttemptInput {
  status?: number;
  errorCode?: string;
  providerRequestId?: string;
}

/** Input of {@link RequestTracker.finish}. */
export interface FinishRequestInput {
  outcome: RequestOutcome;
  errorCode?: string;
  usage?: TokenUsage;
  providerRequestId?: string;
}

/** Message of `ipfs-accelerate:request:start` and `:end`. The record is live: do not mutate it. */
export interface RequestEventMessage {
  record: RequestRecord;
}

/** Message of `ipfs-accelerate:request:attempt`. Both objects are live: do not mutate them. */
export interface AttemptEventMessage {
  record: RequestRecord;
  attempt: AttemptRecord;
}

/** A deep copy of a record, sharing nothing with the original. */
export function cloneRequestRecord(record: RequestRecord): RequestRecord {
  const copy: RequestRecord = { ...record, attempts: record.attempts.map((a) => ({ ...a })) };
  if (record.usage !== undefined) copy.usage = { ...record.usage };
  return copy;
}

function tokenCount(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Counters and histograms of one scope (the total or one lane). */
class Aggregate {
  // Used for lanes only: the total's in-flight count is the size of the in-flight set.
  inFlight = 0;
  requests = 0;
  succeeded = 0;
  failed = 0;
  aborted = 0;
  attempts = 0;
  retries = 0;
  errorsByCode = new Map<string, number>();
  readonly latency = new LatencyHistogram();
  readonly queueWait = new LatencyHistogram();
  readonly timeToFirstByte = new LatencyHistogram();
  inputTokens = 0;
  outputTokens = 0;
  totalTokens = 0;
  lastRequestAt: number | undefined = undefined;

  add(record: RequestRecord): void {
    this.requests++;
    const attempts = record.attempts.length;
    this.attempts += attempts;
    if (attempts > 1) this.retries += attempts - 1;
    if (record.outcome === 'success') {
      this.succeeded++;
    } else {
      if (record.outcome === 'error') this.failed++;
      else this.aborted++;
      this.#countError(record.errorCode ?? (record.outcome === 'error' ? 'unknown' : 'aborted'));
    }
    const end = record.endedAt as number;
    this.latency.record(end - record.enqueuedAt);
    if (record.startedAt !== undefined) this.queueWait.record(record.startedAt - record.enqueuedAt);
    if (record.firstByteAt !== undefined) this.timeToFirstByte.record(record.firstByteAt - record.enqueuedAt);
    const usage = record.usage;
    if (usage !== undefined) {
      const input = tokenCount(usage.inputTokens);
      const output = tokenCount(usage.outputTokens);
      this.inputTokens += input;
      this.outputTokens += output;
      this.totalTokens += usage.totalTokens !== undefined ? tokenCount(usage.totalTokens) : input + output;
    }
    this.lastRequestAt = end;
  }

  #countError(code: string): void {
    const key =
      this.errorsByCode.has(code) || this.errorsByCode.size < MAX_TRACKED_ERROR_CODES ? code : 'other';
    this.errorsByCode.set(key, (this.errorsByCode.get(key) ?? 0) + 1);
  }

  /** Zeroes everything but the live in-flight count. */
  reset(): void {
    this.requests = 0;
    this.succeeded = 0;
    this.failed = 0;
    this.aborted = 0;
    this.attempts = 0;
    this.retries = 0;
    this.errorsByCode.clear();
    this.latency.reset();
    this.queueWait.reset();
    this.timeToFirstByte.reset();
    this.inputTokens = 0;
    this.outputTokens = 0;
    this.totalTokens = 0;
    this.lastRequestAt = undefined;
  }

  snapshot(inFlight: number): TrackerStats {
    const stats: TrackerStats = {
      requests: this.requests,
      succeeded: this.succeeded,
      failed: this.failed,
      aborted: this.aborted,
      inFlight,
      attempts: this.attempts,
      retries: this.retries,
      errorsByCode: Object.fromEntries(this.errorsByCode),
      latency: this.latency.toJSON(),
      queueWait: this.queueWait.toJSON(),
      timeToFirstByte: this.timeToFirstByte.toJSON(),
      tokens: { input: this.inputTokens, output: this.outputTokens, total: this.totalTokens },
    };
    if (this.lastRequestAt !== undefined) stats.lastRequestAt = this.lastRequestAt;
    return stats;
  }
}

/**
 * Records every request of one client: its attempts, timings, outcome and usage.
 *
 * The pipeline calls `begin` on admission, `beginAttempt`/`endAttempt` around each dispatch,
 * `markFirstByte` when the response starts and `finish` once at the end; `finish` is idempotent, so the
 * outcome is counted exactly once even when several paths race to end a request. Readers get deep
 * copies ({@link RequestTracker.recent}, {@link RequestTracker.find}, {@link RequestTracker.inFlight}) and
 * aggregates ({@link RequestTracker.stats}), in total or per lane. Events go to the
 * {@link DIAGNOSTIC_CHANNELS} `requestStart`, `requestAttempt` and `requestEnd`.
 *
 * @example
 * ```ts
 * const tracker = new RequestTracker({ provider: 'openai' });
 * const rec = tracker.begin({ operation: 'chat', priority: 'normal' });
 * const attempt = tracker.beginAttempt(rec, { lane: 'primary' });
 * tracker.endAttempt(rec, attempt, { status: 200 });
 * tracker.finish(rec, { outcome: 'success', usage: { inputTokens: 12, outputTokens: 40 } });
 * tracker.stats().latency.p99;
 * ```
 */
export class RequestTracker {
  /** The backend every record belongs to. */
  readonly provider: string;
  /** Whether records are retained and events published. */
  readonly enabled: boolean;
  /** Capacity of the ring of finished records. */
  readonly recentCapacity: number;

  readonly #clock: Clock;
  readonly #inFlight = new InFlightList();
  readonly #total = new Aggregate();
  readonly #lanes = new Map<string, Aggregate>();
  // Ring of finished records: #head is the next slot to write; no shifting, no growth past capacity.
  readonly #ring: (RequestRecord | undefined)[];
  #head = 0;
  #size = 0;

  /** @throws InvalidRequestError on a missing provider, a bad capacity or a non-boolean `enabled`. */
  constructor(options: RequestTrackerOptions) {
    const { provider, clock = systemClock } = options ?? ({} as RequestTrackerOptions);
    const recentCapacity = options?.recentCapacity ?? DEFAULT_REQUEST_TRACKER_OPTIONS.recentCapacity;
    const enabled = options?.enabled ?? DEFAULT_REQUEST_TRACKER_OPTIONS.enabled;
    if (typeof provider !== 'string' || provider.length === 0) {
      throw new InvalidRequestError(`provider must be a non-empty string; got ${JSON.stringify(provider)}`);
    }
    if (!Number.isSafeInteger(recentCapacity) || recentCapacity < 0) {
      throw new InvalidRequestError(
        `recentCapacity must be a non-negative integer; got ${String(recentCapacity)}`,
      );
    }
    if (typeof enabled !== 'boolean') {
      throw new InvalidRequestError(`enabled must be a boolean; got ${String(enabled)}`);
    }
    this.provider = provider;
    this.enabled = enabled;
    this.recentCapacity = recentCapacity;
    this.#clock = clock;
    this.#ring = new Array<RequestRecord | undefined>(recentCapacity);
  }

  /**
   * Opens a record for a request entering the pipeline and counts it in flight.
   * @throws InvalidRequestError on an unknown priority or an empty id or operation.
   */
  begin(input: BeginRequestInput): RequestRecord {
    const { id, operation, priority, streamed = false, lane } = input;
    if (!PRIORITIES.includes(priority)) {
      throw new InvalidRequestError(
        `priority must be one of high, normal, low; got ${JSON.stringify(priority)}`,
      );
    }
    if (typeof operation !== 'string' || operation.length === 0) {
      throw new InvalidRequestError(`operation must be a non-empty string; got ${JSON.stringify(operation)}`);
    }
    if (id !== undefined && (typeof id !== 'string' || id.length === 0)) {
      throw new InvalidRequestError(`id must be a non-empty string; got ${JSON.stringify(id)}`);
    }
    const record = new LiveRecord(
      id ?? generateRequestId(),
      this.provider,
      operation,
      priority,
      this.#clock.now(),
      streamed,
    ) as RequestRecord;
    if (lane !== undefined) record.lane = lane;
    if (!this.enabled) return record;
    this.#inFlight.add(record);
    if (lane !== undefined) this.#lane(lane).inFlight++;
    // The message object is made only when someone listens (most runs: nobody).
    if (hasSubscribers(DIAGNOSTIC_CHANNELS.requestStart))
      publish(DIAGNOSTIC_CHANNELS.requestStart, { record });
    return record;
  }

  /**
   * Records the dispatch of a new attempt and moves the request to its lane. The first attempt sets
   * `startedAt`. On a finished record the attempt is returned but not added.
   */
  beginAttempt(record: RequestRecord, input: BeginAttemptInput): AttemptRecord {
    const now = this.#clock.now();
    const attempt: AttemptRecord = {
      attempt: record.attempts.length + 1,
      lane: input.lane,
      startedAt: now,
      delayBeforeMs: input.delayBeforeMs ?? 0,
      delaySource: input.delaySource ?? 'none',
    };
    if (record.outcome !== undefined) return attempt;
    record.attempts.push(attempt);
    record.startedAt ??= now;
    if (record.lane !== input.lane) {
      if (this.#inFlight.has(record)) {
        if (record.lane !== undefined) this.#lane(record.lane).inFlight--;
        this.#lane(input.lane).inFlight++;
      }
      record.lane = input.lane;
    }
    return attempt;
  }

  /**
   * Closes an attempt with what it produced and publishes it. The first call wins: ending an attempt
   * twice, or after the request finished, changes nothing.
   */
  endAttempt(record: RequestRecord, attempt: AttemptRecord, input: EndAttemptInput = {}): void {
    if (attempt.endedAt !== undefined || record.outcome !== undefined) return;
    attempt.endedAt = this.#clock.now();
    if (input.status !== undefined) attempt.status = input.status;
    if (input.errorCode !== undefined) attempt.errorCode = input.errorCode;
    if (input.providerRequestId !== undefined) {
      attempt.providerRequestId = input.providerRequestId;
      record.providerRequestId = input.providerRequestId;
    }
    if (this.#inFlight.has(record) && hasSubscribers(DIAGNOSTIC_CHANNELS.requestAttempt)) {
      publish(DIAGNOSTIC_CHANNELS.requestAttempt, { record, attempt });
    }
  }

  /** Notes the arrival of the first byte (or first content event); later marks are ignored. */
  markFirstByte(record: RequestRecord): void {
    if (record.firstByteAt === undefined && record.outcome === undefined) {
      record.firstByteAt = this.#clock.now();
    }
  }

  /**
   * Ends the request with its outcome, exactly once: a second call is ignored and returns false. Closes
   * any attempt still open (giving it the final error code), counts the request in the aggregates of
   * the total and of its lane, keeps it in the ring of recent records and publishes it.
   *
   * @returns whether this call finished the request.
   * @throws InvalidRequestError on an unknown outcome.
   */
  finish(record: RequestRecord, input: FinishRequestInput): boolean {
    if (record.outcome !== undefined) return false;
    const { outcome, errorCode, usage, providerRequestId } = input;
    if (outcome !== 'success' && outcome !== 'error' && outcome !== 'aborted') {
      throw new InvalidRequestError(
        `outcome must be one of success, error, aborted; got ${JSON.stringify(outcome)}`,
      );
    }
    const now = this.#clock.now();
    const tracked = this.#inFlight.delete(record);
    for (const attempt of record.attempts) {
      if (attempt.endedAt !== undefined) continue;
      attempt.endedAt = now;
      if (errorCode !== undefined && outcome !== 'success') attempt.errorCode ??= errorCode;
      if (tracked && hasSubscribers(DIAGNOSTIC_CHANNELS.requestAttempt)) {
        publish(DIAGNOSTIC_CHANNELS.requestAttempt, { record, attempt });
      }
    }
    record.endedAt = now;
    record.outcome = outcome;
    if (errorCode !== undefined) record.errorCode = errorCode;
    if (usage !== undefined) record.usage = { ...usage };
    if (providerRequestId !== undefined) record.providerRequestId = providerRequestId;
    if (!tracked) return true;

    this.#total.add(record);
    if (record.lane !== undefined) {
      const lane = this.#lane(record.lane);
      lane.inFlight--;
      lane.add(record);
    }
    if (this.recentCapacity > 0) {
      this.#ring[this.#head] = record;
      this.#head = (this.#head + 1) % this.recentCapacity;
      if (this.#size < this.recentCapacity) this.#size++;
    }
    if (hasSubscribers(DIAGNOSTIC_CHANNELS.requestEnd)) publish(DIAGNOSTIC_CHANNELS.requestEnd, { record });
    return true;
  }

  /**
   * Deep copies of the most recent finished records, newest first.
   * @param limit - at most this many. @default all kept (up to `recentCapacity`)
   * @throws InvalidRequestError when `limit` is not a non-negative integer.
   */
  recent(limit?: number): RequestRecord[] {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new InvalidRequestError(`limit must be a non-negative integer; got ${String(limit)}`);
    }
    const count = Math.min(limit ?? this.#size, this.#size);
    const out: RequestRecord[] = [];
    for (let i = 1; i <= count; i++) {
      const slot = (this.#head - i + this.recentCapacity) % this.recentCapacity;
      out.push(cloneRequestRecord(this.#ring[slot] as RequestRecord));
    }
    return out;
  }

  /**
   * A deep copy of the record with this id: in flight first (the newest, should callers reuse an id),
   * then the ring, newest first; `undefined` once it has left the ring. Linear in what is kept.
   */
  find(id: string): RequestRecord | undefined {
    let live: RequestRecord | undefined;
    for (const record of this.#inFlight) if (record.id === id) live = record;
    if (live !== undefined) return cloneRequestRecord(live);
    for (let i = 1; i <= this.#size; i++) {
      const record = this.#ring[
        (this.#head - i + this.recentCapacity) % this.recentCapacity
      ] as RequestRecord;
      if (record.id === id) return cloneRequestRecord(record);
    }
    return undefined;
  }

  /** Deep copies of the requests begun and not finished, oldest first. */
  inFlight(): RequestRecord[] {
    return Array.from(this.#inFlight, cloneRequestRecord);
  }

  /** Aggregates of every request, or of the requests attributed to `lane` (zeros for an unknown lane). */
  stats(lane?: string): TrackerStats {
    if (lane === undefined) return this.#total.snapshot(this.#inFlight.size);
    const aggregate = this.#lanes.get(lane);
    return aggregate === undefined ? new Aggregate().snapshot(0) : aggregate.snapshot(aggregate.inFlight);
  }

  /**
   * Zeroes the aggregates of `lane` only, or, without a lane, of the total and every lane. In-flight
   * counts (live state) and the ring of recent records are left alone.
   */
  resetStats(lane?: string): void {
    if (lane !== undefined) {
      this.#lanes.get(lane)?.reset();
      return;
    }
    this.#total.reset();
    for (const aggregate of this.#lanes.values()) aggregate.reset();
  }

  /** The lanes seen so far, in order of first use. */
  lanes(): string[] {
    return [...this.#lanes.keys()];
  }

  #lane(lane: string): Aggregate {
    let aggregate = this.#lanes.get(lane);
    if (aggregate === undefined) {
      aggregate = new Aggregate();
      this.#lanes.set(lane, aggregate);
    }
    return aggregate;
  }
}
