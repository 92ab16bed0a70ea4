/**
 * Live mode: the non-destructive checks (the declared capabilities, and that the ledger records them) against
 * the real service configured by environment variables. Nothing here scripts faults or changes server state.
 */
import { readEnv } from '@ipfs-accelerate/core';
import { ConformanceFailure } from './assert.js';
import { type SubjectReport, summarise } from './runner.js';
import type { CheckResult, ConformanceSubject } from './types.js';

/** Why a subject cannot run live, or undefined when its environment is configured. */
export function liveUnavailable(subject: ConformanceSubject): string | undefined {
  if (!subject.live) return 'no live mode for this backend';
  const missing = subject.live.env.filter((name) => readEnv(name) === undefined);
  return missing.length === subject.live.env.length
    ? `set ${subject.live.env.join(' or ')} to run it live`
    : undefined;
}

/** Runs the live checks of one subject. */
export async function runLive(subject: ConformanceSubject): Promise<SubjectReport> {
  const results: CheckResult[] = [];
  const live = subject.live;
  if (!live) return summarise(subject, results);
  const client = live.createClient();
  try {
    for (const check of subject.capabilityChecks) {
      const started = performance.now();
      try {
        await check.run(client);
        const record = client.recentRequests(1)[0];
        if (record?.outcome !== 'success') {
          throw new ConformanceFailure('the ledger did not record the successful call');
        }
        results.push({
          group: 'capability',
          name: `${check.capability}: ${check.name}`,
          status: 'pass',
          durationMs: performance.now() - started,
        });
      } catch (error) {
        results.push({
          group: 'capability',
          name: `${check.capability}: ${check.name}`,
          status: 'fail',
          detail: error instanceof Error ? error.message : String(error),
          durationMs: performance.now() - started,
        });
      }
    }
    const stats = client.stats();
    results.push({
      group: 'tracking',
      name: 'live calls are counted in stats',
      status: stats.requests >= results.length ? 'pass' : 'fail',
      detail: `${stats.requests} requests counted`,
      durationMs: 0,
    });
  } finally {
    await client.close();
  }
  return summarise(subject, results);
}
