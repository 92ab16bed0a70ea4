/**
 * The soak's independent bookkeeping: what the caller saw, what the tracker published on the diagnostics
 * channels, and the invariants that tie them together.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  AccelerateError,
  DEFAULT_RETRY_BUDGET_OPTIONS,
  DIAGNOSTIC_CHANNELS,
  type RequestRecord,
} from '@ipfs-accelerate/core';
import type { SubjectClientOptions } from '../suite/types.js';
import type { CallerOutcome, SoakReport } from './soak-types.js';

interface Ended {
  count: number;
  provider: string;
  outcome: string | undefined;
  attempts: number;
  errorCode: string | undefined;
}

interface BreakerEvent {
  provider: string;
  from: string;
  to: string;
}

/** Keeps at most this many example lines per kind of violation. */
const MAX_EXAMPLES = 5;

/** Listens on the core's channels for one backend's soak requests (ids `soak_<name>_<n>`). */
export class SoakLedger {
  readonly #prefix: string;
  readonly #ended = new Map<string, Ended>();
  readonly #breakerEvents: BreakerEvent[] = [];
  readonly #violations: string[] = [];
  readonly #errorsByCode: Record<string, number> = {};
  #untyped = 0;
  #shed = 0;
  readonly #onEnd = (message: unknown): void => {
    const record = (message as { record: RequestRecord }).record;
    if (!record.id.startsWith(this.#prefix)) return;
    const seen = this.#ended.get(record.id);
    if (seen) {
      seen.count++;
      return;
    }
    this.#ended.set(record.id, {
      count: 1,
      provider: record.provider,
      outcome: record.outcome,
      attempts: record.attempts.length,
      errorCode: record.errorCode,
    });
  };
  readonly #onBreaker = (message: unknown): void => {
    const { provider, from, to } = message as BreakerEvent;
    this.#breakerEvents.push({ provider, from, to });
  };
  readonly #onReject = (message: unknown): void => {
    const { requestId } = message as { requestId: string };
    if (requestId.startsWith(this.#prefix)) this.#shed++;
  };

  constructor(name: string) {
    this.#prefix = `soak_${name}_`;
    diagnosticsChannel.subscribe(DIAGNOSTIC_CHANNELS.requestEnd, this.#onEnd);
    diagnosticsChannel.subscribe(DIAGNOSTIC_CHANNELS.breakerState, this.#onBreaker);
    diagnosticsChannel.subscribe(DIAGNOSTIC_CHANNELS.queueReject, this.#onReject);
  }

  /** Stops listening. */
  dispose(): void {
    diagnosticsChannel.unsubscribe(DIAGNOSTIC_CHANNELS.requestEnd, this.#onEnd);
    diagnosticsChannel.unsubscribe(DIAGNOSTIC_CHANNELS.breakerState, this.#onBreaker);
    diagnosticsChannel.unsubscribe(DIAGNOSTIC_CHANNELS.queueReject, this.#onReject);
  }

  /** Records an error the caller got: it must be one of the taxonomy's. */
  callerError(requestId: string, error: unknown): void {
    if (error instanceof AccelerateError) {
      this.#errorsByCode[error.code] = (this.#errorsByCode[error.code] ?? 0) + 1;
      return;
    }
    this.#errorsByCode.untyped = (this.#errorsByCode.untyped ?? 0) + 1;
    if (this.#untyped++ < MAX_EXAMPLES) {
      const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.violation(`${requestId} failed with an untyped error: ${what}`);
    }
  }

  /** Adds a violation found elsewhere. */
  violation(line: string): void {
    this.#violations.push(line);
  }

  /**
   * Ties the caller's outcomes to the tracker's records and fills the report: one end per request with the same
   * outcome, attempts within `maxRetries + 1`, retries within the budget, breaker trips and recoveries.
   */
  check(
    report: SoakReport,
    settings: SubjectClientOptions,
    outcomes: ReadonlyMap<string, CallerOutcome>,
    budgetLeft: number,
  ): void {
    const violations = report.violations;
    violations.push(...this.#violations);
    report.errorsByCode = { ...this.#errorsByCode };
    report.shed = this.#shed;
    const maxAttempts = (settings.retry?.maxRetries ?? 5) + 1;
    const examples = { missing: 0, twice: 0, mismatch: 0, attempts: 0 };
    let cleanSuccesses = 0;
    let retriedSuccesses = 0;
    for (const [id, outcome] of outcomes) {
      report.settled[outcome]++;
      const ended = this.#ended.get(id);
      if (!ended) {
        if (examples.missing++ < MAX_EXAMPLES) violations.push(`${id}: the tracker never ended its record`);
        continue;
      }
      if (ended.count > 1 && examples.twice++ < MAX_EXAMPLES) {
        violations.push(`${id}: the tracker ended its record ${ended.count} times`);
      }
      if (!outcomeAgrees(outcome, ended.outcome) && examples.mismatch++ < MAX_EXAMPLES) {
        violations.push(`${id}: the caller saw ${outcome}, the record says ${ended.outcome ?? 'nothing'}`);
      }
      if (ended.attempts > maxAttempts && examples.attempts++ < MAX_EXAMPLES) {
        violations.push(`${id}: ${ended.attempts} attempts; at most ${maxAttempts} allowed`);
      }
      report.maxAttempts = Math.max(report.maxAttempts, ended.attempts);
      if (ended.attempts > 1) report.retries += ended.attempts - 1;
      if (ended.outcome === 'success') {
        if (ended.attempts > 1) retriedSuccesses++;
        else cleanSuccesses++;
      }
    }
    const extra = this.#ended.size - outcomes.size;
    if (extra > 0) violations.push(`${extra} records ended for requests the caller never made`);
    this.#checkBudget(report, settings, cleanSuccesses, retriedSuccesses, budgetLeft);
    const provider = this.#ended.values().next().value?.provider;
    for (const event of this.#breakerEvents) {
      if (event.provider !== provider) continue;
      if (event.to === 'open') report.breakerTrips++;
      if (event.to === 'closed' && event.from !== 'closed') report.breakerRecoveries++;
    }
  }

  /**
   * The budget bounds retries: each costs at least `retryCost`; the bucket starts at `capacity` and gains at most
   * `successIncrement` per clean success and `timeoutCost` (a refund) per success that needed retries.
   */
  #checkBudget(
    report: SoakReport,
    settings: SubjectClientOptions,
    cleanSuccesses: number,
    retriedSuccesses: number,
    budgetLeft: number,
  ): void {
    const given = settings.retry?.budget;
    if (given === false) return;
    const b = { ...DEFAULT_RETRY_BUDGET_OPTIONS, ...given };
    const income = b.capacity + b.successIncrement * cleanSuccesses + b.timeoutCost * retriedSuccesses;
    const bound = Math.floor(income / b.retryCost);
    if (report.retries > bound) {
      report.violations.push(`${report.retries} retries; the retry budget allows at most ${bound}`);
    }
    if (budgetLeft < 0 || budgetLeft > b.capacity) {
      report.violations.push(`the retry budget holds ${budgetLeft}, outside 0..${b.capacity}`);
    }
  }
}

/** Whether the tracker's outcome matches what the caller saw (a stream stopped early may end either way). */
function outcomeAgrees(caller: CallerOutcome, recorded: string | undefined): boolean {
  if (caller === 'success') return recorded === 'success';
  if (caller === 'error') return recorded === 'error' || recorded === 'aborted';
  return recorded === 'aborted' || recorded === 'success';
}
