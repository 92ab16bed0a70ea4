/** `RequestOptions.endpointId`: a call pinned to one endpoint uses it for every attempt, and no other. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, type BackendOptions, createBackend } from './backend.js';
import { FakeClock } from './clock.js';
import { CircuitOpenError, InvalidRequestError } from './errors/index.js';
import { type LoopbackServer, startLoopbackServer } from './testing/loopback-server.js';
import { waitFor } from './testing/wait-for.js';

let a: LoopbackServer;
let b: LoopbackServer;
let clock: FakeClock;
const backends: Backend[] = [];

beforeEach(async () => {
  [a, b] = await Promise.all([startLoopbackServer(), startLoopbackServer()]);
  for (const [server, name] of [
    [a, 'a'],
    [b, 'b'],
  ] as const) {
    server.handle((ex) => ex.json(200, { from: name }));
  }
  clock = new FakeClock(1_700_000_000_000);
});

afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.destroy();
  await Promise.all([a.close(), b.close()]);
});

function make(overrides: Partial<BackendOptions> = {}): Backend {
  const backend = createBackend({
    provider: 'test',
    endpoints: [
      { id: 'a', baseURL: a.url() },
      { id: 'b', baseURL: b.url() },
    ],
    strategy: 'round-robin',
    retry: { jitter: 'none', initialDelayMs: 100, budget: false },
    clock,
    ...overrides,
  });
  backends.push(backend);
  return backend;
}

const whoAnswers = {
  operation: 'who',
  method: 'GET' as const,
  path: '/who',
  parse: async (r: { body: { json(): Promise<unknown> } }) => (await r.body.json()) as { from: string },
};

describe('RequestOptions.endpointId', () => {
  it('sends every call to the chosen endpoint, whatever the strategy would pick', async () => {
    const backend = make();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => backend.call(whoAnswers, { endpointId: 'b' })),
    );
    expect(answers.map((r) => r.from)).toEqual(['b', 'b', 'b', 'b', 'b', 'b']);
    expect(a.exchanges).toHaveLength(0);
    // Unpinned, round-robin uses both.
    const free = await Promise.all([backend.call(whoAnswers), backend.call(whoAnswers)]);
    expect(new Set(free.map((r) => r.from))).toEqual(new Set(['a', 'b']));
  });

  it('keeps a retry on the same endpoint (unpinned, it would move to the other)', async () => {
    let failed = false;
    b.handle((ex) => {
      if (!failed) {
        failed = true;
        return ex.json(500, { error: 'boom' });
      }
      return ex.json(200, { from: 'b' });
    });
    const backend = make();
    const pending = backend.call(whoAnswers, { endpointId: 'b' });
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'the backoff sleep');
    await clock.advance(100);
    expect(await pending).toEqual({ from: 'b' });
    expect(b.exchanges).toHaveLength(2);
    expect(a.exchanges).toHaveLength(0);
    const [record] = backend.recentRequests(1);
    expect(record?.attempts.map((attempt) => attempt.lane)).toEqual(['b', 'b']);
  });

  it('fails fast while the chosen endpoint is open, though another is healthy', async () => {
    const backend = make();
    backend
      .lanes()
      .find((lane) => lane.id === 'b')
      ?.breaker.isolate();
    await expect(backend.call(whoAnswers, { endpointId: 'b' })).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(backend.call(whoAnswers, { endpointId: 'b' })).rejects.toThrow(/endpoint b/);
    expect(a.exchanges).toHaveLength(0);
    expect(b.exchanges).toHaveLength(0);
    expect((await backend.call(whoAnswers)).from).toBe('a');
  });

  it('refuses an unknown or malformed endpoint id before anything is sent', async () => {
    const backend = make();
    await expect(backend.call(whoAnswers, { endpointId: 'c' })).rejects.toThrow(InvalidRequestError);
    await expect(backend.call(whoAnswers, { endpointId: 'c' })).rejects.toThrow(/no endpoint with id "c"/);
    await expect(backend.call(whoAnswers, { endpointId: '' })).rejects.toThrow(InvalidRequestError);
    await expect(backend.call(whoAnswers, { endpointId: 7 as unknown as string })).rejects.toThrow(
      /endpointId must be a non-empty string/,
    );
    expect(a.exchanges.length + b.exchanges.length).toBe(0);
  });

  it('pins execute() too', async () => {
    const backend = make();
    const lanes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await backend.execute(
        'probe',
        async (context) => {
          lanes.push(context.lane.id);
        },
        { endpointId: 'a' },
      );
    }
    expect(lanes).toEqual(['a', 'a', 'a']);
  });
});

describe('fail-fast refusals', () => {
  it('are built without a stack trace: a burst against open breakers pays for no stack per call', async () => {
    const backend = make();
    for (const lane of backend.lanes()) lane.breaker.isolate();
    const errors = await Promise.all(
      Array.from({ length: 3 }, () =>
        backend.call(whoAnswers).then(
          () => new Error('expected a refusal'),
          (e: unknown) => e as Error,
        ),
      ),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(error.stack).not.toMatch(/\n\s+at /);
      expect(error.message).toMatch(/circuit open for every endpoint/);
    }
    expect(a.exchanges.length + b.exchanges.length).toBe(0);
  });
});

describe('RequestOptions.bypassBreaker', () => {
  it('sends to the chosen endpoint while its breaker is open, and leaves the breaker as it was', async () => {
    const backend = make();
    const lane = backend.lanes().find((l) => l.id === 'b');
    lane?.breaker.isolate();
    const answer = await backend.call(whoAnswers, { endpointId: 'b', bypassBreaker: true });
    expect(answer.from).toBe('b');
    expect(lane?.breaker.state).toBe('isolated');
    await expect(backend.call(whoAnswers, { endpointId: 'b' })).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('does not feed the breaker: failures sent past it never open it', async () => {
    b.handle((ex) => ex.json(500, { error: 'down' }));
    const backend = make({ breaker: { consecutiveFailures: 2 }, retry: { maxRetries: 0 } });
    for (let i = 0; i < 4; i++) {
      await expect(backend.call(whoAnswers, { endpointId: 'b', bypassBreaker: true })).rejects.toThrow();
    }
    const lane = backend.lanes().find((l) => l.id === 'b');
    expect(lane?.breaker.state).toBe('closed');
    expect(lane?.breaker.snapshot().consecutiveFailures).toBe(0);
    expect(b.exchanges).toHaveLength(4);
  });

  it('needs endpointId and a boolean', async () => {
    const backend = make();
    await expect(backend.call(whoAnswers, { bypassBreaker: true })).rejects.toThrow(
      /bypassBreaker needs endpointId/,
    );
    await expect(
      backend.call(whoAnswers, { endpointId: 'b', bypassBreaker: 'yes' as unknown as boolean }),
    ).rejects.toThrow(/bypassBreaker must be a boolean/);
    expect(a.exchanges.length + b.exchanges.length).toBe(0);
  });
});
