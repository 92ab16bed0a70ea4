/** Tracking and Multiplex: the ledger, stats, and several endpoints with their own keys and limits. */
import { REQUEST_ID_PATTERN } from '@ipfs-accelerate/core';
import { expectEqual, expectRejects, expectTrue } from '../assert.js';
import type { Check } from '../types.js';

export const observabilityChecks: Check[] = [
  {
    group: 'tracking',
    name: 'every request gets an id, a record of its attempts and the service request id',
    async run({ subject, emulator, client, advanceWhenSleeping }) {
      const c = client();
      await subject.call(c, 'tracked', { requestId: 'req_conformance_1' });
      const record = c.findRequest('req_conformance_1');
      expectTrue(record, 'the record of a request with a caller-given id');
      expectEqual([record.outcome, record.attempts.length], ['success', 1], 'outcome and attempts');
      if (subject.providerRequestIds)
        expectTrue(record.providerRequestId, 'the service request id is recorded');
      emulator.script(subject.callRoute, [{ kind: 'error', status: 500 }]);
      const pending = subject.call(c, 'tracked-retry');
      await advanceWhenSleeping(100);
      await pending;
      const latest = c.recentRequests(1)[0];
      expectTrue(
        latest && REQUEST_ID_PATTERN.test(latest.id),
        `a generated id like req_…, got ${latest?.id}`,
      );
      expectEqual(
        latest?.attempts.map((a) => a.errorCode ?? null),
        ['server_error', null],
        'attempt error codes',
      );
      const stats = c.stats();
      expectEqual([stats.requests, stats.succeeded, stats.retries, stats.attempts], [2, 2, 1, 3], 'stats');
      expectTrue(stats.latency.count === 2, 'latency histogram counts both requests');
    },
  },
  {
    group: 'tracking',
    name: 'failures are counted by error code, and resetStats zeroes them',
    async run({ subject, emulator, client }) {
      const c = client({ retry: { maxRetries: 0 } });
      emulator.script(subject.callRoute, [{ kind: 'error', status: 400 }]);
      await expectRejects(subject.call(c, 'bad'), 'invalid_request', 'a 400');
      expectEqual(c.stats().errorsByCode, { invalid_request: 1 }, 'errors by code');
      c.resetStats();
      expectEqual(c.stats().requests, 0, 'requests after resetStats');
    },
  },
  {
    group: 'multiplex',
    name: 'two endpoints with their own keys and limits, round-robin honoured',
    async run({ subject, emulator, client, extraEmulator, until }) {
      const second = await extraEmulator(['key-second']);
      const c = client({
        strategy: 'round-robin',
        endpoints: [
          { id: 'first', baseURL: emulator.baseURL, apiKey: 'key-first', queue: { concurrency: 1 } },
          { id: 'second', baseURL: second.baseURL, apiKey: 'key-second', queue: { concurrency: 2 } },
        ],
      });
      for (let i = 0; i < 4; i++) await subject.call(c, `rr${i}`);
      expectEqual([emulator.requests.length, second.requests.length], [2, 2], 'requests per endpoint');
      if (subject.usesApiKey) {
        const keyOf = (r: { headers: Record<string, unknown> }) => JSON.stringify(r.headers);
        expectTrue(
          emulator.requests.every((r) => keyOf(r).includes('key-first')),
          'first endpoint got its own key',
        );
        expectTrue(
          second.requests.every((r) => keyOf(r).includes('key-second')),
          'second endpoint got its own key',
        );
        expectTrue(
          !emulator.requests.some((r) => keyOf(r).includes('key-second')),
          'keys never cross endpoints',
        );
      }
      emulator.script(
        subject.callRoute,
        Array.from({ length: 3 }, () => ({ kind: 'hold' as const })),
      );
      second.script(
        subject.callRoute,
        Array.from({ length: 3 }, () => ({ kind: 'hold' as const })),
      );
      emulator.resetGauges();
      second.resetGauges();
      const calls = Array.from({ length: 6 }, (_, i) => subject.call(c, `limit${i}`));
      await until(() => emulator.held === 1 && second.held === 2, 'each endpoint at its own limit');
      // From here on both services answer at once; the queued calls follow within each endpoint's limit.
      emulator.clearScripts();
      second.clearScripts();
      emulator.release();
      second.release();
      await Promise.all(calls);
      expectEqual([emulator.maxInFlight, second.maxInFlight], [1, 2], 'most in flight per endpoint');
      const { endpoints } = c.stats();
      expectEqual([endpoints.first?.requests, endpoints.second?.requests], [5, 5], 'per-endpoint stats');
    },
  },
  {
    group: 'multiplex',
    name: 'a failing endpoint is avoided: retries and new calls go to the healthy one',
    async run({ subject, emulator, client, extraEmulator }) {
      const second = await extraEmulator(['key-second']);
      const c = client({
        strategy: 'failover',
        retry: { maxRetries: 2, jitter: 'none', initialDelayMs: 0 },
        endpoints: [
          { id: 'primary', baseURL: emulator.baseURL, apiKey: 'key-first' },
          { id: 'backup', baseURL: second.baseURL, apiKey: 'key-second' },
        ],
      });
      emulator.script(
        subject.callRoute,
        Array.from({ length: 20 }, () => ({ kind: 'error' as const, status: 500 })),
      );
      for (let i = 0; i < 8; i++) await subject.call(c, `fo${i}`);
      expectEqual(emulator.requests.length, 5, 'requests to the failing endpoint before its breaker opened');
      expectEqual(second.requests.length, 8, 'requests served by the healthy endpoint');
      expectEqual(c.lanes()[0]?.breaker.state, 'open', 'the failing endpoint breaker');
    },
  },
];
