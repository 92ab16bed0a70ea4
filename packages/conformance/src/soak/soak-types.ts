/** Options and report of a chaos soak. */
import type { SubjectClientOptions } from '../suite/types.js';
import type { SoakFaultKind } from './fault-mix.js';

/** How one request settled, from the caller's side; `broken`: a stream the caller stopped reading early. */
export type CallerOutcome = 'success' | 'error' | 'broken';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Requests of the chaos phase. */
  requests: number;
  /** Seed of every random choice (faults, kinds of request, caller aborts). @default 1 */
  seed?: number;
  /** Share of requests that meet a fault at the emulator, 0..1. @default 0.2 */
  faultRate?: number;
  /** Relative weights of the fault kinds (see `DEFAULT_FAULT_WEIGHTS`). */
  faultWeights?: Partial<Record<SoakFaultKind, number>>;
  /**
   * Requests the driver keeps in flight; the default leaves room in the queues, so shedding comes from bursts,
   * cooldowns and open breakers. A request turned away at once is followed by a 1-10 ms pause. @default 24
   */
  outstanding?: number;
  /** Endpoints (lanes), each on its own emulator. @default 2 */
  lanes?: number;
  /** Share of requests that are streams, when the backend streams. @default 0.3 */
  streamShare?: number;
  /** Share of requests the caller aborts after 0-30 ms. @default 0.03 */
  abortRate?: number;
  /** Share of requests with a 5-80 ms deadline. @default 0.02 */
  deadlineRate?: number;
  /** Share of streams the caller stops reading after the first event. @default 0.05 */
  earlyBreakRate?: number;
  /** Every this many requests, offer `burstSize` more at once, beyond the queues' room (shedding). @default 1000 */
  burstEvery?: number;
  /** @default 60 */
  burstSize?: number;
  /** Fault-free requests after the chaos phase, which must all succeed once the breakers let them. @default 20 */
  recoveryRequests?: number;
  /** Real-time limit for every request to settle after the last one is issued. @default 60000 */
  settleTimeoutMs?: number;
  /** Pipeline settings of the client (merged over the soak's fast defaults). */
  client?: Partial<SubjectClientOptions>;
  /** Whether at least one breaker must open. @default true from 400 requests up (shorter runs may not trip one) */
  expectBreakerTrips?: boolean;
  /** Called every 500 settled requests. */
  onProgress?(settled: number, total: number): void;
}

/** What one soak of one backend saw, and the invariants it broke (`violations`, empty when it passed). */
export interface SoakReport {
  name: string;
  title: string;
  seed: number;
  /** Requests issued: chaos phase plus recovery. */
  requests: number;
  streams: number;
  /** Requests that settled, by how. `broken`: streams the caller stopped reading early. */
  settled: { success: number; error: number; broken: number };
  /** Final errors by code, e.g. `{ rate_limited: 12 }`. */
  errorsByCode: Record<string, number>;
  /** Faults the emulators injected, by kind. */
  faults: Record<SoakFaultKind, number>;
  faultsInjected: number;
  /** Aborts and deadlines set by the caller. */
  callerCancels: number;
  /** Attempts beyond the first, over every request. */
  retries: number;
  /** Most attempts of one request. */
  maxAttempts: number;
  /** Breakers that opened, and closings back to normal. */
  breakerTrips: number;
  breakerRecoveries: number;
  /** Requests refused at once by a full queue. */
  shed: number;
  /** Highest concurrent requests one emulator (lane) saw, and the lane's limit. */
  maxInFlight: number;
  concurrencyLimit: number;
  /** Largest queue seen by sampling, and the lane's capacity. */
  maxQueued: number;
  capacity: number;
  unhandledRejections: number;
  /** Resource types the process holds more of than before the run, after everything closed. */
  leaks: string[];
  durationMs: number;
  violations: string[];
}
