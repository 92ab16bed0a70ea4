/** Queue and Priority: limits and order as the service sees them, from the outside. */

import { expectEqual, expectRejects, expectTrue } from '../assert.js';
import type { Check } from '../types.js';

export const admissionChecks: Check[] = [
  {
    group: 'queue',
    name: 'the service never sees more than the concurrency limit',
    async run({ subject, emulator, client, until }) {
      const c = client({ queue: { concurrency: 2, capacity: 10 } });
      emulator.script(
        subject.callRoute,
        Array.from({ length: 6 }, () => ({ kind: 'hold' as const })),
      );
      const calls = Array.from({ length: 6 }, (_, i) => subject.call(c, `q${i}`));
      await until(() => emulator.held === 2, 'two requests held by the service');
      expectEqual(c.lanes()[0]?.queue.size, 4, 'requests waiting in the queue');
      for (let released = 0; released < 6; released++) {
        await until(() => emulator.held >= 1, 'a held request');
        emulator.release(1);
      }
      await Promise.all(calls);
      expectEqual(emulator.maxInFlight, 2, 'most requests in flight at the service');
      expectEqual(emulator.requests.length, 6, 'requests received');
    },
  },
  {
    group: 'queue',
    name: 'a full queue sheds at once with QueueFullError',
    async run({ subject, emulator, client, until }) {
      const c = client({ queue: { concurrency: 1, capacity: 2 } });
      emulator.script(subject.callRoute, [{ kind: 'hold' }]);
      const admitted = [subject.call(c, 'a'), subject.call(c, 'b'), subject.call(c, 'c')];
      await until(() => emulator.held === 1, 'the first request held');
      await expectRejects(subject.call(c, 'shed'), 'queue_full', 'the call beyond capacity');
      expectEqual(emulator.requests.length, 1, 'requests that reached the service while full');
      emulator.release();
      await Promise.all(admitted);
      expectEqual(emulator.requests.length, 3, 'requests after draining');
    },
  },
  {
    group: 'priority',
    name: 'high runs before normal before low, FIFO within a level',
    async run({ subject, emulator, client, until }) {
      const c = client({ queue: { concurrency: 1, capacity: 10 } });
      emulator.script(subject.callRoute, [{ kind: 'hold' }]);
      const first = subject.call(c, 'first');
      await until(() => emulator.held === 1, 'the first request held');
      const queued = [
        subject.call(c, 'low-1', { priority: 'low' }),
        subject.call(c, 'normal-1'),
        subject.call(c, 'high-1', { priority: 'high' }),
        subject.call(c, 'low-2', { priority: 'low' }),
        subject.call(c, 'high-2', { priority: 'high' }),
      ];
      emulator.release();
      await Promise.all([first, ...queued]);
      const order = emulator.requests.map((r) => subject.tagOf(r));
      expectEqual(
        order,
        ['first', 'high-1', 'high-2', 'normal-1', 'low-1', 'low-2'],
        'order seen by the service',
      );
      expectTrue(
        c.recentRequests(10).some((r) => r.priority === 'low'),
        'priority recorded in the ledger',
      );
    },
  },
];
