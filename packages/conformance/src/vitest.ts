/**
 * The vitest adapter: `describeConformance(subject)` turns every check into a test, so a provider package, or
 * a user's custom backend built on the core, runs the whole suite in its own test run.
 *
 * @example
 * ```ts
 * import { describeConformance } from '@ipfs-accelerate/conformance/vitest';
 * describeConformance(mySubject);
 * ```
 */
import { describe, it } from 'vitest';
import { checksFor, type RunOptions, runCheck } from './suite/runner.js';
import type { CheckGroup, ConformanceSubject } from './suite/types.js';

/** Options of {@link describeConformance}. */
export interface DescribeConformanceOptions extends Pick<RunOptions, 'checkTimeoutMs'> {
  /** Only these groups. @default all */
  groups?: readonly CheckGroup[];
}

/** Declares one vitest test per conformance check of `subject`; checks that do not apply are skipped. */
export function describeConformance(
  subject: ConformanceSubject,
  options: DescribeConformanceOptions = {},
): void {
  describe(`conformance: ${subject.title}`, () => {
    for (const check of checksFor(subject)) {
      if (options.groups && !options.groups.includes(check.group)) continue;
      const title = `${check.group}: ${check.name}`;
      if (check.applies && !check.applies(subject)) {
        it.skip(title, () => {});
        continue;
      }
      it(
        title,
        async () => {
          const result = await runCheck(subject, check, options);
          if (result.status === 'fail') throw new Error(result.detail ?? 'check failed');
        },
        (options.checkTimeoutMs ?? 20_000) + 5_000,
      );
    }
  });
}
