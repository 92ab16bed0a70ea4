/**
 * The programmatic runner: runs every check that applies to a subject, each against a fresh emulator and
 * fake clock, and folds the results into one cell per feature.
 */
import { type BackendControl, FakeClock } from '@ipfs-accelerate/core';
import type { Emulator } from '../emulator/types.js';
import { ConformanceFailure } from './assert.js';
import { FEATURE_CHECKS } from './checks/index.js';
import {
  type Check,
  type CheckContext,
  type CheckGroup,
  type CheckResult,
  type CheckStatus,
  type ConformanceSubject,
  FEATURES,
  type Feature,
  type SubjectClientOptions,
} from './types.js';

/** The key every emulator of the suite accepts. */
export const CONFORMANCE_API_KEY = 'conformance-key-0001';

/** Options of {@link runConformance}. */
export interface RunOptions {
  /** Only run checks of these groups. @default all */
  groups?: readonly CheckGroup[];
  /** Called after every check, e.g. for a progress line. */
  onResult?(result: CheckResult, done: number, total: number): void;
  /** Real-time limit of one check; a check that takes longer fails instead of hanging the run. @default 20000 */
  checkTimeoutMs?: number;
}

/** Everything the suite found about one backend. */
export interface SubjectReport {
  name: string;
  title: string;
  /** One cell per feature column. */
  features: Record<Feature, CheckStatus>;
  /** The capability checks folded into one cell. */
  capabilities: CheckStatus;
  results: CheckResult[];
  passed: number;
  failed: number;
}

/** The checks that exist for a subject: the feature checks plus its capability checks. */
export function checksFor(subject: ConformanceSubject): Check[] {
  const capabilityChecks: Check[] = subject.capabilityChecks.map((c) => ({
    group: 'capability',
    name: `${c.capability}: ${c.name}`,
    run: async (context) => c.run(context.client()),
  }));
  return [...FEATURE_CHECKS, ...capabilityChecks];
}

/** Runs one check against a fresh emulator and clock; never throws. */
export async function runCheck<C extends BackendControl>(
  subject: ConformanceSubject<C>,
  check: Check,
  options: Pick<RunOptions, 'checkTimeoutMs'> = {},
): Promise<CheckResult> {
  const started = performance.now();
  const base = { group: check.group, name: check.name };
  if (check.applies && !check.applies(subject as unknown as ConformanceSubject)) {
    return { ...base, status: 'n/a', durationMs: 0 };
  }
  const emulators: Emulator[] = [];
  const clients: C[] = [];
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  try {
    const clock = new FakeClock(1_700_000_000_000);
    const emulator = await subject.startEmulator({ apiKeys: [CONFORMANCE_API_KEY, 'key-first'] });
    emulators.push(emulator);
    const context: CheckContext<C> = {
      subject,
      emulator,
      clock,
      apiKey: CONFORMANCE_API_KEY,
      client(overrides = {}) {
        const options: SubjectClientOptions = {
          endpoints: [{ id: 'main', baseURL: emulator.baseURL, apiKey: CONFORMANCE_API_KEY }],
          clock,
          ...overrides,
          retry: { jitter: 'none', initialDelayMs: 100, budget: false, ...overrides.retry },
        };
        const client = subject.createClient(options);
        clients.push(client);
        return client;
      },
      async extraEmulator(apiKeys) {
        const extra = await subject.startEmulator({ apiKeys });
        emulators.push(extra);
        return extra;
      },
      until,
      async advanceWhenSleeping(ms) {
        await until(
          () => clock.nextTimerAt() === clock.now() + ms,
          `the client sleeping ${ms} ms before a retry`,
        );
        await clock.advance(ms);
      },
    };
    const timeoutMs = options.checkTimeoutMs ?? 20_000;
    await Promise.race([
      check.run(context as unknown as CheckContext),
      new Promise<never>((_, reject) => {
        watchdog = setTimeout(
          () => reject(new ConformanceFailure(`the check did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return { ...base, status: 'pass', durationMs: performance.now() - started };
  } catch (error) {
    const detail =
      error instanceof Error
        ? `${error.name === 'ConformanceFailure' ? '' : `${error.name}: `}${error.message}`
        : String(error);
    return { ...base, status: 'fail', detail, durationMs: performance.now() - started };
  } finally {
    if (watchdog !== undefined) clearTimeout(watchdog);
    await Promise.allSettled(clients.map((c) => c.destroy()));
    await Promise.allSettled(emulators.map((e) => e.close()));
  }
}

/** Runs the suite against one subject. */
export async function runConformance<C extends BackendControl>(
  subject: ConformanceSubject<C>,
  options: RunOptions = {},
): Promise<SubjectReport> {
  const checks = checksFor(subject as unknown as ConformanceSubject).filter(
    (c) => !options.groups || options.groups.includes(c.group),
  );
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(subject, check, options);
    results.push(result);
    options.onResult?.(result, results.length, checks.length);
  }
  return summarise(subject, results);
}

/** Folds check results into the report of a subject. */
export function summarise(
  subject: Pick<ConformanceSubject, 'name' | 'title'>,
  results: CheckResult[],
): SubjectReport {
  const features = {} as Record<Feature, CheckStatus>;
  for (const { id } of FEATURES) features[id] = fold(results.filter((r) => r.group === id));
  return {
    name: subject.name,
    title: subject.title,
    features,
    capabilities: fold(results.filter((r) => r.group === 'capability')),
    results,
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
  };
}

/** A cell: fail if any check failed, pass if any passed, else skip or n/a. */
export function fold(results: readonly CheckResult[]): CheckStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'pass')) return 'pass';
  if (results.some((r) => r.status === 'skip')) return 'skip';
  return 'n/a';
}

/** Waits in event-loop turns (never in time) until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 50_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new ConformanceFailure(`timed out waiting for ${what}`);
}
