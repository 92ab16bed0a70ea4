/**
 * Multiplexing: a backend holds one or more endpoints (base URL, key, own limits, weight). Each endpoint is a
 * lane with its own admission queue and circuit breaker; a strategy picks the lane for every attempt.
 */
import { inspect } from 'node:util';
import { AdmissionQueue, type QueueOptions } from './admission-queue.js';
import { type BreakerOptions, CircuitBreaker } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import { CircuitOpenError, InvalidRequestError } from './errors/index.js';
import { ownRejection } from './own-rejection.js';
import { Secret } from './redact.js';
import type { RateLimitInfo } from './retry-hints.js';
import { DIAGNOSTIC_CHANNELS, publish } from './tracking/diagnostics.js';
import { assertSafeHeaders, quoteUrl } from './transport/validate-http-request.js';

/**
 * Bumped whenever any lane's secrets may have changed (a lane made, updated or removed), so a redactor built
 * from the secrets can be kept until then instead of being rebuilt for every error. @internal
 */
export let secretsEpoch = 0;

/** How the lane for an attempt is chosen. */
export type LaneStrategy = 'least-loaded' | 'round-robin' | 'failover';

/** One endpoint of a backend. */
export interface EndpointConfig {
  /** A stable id for stats and management. @default `endpoint_<n>` */
  id?: string;
  /** Base URL (http or https) that request paths are appended to. */
  baseURL: string;
  /** The credential for this endpoint. Kept in a {@link Secret}; never printed. */
  apiKey?: string;
  /** Extra credentials some protocols need (e.g. an S3 secret key); kept as secrets too. */
  secrets?: Record<string, string | undefined>;
  /** Relative capacity share for least-loaded and round-robin. @default 1 */
  weight?: number;
  /** This endpoint's queue limits; unset fields come from the backend's defaults. */
  queue?: QueueOptions;
  /** This endpoint's breaker settings; unset fields come from the backend's defaults. */
  breaker?: BreakerOptions;
  /** Headers sent with every request to this endpoint (not secret: do not put keys here). */
  headers?: Record<string, string>;
}

/** A change to an endpoint at run time; fields left out stay as they are. */
export type EndpointPatch = Partial<Omit<EndpointConfig, 'id'>>;

/** What a provider adapter sees of the lane an attempt runs on. */
export interface LaneInfo {
  readonly id: string;
  readonly baseURL: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The endpoint's key, revealed for building the request; do not store or log it. */
  apiKey(): string | undefined;
  /** Another named secret of the endpoint (e.g. `secretAccessKey`). */
  secret(name: string): string | undefined;
}

/** A lane: one endpoint with its queue and breaker. */
export class Lane implements LaneInfo {
  readonly id: string;
  readonly queue: AdmissionQueue;
  readonly breaker: CircuitBreaker;
  #baseURL: string;
  #weight: number;
  #headers: Record<string, string>;
  #apiKey: Secret | undefined;
  #secrets: Map<string, Secret>;
  #removed = false;
  /** The latest rate-limit state the service reported for this endpoint (`x-ratelimit-*`, `anthropic-ratelimit-*`). */
  rateLimit: (RateLimitInfo & { observedAt: number }) | undefined;

  constructor(id: string, config: EndpointConfig, defaults: LaneDefaults) {
    this.id = id;
    this.#baseURL = normalizeBaseURL(config.baseURL);
    this.#weight = validateWeight(config.weight);
    validateApiKey(config.apiKey);
    assertSafeHeaders(config.headers);
    this.#headers = { ...config.headers };
    this.#apiKey =
      config.apiKey === undefined || config.apiKey === '' ? undefined : new Secret(config.apiKey);
    secretsEpoch++;
    this.#secrets = new Map();
    for (const [name, value] of Object.entries(config.secrets ?? {})) {
      if (value !== undefined && value !== '') this.#secrets.set(name, new Secret(value));
    }
    this.queue = new AdmissionQueue({ ...defaults.queue, ...config.queue, clock: defaults.clock });
    this.breaker = new CircuitBreaker({
      ...defaults.breaker,
      ...config.breaker,
      clock: defaults.clock,
      name: id,
    });
    const provider = defaults.provider;
    this.breaker.onStateChange((change) =>
      publish(DIAGNOSTIC_CHANNELS.breakerState, () => ({ provider, lane: id, ...change })),
    );
  }

  get baseURL(): string {
    return this.#baseURL;
  }
  get weight(): number {
    return this.#weight;
  }
  get headers(): Readonly<Record<string, string>> {
    return this.#headers;
  }
  get removed(): boolean {
    return this.#removed;
  }
  apiKey(): string | undefined {
    return this.#apiKey?.reveal();
  }
  secret(name: string): string | undefined {
    return this.#secrets.get(name)?.reveal();
  }
  /** Every secret value of this lane, for redaction. @internal */
  secretValues(): string[] {
    const values = [...this.#secrets.values()].map((s) => s.reveal());
    const key = this.#apiKey?.reveal();
    if (key !== undefined) values.push(key);
    return values;
  }

  /** Load relative to capacity and weight: lower is better. */
  load(): number {
    return (this.queue.pending + this.queue.size) / (this.queue.concurrency * this.#weight);
  }

  /** Whether an attempt could be admitted here now (breaker passes, queue not paused or full). */
  available(): boolean {
    return (
      !this.#removed &&
      this.breaker.canPass() &&
      this.queue.pausedUntil === undefined &&
      (this.queue.pending < this.queue.concurrency || this.queue.size < this.queue.capacity)
    );
  }

  /** @internal */
  update(patch: EndpointPatch): void {
    // Everything is checked before anything changes, so a rejected patch leaves the lane as it was.
    const baseURL = patch.baseURL === undefined ? undefined : normalizeBaseURL(patch.baseURL);
    const weight = patch.weight === undefined ? undefined : validateWeight(patch.weight);
    validateApiKey(patch.apiKey);
    assertSafeHeaders(patch.headers);
    if (baseURL !== undefined) this.#baseURL = baseURL;
    if (weight !== undefined) this.#weight = weight;
    if (patch.headers !== undefined) this.#headers = { ...patch.headers };
    if (patch.apiKey !== undefined) this.#apiKey = patch.apiKey === '' ? undefined : new Secret(patch.apiKey);
    secretsEpoch++;
    for (const [name, value] of Object.entries(patch.secrets ?? {})) {
      if (value === undefined || value === '') this.#secrets.delete(name);
      else this.#secrets.set(name, new Secret(value));
    }
    if (patch.queue) this.queue.setLimits(patch.queue);
  }

  /** @internal */
  markRemoved(): void {
    this.#removed = true;
    secretsEpoch++;
  }

  /** A secret-free description. */
  describe(): EndpointDescription {
    return {
      id: this.id,
      baseURL: this.#baseURL,
      weight: this.#weight,
      hasApiKey: this.#apiKey !== undefined,
      breaker: this.breaker.state,
      rateLimit: this.rateLimit,
      queue: {
        size: this.queue.size,
        pending: this.queue.pending,
        capacity: this.queue.capacity,
        concurrency: this.queue.concurrency,
        pausedUntil: this.queue.pausedUntil,
      },
    };
  }

  [inspect.custom](): string {
    return `Lane ${inspect(this.describe())}`;
  }

  toJSON(): EndpointDescription {
    return this.describe();
  }
}

/** A secret-free view of an endpoint. */
export interface EndpointDescription {
  id: string;
  baseURL: string;
  weight: number;
  hasApiKey: boolean;
  breaker: string;
  rateLimit: (RateLimitInfo & { observedAt: number }) | undefined;
  queue: {
    size: number;
    pending: number;
    capacity: number;
    concurrency: number;
    pausedUntil: number | undefined;
  };
}

/** @internal */
export interface LaneDefaults {
  /** The backend's name, for events. */
  provider?: string;
  queue?: QueueOptions;
  breaker?: BreakerOptions;
  clock: Clock;
}

function validateWeight(weight: number | undefined): number {
  if (weight === undefined) return 1;
  if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) {
    throw new InvalidRequestError(`endpoint weight must be a positive finite number; got ${String(weight)}`);
  }
  return weight;
}

/**
 * Only absolute http(s) URLs are accepted, without credentials, query string or fragment (a key there
 * would show wherever the endpoint is described, and a path could not be appended after it); a trailing
 * slash is removed so paths join cleanly. Messages never quote credentials or a query string.
 */
export function normalizeBaseURL(baseURL: string): string {
  if (typeof baseURL !== 'string') {
    throw new InvalidRequestError(
      `baseURL must be a string; got ${baseURL === null ? 'null' : typeof baseURL}`,
    );
  }
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new InvalidRequestError(`baseURL is not a valid absolute URL: ${quoteUrl(baseURL)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidRequestError(`baseURL must use http or https; got ${JSON.stringify(url.protocol)}`);
  }
  if (url.username || url.password) {
    throw new InvalidRequestError('baseURL must not carry credentials; pass apiKey instead');
  }
  if (url.search !== '' || url.hash !== '' || baseURL.includes('?') || baseURL.includes('#')) {
    throw new InvalidRequestError(
      `baseURL must not have a query string or fragment (pass keys as apiKey): ${quoteUrl(baseURL)}`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** Rejects an API key that could not travel in a header (CR or LF would split it). */
function validateApiKey(apiKey: unknown): void {
  if (apiKey === undefined) return;
  if (typeof apiKey !== 'string') {
    throw new InvalidRequestError(`apiKey must be a string; got ${apiKey === null ? 'null' : typeof apiKey}`);
  }
  if (apiKey.includes('\r') || apiKey.includes('\n')) {
    throw new InvalidRequestError('apiKey contains CR or LF');
  }
}

/**
 * The set of lanes of one backend and the strategy that picks among them.
 */
export class EndpointPool {
  #lanes: Lane[] = [];
  #byId = new Map<string, Lane>();
  #strategy: LaneStrategy;
  #defaults: LaneDefaults;
  #cursor = 0;
  #counter = 0;

  constructor(configs: EndpointConfig[], strategy: LaneStrategy, defaults: LaneDefaults) {
    if (!['least-loaded', 'round-robin', 'failover'].includes(strategy)) {
      throw new InvalidRequestError(
        `strategy must be least-loaded, round-robin or failover; got ${JSON.stringify(strategy)}`,
      );
    }
    this.#strategy = strategy;
    this.#defaults = defaults;
    for (const config of configs) this.add(config);
  }

  get strategy(): LaneStrategy {
    return this.#strategy;
  }

  lanes(): readonly Lane[] {
    return this.#lanes;
  }

  get(id: string): Lane | undefined {
    return this.#byId.get(id);
  }

  add(config: EndpointConfig): Lane {
    if (typeof config !== 'object' || config === null) {
      throw new InvalidRequestError('endpoint config must be an object with a baseURL');
    }
    const id = config.id ?? this.#nextId();
    if (this.#byId.has(id)) throw new InvalidRequestError(`endpoint id ${JSON.stringify(id)} already exists`);
    const lane = new Lane(id, config, this.#defaults);
    this.#lanes.push(lane);
    this.#byId.set(id, lane);
    return lane;
  }

  /** Removes a lane: new attempts stop going there, waiting ones are rejected, running ones finish. */
  remove(id: string): void {
    const lane = this.#require(id);
    lane.markRemoved();
    this.#lanes = this.#lanes.filter((l) => l !== lane);
    this.#byId.delete(id);
    lane.queue.close(new InvalidRequestError(`endpoint ${id} was removed`));
  }

  update(id: string, patch: EndpointPatch): Lane {
    const lane = this.#require(id);
    lane.update(patch);
    return lane;
  }

  #require(id: string): Lane {
    const lane = this.#byId.get(id);
    if (!lane) throw new InvalidRequestError(`unknown endpoint id ${JSON.stringify(id)}`);
    return lane;
  }

  #nextId(): string {
    let id: string;
    do id = `endpoint_${this.#counter++}`;
    while (this.#byId.has(id));
    return id;
  }

  /**
   * Picks the lane for the next attempt. `avoid` is the lane the previous attempt failed on: another
   * available lane is preferred, but it is used when it is the only one. When no lane can take the
   * attempt, the error says why: every breaker open (with the soonest `retryAfterMs`), or every queue full.
   */
  select(avoid?: Lane): Lane {
    const lanes = this.#lanes;
    if (lanes.length === 0) throw new InvalidRequestError('the backend has no endpoints');
    if (lanes.length === 1) return this.#admissible(lanes[0] as Lane);
    let chosen: Lane | undefined;
    if (this.#strategy === 'failover') chosen = this.#firstAvailable(avoid);
    else if (this.#strategy === 'round-robin') chosen = this.#roundRobin(avoid);
    else chosen = this.#leastLoaded(avoid);
    if (chosen) return chosen;
    // Nothing is available: a paused lane still queues (it will run when the cooldown ends).
    const waiting =
      lanes.find((l) => l.breaker.canPass() && l !== avoid) ?? lanes.find((l) => l.breaker.canPass());
    if (waiting) return waiting;
    throw this.#allOpen();
  }

  /**
   * The lane a caller pinned a request to (`RequestOptions.endpointId`): an unknown id is an
   * InvalidRequestError, an open breaker a CircuitOpenError for that endpoint (unless the call bypasses the
   * breaker); other lanes are never used.
   */
  pinned(id: string, bypassBreaker = false): Lane {
    const lane = this.#byId.get(id);
    if (lane === undefined) {
      throw new InvalidRequestError(`no endpoint with id ${JSON.stringify(id)}`);
    }
    if (!bypassBreaker && !lane.breaker.canPass()) {
      const wait = lane.breaker.retryAfterMs();
      const retryAfterMs = Number.isFinite(wait) ? wait : undefined;
      throw ownRejection(
        () =>
          new CircuitOpenError(
            `circuit open for endpoint ${lane.id}${retryAfterMs === undefined ? '' : `; retry in ${retryAfterMs} ms`}`,
            { retryAfterMs },
          ),
      );
    }
    return lane;
  }

  #admissible(lane: Lane): Lane {
    if (!lane.breaker.canPass()) throw this.#allOpen();
    return lane;
  }

  #allOpen(): CircuitOpenError {
    let soonest = Number.POSITIVE_INFINITY;
    for (const lane of this.#lanes) soonest = Math.min(soonest, lane.breaker.retryAfterMs());
    const retryAfterMs = Number.isFinite(soonest) ? soonest : undefined;
    const which = this.#lanes.length === 1 ? `endpoint ${this.#lanes[0]?.id}` : 'every endpoint';
    // Failing fast is the point: a burst against open breakers must not pay for a stack per call.
    return ownRejection(
      () =>
        new CircuitOpenError(
          `circuit open for ${which}${retryAfterMs === undefined ? '' : `; retry in ${retryAfterMs} ms`}`,
          { retryAfterMs },
        ),
    );
  }

  #firstAvailable(avoid?: Lane): Lane | undefined {
    for (const lane of this.#lanes) if (lane !== avoid && lane.available()) return lane;
    return avoid?.available() ? avoid : undefined;
  }

  #roundRobin(avoid?: Lane): Lane | undefined {
    const n = this.#lanes.length;
    for (let i = 0; i < n; i++) {
      const lane = this.#lanes[(this.#cursor + i) % n] as Lane;
      if (lane !== avoid && lane.available()) {
        this.#cursor = (this.#cursor + i + 1) % n;
        return lane;
      }
    }
    return avoid?.available() ? avoid : undefined;
  }

  #leastLoaded(avoid?: Lane): Lane | undefined {
    let best: Lane | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    const n = this.#lanes.length;
    // Start the scan at a rotating cursor so equal loads spread across lanes instead of piling on the first.
    for (let i = 0; i < n; i++) {
      const lane = this.#lanes[(this.#cursor + i) % n] as Lane;
      if (lane === avoid || !lane.available()) continue;
      const load = lane.load();
      if (load < bestLoad) {
        best = lane;
        bestLoad = load;
      }
    }
    this.#cursor = (this.#cursor + 1) % n;
    if (best) return best;
    return avoid?.available() ? avoid : undefined;
  }

  /** Rejects new work on every lane (waiting entries get an AbortError). */
  close(reason: Error): void {
    for (const lane of this.#lanes) lane.queue.close(reason);
  }

  /** Every secret of every lane, for redaction. */
  secretValues(): string[] {
    return this.#lanes.flatMap((l) => l.secretValues());
  }
}
