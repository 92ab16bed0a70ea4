/** Renders soak reports as one table, a row per backend, plus a totals row. */
import type { SoakReport } from './soak-types.js';

const HEADER = [
  'Backend',
  'Requests',
  'Streams',
  'Faults',
  'Settled',
  'OK',
  'Errors',
  'Shed',
  'Cancels',
  'Retries',
  'Trips',
  'Closed',
  'In-flight',
  'Queue',
  'Unhandled',
  'Leaks',
  'Time',
  'Result',
];

function row(r: SoakReport): string[] {
  return [
    r.title,
    String(r.requests),
    String(r.streams),
    String(r.faultsInjected),
    String(r.settled.success + r.settled.broken + r.settled.error),
    String(r.settled.success + r.settled.broken),
    String(r.settled.error),
    String(r.shed),
    String(r.callerCancels),
    String(r.retries),
    String(r.breakerTrips),
    String(r.breakerRecoveries),
    `${r.maxInFlight}/${r.concurrencyLimit}`,
    `${r.maxQueued}/${r.capacity}`,
    String(r.unhandledRejections),
    String(r.leaks.length),
    `${(r.durationMs / 1000).toFixed(1)} s`,
    r.violations.length === 0 ? 'pass' : `FAIL (${r.violations.length})`,
  ];
}

function totals(reports: readonly SoakReport[]): string[] {
  const sum = (f: (r: SoakReport) => number): string => String(reports.reduce((s, r) => s + f(r), 0));
  const failed = reports.filter((r) => r.violations.length > 0).length;
  return [
    'Total',
    sum((r) => r.requests),
    sum((r) => r.streams),
    sum((r) => r.faultsInjected),
    sum((r) => r.settled.success + r.settled.broken + r.settled.error),
    sum((r) => r.settled.success + r.settled.broken),
    sum((r) => r.settled.error),
    sum((r) => r.shed),
    sum((r) => r.callerCancels),
    sum((r) => r.retries),
    sum((r) => r.breakerTrips),
    sum((r) => r.breakerRecoveries),
    '',
    '',
    sum((r) => r.unhandledRejections),
    sum((r) => r.leaks.length),
    `${(reports.reduce((s, r) => s + r.durationMs, 0) / 1000).toFixed(1)} s`,
    failed === 0 ? 'pass' : `FAIL (${failed})`,
  ];
}

/** The reports as an aligned text table (numbers right-aligned). */
export function renderSoakTable(reports: readonly SoakReport[]): string {
  const rows = [HEADER, ...reports.map(row), totals(reports)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const format = (r: string[]): string =>
    r
      .map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [format(HEADER), rule, ...reports.map((r) => format(row(r))), rule, format(totals(reports))].join(
    '\n',
  );
}

/** The reports as a Markdown table. */
export function renderSoakMarkdown(reports: readonly SoakReport[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(HEADER),
    line(HEADER.map((_, i) => (i === 0 || i === HEADER.length - 1 ? '---' : '---:'))),
    ...reports.map((r) => line(row(r))),
    line(totals(reports).map((c, i) => (i === 0 ? '**Total**' : c))),
  ].join('\n');
}

/** Two lines over all reports: the faults injected by kind, and the final errors by code, largest first. */
export function renderSoakBreakdown(reports: readonly SoakReport[]): string {
  const faults: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const r of reports) {
    for (const [kind, n] of Object.entries(r.faults)) faults[kind] = (faults[kind] ?? 0) + n;
    for (const [code, n] of Object.entries(r.errorsByCode)) errors[code] = (errors[code] ?? 0) + n;
  }
  const list = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  return `Faults injected: ${list(faults)}\nFinal errors by code: ${list(errors)}`;
}

/** Every violation, one line each, prefixed with the backend. */
export function renderSoakViolations(reports: readonly SoakReport[]): string {
  return reports.flatMap((r) => r.violations.map((v) => `${r.title}: ${v}`)).join('\n');
}
