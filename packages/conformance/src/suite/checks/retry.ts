/** Backoff and Retry-After: what is retried, when, and what is not. */

import { expectEqual, expectRejects, expectTrue } from '../assert.js';
import type { Check } from '../types.js';

export const retryChecks: Check[] = [
  {
    group: 'backoff',
    name: 'a 5xx is retried after the backoff delay',
    async run({ subject, emulator, client, advanceWhenSleeping }) {
      const c = client();
      emulator.script(subject.callRoute, [{ kind: 'error', status: 500 }]);
      const pending = subject.call(c, 'retry-5xx');
      await advanceWhenSleeping(100);
      await pending;
      expectEqual(emulator.requests.length, 2, 'requests for one call');
      const attempts = c.recentRequests(1)[0]?.attempts ?? [];
      expectEqual(
        attempts.map((a) => [a.delayBeforeMs, a.delaySource]),
        [
          [0, 'none'],
          [100, 'backoff'],
        ],
        'attempt delays',
      );
    },
  },
  {
    group: 'backoff',
    name: 'a connection reset is retried',
    async run({ subject, emulator, client, advanceWhenSleeping }) {
      const c = client();
      emulator.script(subject.callRoute, [{ kind: 'reset-before-headers' }]);
      const pending = subject.call(c, 'retry-reset');
      await advanceWhenSleeping(100);
      await pending;
      expectEqual(emulator.requests.length, 2, 'requests for one call');
      expectEqual(c.recentRequests(1)[0]?.attempts[0]?.errorCode, 'connection_failed', 'first attempt error');
    },
  },
  {
    group: 'backoff',
    name: '400 and 401 are not retried',
    async run({ subject, emulator, client }) {
      const c = client();
      emulator.script(subject.callRoute, [{ kind: 'error', status: 400 }]);
      await expectRejects(subject.call(c, 'bad'), 'invalid_request', 'a 400');
      expectEqual(emulator.requests.length, 1, 'requests after a 400');
      emulator.script(subject.callRoute, [{ kind: 'error', status: 401 }]);
      await expectRejects(subject.call(c, 'unauthorised'), 'authentication_failed', 'a 401');
      expectEqual(emulator.requests.length, 2, 'requests after a 401');
    },
  },
  {
    group: 'retry-after',
    name: 'retry-after (seconds) is honoured over the backoff',
    async run({ subject, emulator, client, advanceWhenSleeping }) {
      const c = client();
      emulator.script(subject.callRoute, [{ kind: 'error', status: 429, headers: { 'retry-after': '2' } }]);
      const pending = subject.call(c, 'retry-after');
      await advanceWhenSleeping(2000);
      await pending;
      const attempt = c.recentRequests(1)[0]?.attempts[1];
      expectEqual(
        [attempt?.delayBeforeMs, attempt?.delaySource],
        [2000, 'retry-after'],
        'second attempt delay',
      );
    },
  },
  {
    group: 'retry-after',
    name: 'retry-after-ms wins over retry-after',
    async run({ subject, emulator, client, advanceWhenSleeping }) {
      const c = client();
      emulator.script(subject.callRoute, [
        { kind: 'error', status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '9' } },
      ]);
      const pending = subject.call(c, 'retry-after-ms');
      await advanceWhenSleeping(1500);
      await pending;
      const attempt = c.recentRequests(1)[0]?.attempts[1];
      expectEqual(
        [attempt?.delayBeforeMs, attempt?.delaySource],
        [1500, 'retry-after-ms'],
        'second attempt delay',
      );
    },
  },
  {
    group: 'retry-after',
    name: 'a hint beyond the cap fails at once, carrying the hint',
    async run({ subject, emulator, client }) {
      const c = client();
      emulator.script(subject.callRoute, [{ kind: 'error', status: 429, headers: { 'retry-after': '120' } }]);
      const error = await expectRejects(subject.call(c, 'too-long'), 'rate_limited', 'a 120 s hint');
      expectEqual(error.retryAfterMs, 120_000, 'retryAfterMs on the error');
      expectEqual(emulator.requests.length, 1, 'requests');
      expectTrue(c.lanes()[0]?.queue.pausedUntil !== undefined, 'the lane is paused for the hint');
    },
  },
];
