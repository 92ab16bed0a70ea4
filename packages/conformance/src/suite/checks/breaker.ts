/** Breaker: opens on failures, fails fast, recovers through a half-open probe; 429 is not a failure. */

import { expectEqual, expectRejects } from '../assert.js';
import type { Check } from '../types.js';

export const breakerChecks: Check[] = [
  {
    group: 'breaker',
    name: 'opens after 5 consecutive failures and fails fast without calling the service',
    async run({ subject, emulator, client }) {
      const c = client({ retry: { maxRetries: 0 } });
      emulator.script(
        subject.callRoute,
        Array.from({ length: 5 }, () => ({ kind: 'error' as const, status: 500 })),
      );
      for (let i = 0; i < 5; i++)
        await expectRejects(subject.call(c, `f${i}`), 'server_error', `failure ${i + 1}`);
      const error = await expectRejects(
        subject.call(c, 'fast'),
        'circuit_open',
        'the call after the breaker opened',
      );
      expectEqual(error.retryAfterMs, 30_000, 'retryAfterMs while open');
      expectEqual(emulator.requests.length, 5, 'requests that reached the service');
    },
  },
  {
    group: 'breaker',
    name: 'half-open after the open period: one probe closes it again',
    async run({ subject, emulator, client, clock }) {
      const c = client({ retry: { maxRetries: 0 } });
      emulator.script(
        subject.callRoute,
        Array.from({ length: 5 }, () => ({ kind: 'error' as const, status: 503 })),
      );
      for (let i = 0; i < 5; i++)
        await expectRejects(subject.call(c, `f${i}`), 'overloaded', `failure ${i + 1}`);
      await expectRejects(subject.call(c, 'still-open'), 'circuit_open', 'before the open period ends');
      await clock.advance(30_000);
      await subject.call(c, 'probe');
      expectEqual(c.lanes()[0]?.breaker.state, 'closed', 'breaker state after the probe');
      await subject.call(c, 'after');
      expectEqual(emulator.requests.length, 7, 'requests');
    },
  },
  {
    group: 'breaker',
    name: 'rate limits do not trip the breaker (quota is not health)',
    async run({ subject, emulator, client }) {
      const c = client({ retry: { maxRetries: 0 } });
      emulator.script(
        subject.callRoute,
        Array.from({ length: 6 }, () => ({ kind: 'error' as const, status: 429 })),
      );
      for (let i = 0; i < 6; i++)
        await expectRejects(subject.call(c, `r${i}`), 'rate_limited', `429 number ${i + 1}`);
      expectEqual(c.lanes()[0]?.breaker.state, 'closed', 'breaker state after six 429s');
    },
  },
];
