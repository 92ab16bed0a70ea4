/** Stream and Cancel: commit-point retries, typed stream failures, and aborts that leave nothing behind. */

import { drain, expectEqual, expectRejects, expectTrue } from '../assert.js';
import type { Check, ConformanceSubject } from '../types.js';

const streams = (s: ConformanceSubject) => s.stream !== undefined && s.streamRoute !== undefined;

export const streamingChecks: Check[] = [
  {
    group: 'stream',
    name: 'deltas arrive in order with usage at the end',
    applies: streams,
    async run({ subject, client }) {
      const c = client();
      const stream = subject.stream!(c, 'stream ordered words');
      const events = await drain(stream);
      const summary = subject.streamSummary!(events);
      expectTrue(
        summary.text.includes('stream ordered words'),
        `the streamed text in order, got ${JSON.stringify(summary.text)}`,
      );
      if (summary.usageAtEnd !== undefined) expectTrue(summary.usageAtEnd, 'the last event carries usage');
      expectEqual(c.findRequest(stream.requestId)?.outcome, 'success', 'the ledger outcome');
    },
  },
  {
    group: 'stream',
    name: 'an in-band error before any content is retried',
    applies: streams,
    async run({ subject, emulator, client, advanceWhenSleeping }) {
      const c = client();
      emulator.script(subject.streamRoute!, [{ kind: 'stream-error', afterEvents: 0 }]);
      const pending = drain(subject.stream!(c, 'retried stream'));
      await advanceWhenSleeping(100);
      const summary = subject.streamSummary!(await pending);
      expectTrue(summary.text.includes('retried stream'), 'the retried stream delivered its text');
      expectEqual(emulator.requests.length, 2, 'requests');
    },
  },
  {
    group: 'stream',
    name: 'an in-band error after content is a StreamError, never replayed',
    applies: streams,
    async run({ subject, emulator, client }) {
      const c = client();
      emulator.script(subject.streamRoute!, [{ kind: 'stream-error', afterEvents: 2 }]);
      await expectRejects(drain(subject.stream!(c, 'one two three four')), 'stream_error', 'the stream');
      expectEqual(emulator.requests.length, 1, 'requests');
    },
  },
  {
    group: 'stream',
    name: 'a truncated stream is a StreamError',
    applies: streams,
    async run({ subject, emulator, client }) {
      const c = client();
      emulator.script(subject.streamRoute!, [{ kind: 'truncate', afterEvents: 2 }]);
      await expectRejects(drain(subject.stream!(c, 'one two three four')), 'stream_error', 'the stream');
      expectEqual(c.lanes()[0]?.queue.pending, 0, 'slots held after the failure');
    },
  },
  {
    group: 'cancel',
    name: 'an abort while queued leaves the queue at once, without a request',
    async run({ subject, emulator, client, until }) {
      const c = client({ queue: { concurrency: 1 } });
      emulator.script(subject.callRoute, [{ kind: 'hold' }]);
      const first = subject.call(c, 'first');
      await until(() => emulator.held === 1, 'the first request held');
      const controller = new AbortController();
      const queued = subject.call(c, 'queued', { signal: controller.signal });
      expectEqual(c.lanes()[0]?.queue.size, 1, 'waiting before the abort');
      controller.abort();
      await expectRejects(queued, 'aborted', 'the aborted call');
      expectEqual(c.lanes()[0]?.queue.size, 0, 'waiting after the abort');
      emulator.release();
      await first;
      expectEqual(emulator.requests.length, 1, 'requests that reached the service');
    },
  },
  {
    group: 'cancel',
    name: 'an abort in flight closes the request and frees the slot',
    async run({ subject, emulator, client, until }) {
      const c = client();
      emulator.script(subject.callRoute, [{ kind: 'hang' }]);
      const controller = new AbortController();
      const pending = subject.call(c, 'in-flight', { signal: controller.signal });
      await until(() => emulator.inFlight === 1, 'the request in flight');
      controller.abort();
      await expectRejects(pending, 'aborted', 'the aborted call');
      expectEqual(c.lanes()[0]?.queue.pending, 0, 'slots held');
      await until(() => emulator.inFlight === 0, 'the service seeing the request end');
      expectEqual(c.recentRequests(1)[0]?.outcome, 'aborted', 'the ledger outcome');
    },
  },
  {
    group: 'cancel',
    name: 'an abort mid-stream ends the stream and closes it',
    applies: streams,
    async run({ subject, emulator, client, until }) {
      const c = client();
      // Frames 25 ms apart: the abort on the first content event lands long before the next frame.
      emulator.script(subject.streamRoute!, [{ kind: 'drip', intervalMs: 25 }]);
      const controller = new AbortController();
      const seen: unknown[] = [];
      const consumed = (async () => {
        for await (const event of subject.stream!(c, 'a b c d e f', { signal: controller.signal })) {
          seen.push(event);
          controller.abort();
        }
      })();
      await expectRejects(consumed, 'aborted', 'the aborted stream');
      expectTrue(seen.length >= 1, 'events before the abort');
      expectEqual(c.lanes()[0]?.queue.pending, 0, 'slots held');
      await until(() => emulator.inFlight === 0, 'the service seeing the stream end');
    },
  },
];
