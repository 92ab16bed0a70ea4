/**
 * A provider client on a scripted loopback server and a FakeClock, started and stopped by the test file's
 * hooks: the set-up every provider's client tests share.
 */
import { FakeClock } from '../clock.js';
import { type ScriptedServer, startScriptedServer } from './scripted-server.js';

/** How to build the client under test. */
export interface ClientHarnessConfig<C, O extends object> {
  /** Path prefix the scripted server answers under, e.g. `/v1`. */
  basePath?: string;
  /** The client factory, e.g. `createOpenAI`. */
  create(options: O): C;
  /** The options of the default client, for this run's server and clock. */
  defaults(server: ScriptedServer, clock: FakeClock): O;
  /** The clock's start time. @default 1_700_000_000_000 */
  startTime?: number;
}

/** A harness: what a test sees (server, clock, client) and what the hooks call (start, stop). */
export interface ClientHarness<C, O extends object> {
  readonly server: ScriptedServer;
  readonly clock: FakeClock;
  readonly client: C;
  /** Replaces the client with one made from the defaults plus `options`. */
  reopen(options?: Partial<O>): Promise<void>;
  /** Replaces the client with one made from exactly `options`. */
  replace(options: O): Promise<void>;
  /** Starts a fresh server, clock and default client (call it in `beforeEach`). */
  start(): Promise<void>;
  /** Destroys the client and closes the server (call it in `afterEach`). */
  stop(): Promise<void>;
}

/**
 * A client harness for `config`; register `start` and `stop` as the file's `beforeEach`/`afterEach`.
 *
 * @example
 * ```ts
 * const harness = clientHarness({ basePath: '/v1', create: createOpenAI, defaults: (server, clock) =>
 *   ({ apiKey: 'sk-test', baseURL: server.baseURL, clock }) });
 * beforeEach(() => harness.start());
 * afterEach(() => harness.stop());
 * ```
 */
export function clientHarness<C extends { destroy(): Promise<void> }, O extends object>(
  config: ClientHarnessConfig<C, O>,
): ClientHarness<C, O> {
  const startTime = config.startTime ?? 1_700_000_000_000;
  let server: ScriptedServer | undefined;
  let clock = new FakeClock(startTime);
  let client: C | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('harness not started');
    return value;
  };
  const harness: ClientHarness<C, O> = {
    get server() {
      return started(server);
    },
    get clock() {
      return clock;
    },
    get client() {
      return started(client);
    },
    async reopen(options = {}) {
      await harness.replace({ ...config.defaults(started(server), clock), ...options });
    },
    async replace(options) {
      await client?.destroy();
      client = config.create(options);
    },
    async start() {
      server = await startScriptedServer({ basePath: config.basePath });
      clock = new FakeClock(startTime);
      client = config.create(config.defaults(server, clock));
    },
    async stop() {
      await client?.destroy();
      client = undefined;
      await server?.close();
      server = undefined;
    },
  };
  return harness;
}
