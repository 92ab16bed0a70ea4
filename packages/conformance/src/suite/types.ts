/** The vocabulary of the conformance suite: features, checks, subjects and results. */
import type {
  BackendControl,
  CapabilityName,
  ClientOptions,
  Clock,
  EndpointConfig,
  FakeClock,
  RequestOptions,
} from '@ipfs-accelerate/core';
import type { Emulator, EmulatorRequest, Fault } from '../emulator/types.js';

/** The columns of the status table, in order. */
export const FEATURES = [
  { id: 'queue', title: 'Queue' },
  { id: 'priority', title: 'Priority' },
  { id: 'backoff', title: 'Backoff' },
  { id: 'retry-after', title: 'Retry-After' },
  { id: 'breaker', title: 'Breaker' },
  { id: 'tracking', title: 'Tracking' },
  { id: 'multiplex', title: 'Multiplex' },
  { id: 'stream', title: 'Stream' },
  { id: 'cancel', title: 'Cancel' },
  { id: 'errors', title: 'Errors' },
] as const;

/** A feature column of the table. */
export type Feature = (typeof FEATURES)[number]['id'];

/** A check's group: a feature column, or a capability the backend declares. */
export type CheckGroup = Feature | 'capability';

/** The outcome of one check. `n/a`: it does not apply to this backend; `skip`: not run in this mode. */
export type CheckStatus = 'pass' | 'fail' | 'n/a' | 'skip';

/** The result of one check. */
export interface CheckResult {
  group: CheckGroup;
  name: string;
  status: CheckStatus;
  /** Why it failed, or why it was skipped. */
  detail?: string;
  durationMs: number;
}

/** Options the suite builds a client with: endpoints plus the pipeline settings a check needs. */
export interface SubjectClientOptions extends ClientOptions {
  endpoints: Array<EndpointConfig>;
  clock?: Clock;
}

/** A stream a subject returns: events plus the request id. */
export interface SubjectStream extends AsyncIterable<unknown> {
  readonly requestId: string;
}

/**
 * What the suite needs to know about a backend to test it: how to start its emulator, build a client, make
 * a cheap call and a stream, and which error cases its protocol has. The eleven built-in backends each have
 * one; a custom backend built on the core writes its own (see `examples/custom-backend`).
 */
export interface ConformanceSubject<C extends BackendControl = BackendControl> {
  /** Short id, e.g. `openai`. */
  readonly name: string;
  /** Row title in the table, e.g. `OpenAI`. */
  readonly title: string;
  /** The capabilities the backend declares. */
  readonly capabilities: readonly CapabilityName[];
  /** Starts an emulator of the backend's wire protocol, accepting `apiKeys` (when the protocol has keys). */
  startEmulator(options: { apiKeys: string[] }): Promise<Emulator>;
  /** Whether the protocol authenticates with a key that the emulator checks. */
  readonly usesApiKey: boolean;
  /** Builds a client for the given endpoints and settings. */
  createClient(options: SubjectClientOptions): C;
  /** A cheap request/response call through the whole pipeline; `tag` must be readable back by {@link tagOf}. */
  call(client: C, tag: string, options?: RequestOptions): Promise<unknown>;
  /** The emulator route {@link call} hits, as 'METHOD /path', for fault scripts. */
  readonly callRoute: string;
  /** A streaming call, when the backend streams. */
  stream?(client: C, tag: string, options?: RequestOptions): SubjectStream;
  /** The route {@link stream} hits. */
  readonly streamRoute?: string;
  /**
   * Summarises stream events: the concatenated text, and whether the last event carried usage (leave
   * `usageAtEnd` undefined when the client's stream has no usage event at all).
   */
  streamSummary?(events: readonly unknown[]): { text: string; usageAtEnd?: boolean };
  /** Reads the tag back from a logged request, to see the order the service received calls in. */
  tagOf(request: EmulatorRequest): string | undefined;
  /** Whether responses carry a service request id the client should record. */
  readonly providerRequestIds: boolean;
  /** Faults in the protocol's own shape, with the error code the client must raise for each. */
  readonly errorCases: ReadonlyArray<{ name: string; fault: Fault; expect: string }>;
  /** Checks of the declared capabilities, run against the emulator (and, when `live`, against the service). */
  readonly capabilityChecks: ReadonlyArray<CapabilityCheck<C>>;
  /** Live mode: the variables that configure the real service, and how to build a client from them. */
  readonly live?: { env: readonly string[]; createClient(): C };
}

/** A capability check: exercises one declared capability and throws on a wrong answer. */
export interface CapabilityCheck<C extends BackendControl = BackendControl> {
  name: string;
  capability: CapabilityName;
  run(client: C): Promise<void>;
}

/** What a check gets to work with. */
export interface CheckContext<C extends BackendControl = BackendControl> {
  readonly subject: ConformanceSubject<C>;
  /** The emulator of this check (fresh for every check). */
  readonly emulator: Emulator;
  /** The fake clock every client of this check runs on. */
  readonly clock: FakeClock;
  /** The key the emulator accepts. */
  readonly apiKey: string;
  /** A client on the emulator with suite defaults (no jitter, 100 ms first backoff), overridable. */
  client(overrides?: Partial<SubjectClientOptions>): C;
  /** Starts one more emulator (closed with the check), e.g. for multiplexing. */
  extraEmulator(apiKeys: string[]): Promise<Emulator>;
  /** Waits in event-loop turns (not time) until `condition` holds. */
  until(condition: () => boolean, what: string): Promise<void>;
  /** Advances the fake clock by `ms` once the pipeline is sleeping for exactly that long. */
  advanceWhenSleeping(ms: number): Promise<void>;
}

/** One check of the suite. */
export interface Check {
  readonly group: CheckGroup;
  readonly name: string;
  /** Whether the check applies to a subject. @default always */
  applies?(subject: ConformanceSubject): boolean;
  run(context: CheckContext): Promise<void>;
}
