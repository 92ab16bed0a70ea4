/**
 * The chaos soak in the tests: 5,000 requests over the eleven backends (`pnpm soak` runs 100,000), and proof
 * that the soak's invariants catch what they claim to.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../backends.js';
import { openaiSubject } from '../subjects/openai.js';
import type { ConformanceSubject } from '../suite/types.js';
import { SOAK_FAULT_KINDS } from './fault-mix.js';
import { runSoak } from './run-soak.js';
import type { SoakReport } from './soak-types.js';

const TOTAL = 5_000;
const subjects = BACKENDS.flatMap((b) => (b.subject ? [b.subject()] : []));

function expectHealthy(report: SoakReport, requests: number): void {
  expect(report.violations, report.title).toEqual([]);
  expect(report.requests).toBeGreaterThanOrEqual(requests);
  const { success, error, broken } = report.settled;
  expect(success + error + broken).toBe(report.requests);
  expect(report.faultsInjected).toBeGreaterThan(requests * 0.1);
  // Not an invariant, a guard against a degenerate run (everything shed): at a 0.3 fault rate on a loaded
  // 2-core machine about half succeed, and never less than a third in any run seen.
  expect(report.settled.success).toBeGreaterThan(requests * 0.25);
  expect(report.retries).toBeGreaterThan(0);
  expect(report.breakerTrips).toBeGreaterThan(0);
  expect(report.leaks).toEqual([]);
  expect(report.unhandledRejections).toBe(0);
  expect(report.maxInFlight).toBeLessThanOrEqual(report.concurrencyLimit);
}

describe(`the chaos soak, ${TOTAL} requests over every backend`, () => {
  it.each(subjects.map((s, i) => [s.title, s, i] as const))(
    '%s keeps every invariant',
    async (_, subject, i) => {
      const requests = Math.ceil(TOTAL / subjects.length);
      // A 0.3 fault rate makes breaker trips certain in a run this short (the CLI's default is 0.2).
      const report = await runSoak(subject, { requests, seed: 100 + i, faultRate: 0.3 });
      expectHealthy(report, requests);
    },
  );
});

describe('the soak catches broken promises', () => {
  it('an untyped error is a violation', async () => {
    const base = openaiSubject();
    let calls = 0;
    const subject: ConformanceSubject<ReturnType<typeof base.createClient>> = {
      ...base,
      call: (client, tag, options) =>
        ++calls % 50 === 0 ? Promise.reject(new TypeError('oops')) : base.call(client, tag, options),
    };
    const report = await runSoak(subject, { requests: 300, expectBreakerTrips: false });
    expect(report.errorsByCode.untyped).toBeGreaterThan(0);
    expect(report.violations.join('\n')).toMatch(/untyped error: TypeError: oops/);
  });

  it('a request the tracker does not know about is a violation', async () => {
    const base = openaiSubject();
    const subject: ConformanceSubject<ReturnType<typeof base.createClient>> = {
      ...base,
      // Settles without going through the pipeline: the tracker never ends a record for it.
      call: async (client, tag, options) =>
        tag.endsWith('7-c') ? { text: 'made up' } : base.call(client, tag, options),
    };
    const report = await runSoak(subject, { requests: 200, faultRate: 0, expectBreakerTrips: false });
    expect(report.violations.join('\n')).toMatch(/the tracker never ended its record/);
  });

  it('a request that never settles is a violation, and the soak still ends', async () => {
    const base = openaiSubject();
    const subject: ConformanceSubject<ReturnType<typeof base.createClient>> = {
      ...base,
      call: (client, tag, options) =>
        tag === 'soak-13-c' ? new Promise<never>(() => undefined) : base.call(client, tag, options),
      stream: undefined,
    };
    const report = await runSoak(subject, {
      requests: 100,
      faultRate: 0,
      settleTimeoutMs: 300,
      expectBreakerTrips: false,
    });
    expect(report.violations.join('\n')).toMatch(/1 requests did not settle within 300 ms/);
    expect(report.leaks).toEqual([]);
  });

  it('a server left listening is a leak', async () => {
    const base = openaiSubject();
    const leaked = createServer();
    const subject: ConformanceSubject<ReturnType<typeof base.createClient>> = {
      ...base,
      createClient: (options) => {
        leaked.listen(0, '127.0.0.1');
        return base.createClient(options);
      },
    };
    try {
      const report = await runSoak(subject, { requests: 50, faultRate: 0, expectBreakerTrips: false });
      expect(report.leaks).toContain('TCPServerWrap +1');
      expect(report.violations.join('\n')).toMatch(/leaked after close: .*TCPServerWrap \+1/);
    } finally {
      leaked.close();
    }
  });

  it('a client that runs more at once than its lane allows is caught by the emulator gauge', async () => {
    const base = openaiSubject();
    const subject: ConformanceSubject<ReturnType<typeof base.createClient>> = {
      ...base,
      // Ignores the soak's concurrency of 4 per lane.
      createClient: (options) =>
        base.createClient({ ...options, queue: { ...options.queue, concurrency: 12 } }),
    };
    const weights = Object.fromEntries(SOAK_FAULT_KINDS.map((k) => [k, k === 'delay' ? 1 : 0]));
    const report = await runSoak(subject, {
      requests: 200,
      faultRate: 1,
      faultWeights: weights,
      expectBreakerTrips: false,
    });
    expect(report.maxInFlight).toBeGreaterThan(report.concurrencyLimit);
    expect(report.violations.join('\n')).toMatch(/concurrent requests; the lane allows 4/);
  });
});

describe('ipfs-accelerate-soak (built)', () => {
  const cli = fileURLToPath(new URL('../../dist/soak-cli.js', import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });

  it('runs every backend, prints the table and exits by itself with 0', () => {
    const result = run('--requests', '550', '--seed', '9');
    expect(result.error).toBeUndefined();
    expect(result.signal).toBeNull();
    expect(result.status, result.stderr).toBe(0);
    for (const b of BACKENDS) expect(result.stdout).toMatch(new RegExp(`${b.title}\\s+\\d+.*pass`));
    expect(result.stdout).toMatch(/Faults injected: .*\d/);
    expect(result.stdout).toMatch(/Final errors by code: /);
    expect(result.stdout).toContain('Every invariant held; nothing leaked.');
  });

  it('rejects bad arguments with exit code 2', () => {
    expect(run('--requests', '0').status).toBe(2);
    expect(run('--fault-rate', '2').status).toBe(2);
    expect(run('--only', 'nope').stderr).toContain('unknown backend: nope');
  });
});
