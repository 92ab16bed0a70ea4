import { describe, expect, it } from 'vitest';
import { summarise } from './runner.js';
import { renderFailures, renderJson, renderMarkdown, renderText, type TableRow } from './table.js';
import type { CheckResult } from './types.js';

const results: CheckResult[] = [
  { group: 'queue', name: 'limit', status: 'pass', durationMs: 1 },
  { group: 'stream', name: 'order', status: 'n/a', durationMs: 0 },
  { group: 'breaker', name: 'opens', status: 'fail', detail: 'stayed closed', durationMs: 1 },
  { group: 'capability', name: 'chat: answers', status: 'pass', durationMs: 1 },
];
const rows: TableRow[] = [
  { kind: 'report', report: summarise({ name: 'x', title: 'X backend' }, results) },
  { kind: 'not-implemented', name: 'y', title: 'Y' },
  { kind: 'skipped', name: 'z', title: 'Z', reason: 'set Z_KEY to run it live' },
];

describe('the status table', () => {
  it('folds checks into one cell per feature', () => {
    const report = summarise({ name: 'x', title: 'X' }, results);
    expect(report.features.queue).toBe('pass');
    expect(report.features.breaker).toBe('fail');
    expect(report.features.stream).toBe('n/a');
    expect(report.features.errors).toBe('n/a');
    expect(report.capabilities).toBe('pass');
    expect([report.passed, report.failed]).toEqual([2, 1]);
  });

  it('renders text, Markdown, JSON and the failure list', () => {
    const text = renderText(rows);
    expect(text.split('\n')[0]).toMatch(/^Backend\s+Queue\s+Priority\s+Backoff\s+Retry-After\s+Breaker/);
    expect(text).toMatch(/X backend\s+✓\s+–\s+–\s+–\s+✗ FAIL/);
    expect(text).toMatch(/Y\s+not implemented/);
    expect(text).toMatch(/Z\s+skipped: set Z_KEY to run it live/);
    expect(renderMarkdown(rows).split('\n')[2]).toMatch(/^\| X backend \| ✓ \|/);
    const json = JSON.parse(renderJson(rows)) as Array<{ backend: string; status: string }>;
    expect(json.map((r) => [r.backend, r.status])).toEqual([
      ['x', 'implemented'],
      ['y', 'not-implemented'],
      ['z', 'skipped'],
    ]);
    expect(renderFailures(rows)).toBe('X backend › breaker › opens: stayed closed');
  });
});
