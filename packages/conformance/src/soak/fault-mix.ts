/** The seeded random mix of faults a soak injects through an emulator's fault source. */
import type { EmulatorRequest, Fault, FaultSource } from '../emulator/types.js';
import type { Random } from './random.js';

/** The kinds of fault a soak injects. */
export const SOAK_FAULT_KINDS = [
  '429-hint',
  '429',
  '5xx-burst',
  '529',
  'reset-before-headers',
  'reset-after-headers',
  'hang',
  'truncate',
  'malformed',
  'stream-error',
  'drip',
  'delay',
] as const;

/** One kind of injected fault. */
export type SoakFaultKind = (typeof SOAK_FAULT_KINDS)[number];

/** Relative weights of the kinds; a burst counts once when it starts and once per request it covers. */
export const DEFAULT_FAULT_WEIGHTS: Readonly<Record<SoakFaultKind, number>> = Object.freeze({
  '429-hint': 12,
  '429': 8,
  '5xx-burst': 3,
  '529': 6,
  'reset-before-headers': 8,
  'reset-after-headers': 8,
  hang: 3,
  truncate: 8,
  malformed: 8,
  'stream-error': 10,
  drip: 8,
  delay: 8,
});

/** Faults that only make sense on a stream (on a JSON reply they would do nothing). */
const STREAM_ONLY: ReadonlySet<SoakFaultKind> = new Set(['stream-error']);

/** Options of {@link FaultMix}. */
export interface FaultMixOptions {
  /** Share of requests that get a fault (bursts extend it), 0..1. */
  rate: number;
  weights?: Partial<Record<SoakFaultKind, number>>;
  /** Whether a logged request is a stream (the soak tags its requests). */
  isStream(request: EmulatorRequest): boolean;
  /** Largest `retry-after-ms` hint, in ms (a hint pauses the whole lane). @default 10 */
  maxHintMs?: number;
  /** Longest burst of 5xx answers. @default 8 */
  maxBurst?: number;
}

/** Picks faults at random (seeded) and counts what it injected. One per emulator: a burst is per emulator. */
export class FaultMix {
  readonly #random: Random;
  readonly #options: FaultMixOptions;
  readonly #kinds: SoakFaultKind[];
  readonly #weights: number[];
  #burstLeft = 0;
  #burstStatus = 500;
  /** Faults injected, by kind (every request of a burst counts). */
  readonly counts: Record<SoakFaultKind, number>;
  /** Requests that reached the emulator through this mix. */
  seen = 0;

  constructor(random: Random, options: FaultMixOptions) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError('fault rate must be within 0..1');
    this.#random = random;
    this.#options = options;
    const weights = { ...DEFAULT_FAULT_WEIGHTS, ...options.weights };
    this.#kinds = SOAK_FAULT_KINDS.filter((kind) => weights[kind] > 0);
    this.#weights = this.#kinds.map((kind) => weights[kind]);
    this.counts = Object.fromEntries(SOAK_FAULT_KINDS.map((kind) => [kind, 0])) as Record<
      SoakFaultKind,
      number
    >;
  }

  /** Total faults injected. */
  get injected(): number {
    let total = 0;
    for (const kind of SOAK_FAULT_KINDS) total += this.counts[kind];
    return total;
  }

  /** The mix as an emulator fault source. */
  readonly source: FaultSource = (request) => this.pick(request);

  /** The fault for one request, or `undefined` for a normal answer. */
  pick(request: EmulatorRequest): Fault | undefined {
    this.seen++;
    if (this.#burstLeft > 0) {
      this.#burstLeft--;
      this.counts['5xx-burst']++;
      return { kind: 'error', status: this.#burstStatus };
    }
    const random = this.#random;
    if (!random.chance(this.#options.rate) || this.#kinds.length === 0) return undefined;
    const stream = this.#options.isStream(request);
    let kind = random.pick(this.#kinds, this.#weights);
    for (let tries = 0; !stream && STREAM_ONLY.has(kind) && tries < 8; tries++) {
      kind = random.pick(this.#kinds, this.#weights);
    }
    if (!stream && STREAM_ONLY.has(kind)) return undefined;
    this.counts[kind]++;
    return this.#fault(kind, stream);
  }

  #fault(kind: SoakFaultKind, stream: boolean): Fault {
    const random = this.#random;
    switch (kind) {
      case '429-hint':
        return {
          kind: 'error',
          status: 429,
          headers: { 'retry-after-ms': String(random.int(1, this.#options.maxHintMs ?? 10)) },
        };
      case '429':
        return { kind: 'error', status: 429 };
      case '5xx-burst':
        this.#burstStatus = random.pick([500, 502, 503, 504]);
        this.#burstLeft = random.int(3, this.#options.maxBurst ?? 8) - 1;
        return { kind: 'error', status: this.#burstStatus };
      case '529':
        return { kind: 'error', status: 529 };
      case 'reset-before-headers':
      case 'reset-after-headers':
      case 'hang':
      case 'malformed':
        return { kind };
      case 'truncate':
        return { kind, afterEvents: stream ? random.int(0, 3) : 0 };
      case 'stream-error':
        return { kind, afterEvents: random.int(0, 2) };
      case 'drip':
        return { kind, intervalMs: random.int(1, 8) };
      case 'delay':
        return { kind, ms: random.int(1, 30) };
    }
  }
}
