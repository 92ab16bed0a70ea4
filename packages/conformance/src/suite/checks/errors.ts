/** Errors: every status and error body of the protocol maps to its class. */

import { expectRejects, expectTrue } from '../assert.js';
import type { Check } from '../types.js';

export const errorChecks: Check[] = [
  {
    group: 'errors',
    name: 'each error response maps to its class',
    async run({ subject, emulator, client }) {
      const c = client({ retry: { maxRetries: 0 } });
      expectTrue(subject.errorCases.length > 0, 'the subject lists its error cases');
      for (const [i, errorCase] of subject.errorCases.entries()) {
        // Each case stands alone: earlier 5xx must not open the breaker and an earlier retry hint must not
        // pause the lane (the fake clock never moves here), whatever order a subject lists its cases in.
        for (const lane of c.lanes()) {
          lane.breaker.reset();
          lane.queue.resume();
        }
        emulator.script(subject.callRoute, [errorCase.fault]);
        const error = await expectRejects(subject.call(c, `error-${i}`), errorCase.expect, errorCase.name);
        expectTrue(error.provider === subject.name, `${errorCase.name}: the error names its provider`);
        expectTrue(
          typeof error.requestId === 'string',
          `${errorCase.name}: the error carries the request id`,
        );
      }
    },
  },
  {
    group: 'errors',
    name: 'a malformed body is a typed error, not a crash',
    async run({ subject, emulator, client }) {
      const c = client({ retry: { maxRetries: 0 } });
      emulator.script(subject.callRoute, [{ kind: 'malformed' }]);
      await expectRejects(subject.call(c, 'malformed'), 'invalid_response', 'a malformed body');
    },
  },
];
