/** Renders reports as the seed's status table: text for terminals, Markdown, and JSON. */
import type { SubjectReport } from './runner.js';
import { type CheckStatus, FEATURES } from './types.js';

/** A row of the table: a backend's report, or why it has none. */
export type TableRow =
  | { kind: 'report'; report: SubjectReport }
  | { kind: 'not-implemented'; name: string; title: string }
  | { kind: 'skipped'; name: string; title: string; reason: string };

const SYMBOL: Record<CheckStatus, string> = { pass: '✓', fail: '✗ FAIL', 'n/a': '–', skip: 'skip' };

function cells(row: TableRow): string[] {
  if (row.kind === 'report') {
    const { report } = row;
    return [
      report.title,
      ...FEATURES.map((f) => SYMBOL[report.features[f.id]]),
      SYMBOL[report.capabilities],
      `${report.passed}/${report.passed + report.failed}`,
    ];
  }
  const note = row.kind === 'not-implemented' ? 'not implemented' : `skipped: ${row.reason}`;
  return [row.title, note, ...FEATURES.slice(1).map(() => ''), '', ''];
}

const HEADER = ['Backend', ...FEATURES.map((f) => f.title), 'Capabilities', 'Checks'];

/** The table as aligned text. */
export function renderText(rows: readonly TableRow[]): string {
  const full = [HEADER, ...rows.filter((r) => r.kind === 'report').map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...full.map((r) => (r[i] ?? '').length)));
  widths[0] = Math.max(widths[0] ?? 0, ...rows.map((r) => cells(r)[0]?.length ?? 0));
  const line = (row: TableRow | undefined, r: string[]) =>
    row && row.kind !== 'report'
      ? `${(r[0] ?? '').padEnd(widths[0] ?? 0)}  ${r[1]}`
      : r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(undefined, HEADER), rule, ...rows.map((row) => line(row, cells(row)))].join('\n');
}

/** The table as Markdown. */
export function renderMarkdown(rows: readonly TableRow[]): string {
  const md = (r: string[]) => `| ${r.map((c) => c || ' ').join(' | ')} |`;
  return [md(HEADER), md(HEADER.map(() => '---')), ...rows.map((r) => md(cells(r)))].join('\n');
}

/** The table as JSON: every check of every backend. */
export function renderJson(rows: readonly TableRow[]): string {
  return JSON.stringify(
    rows.map((row) =>
      row.kind === 'report'
        ? { backend: row.report.name, status: 'implemented', ...row.report }
        : {
            backend: row.name,
            title: row.title,
            status: row.kind,
            ...(row.kind === 'skipped' ? { reason: row.reason } : {}),
          },
    ),
    null,
    2,
  );
}

/** The failing checks, for the end of a run. */
export function renderFailures(rows: readonly TableRow[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    if (row.kind !== 'report') continue;
    for (const r of row.report.results) {
      if (r.status === 'fail') lines.push(`${row.report.title} › ${r.group} › ${r.name}: ${r.detail ?? ''}`);
    }
  }
  return lines.join('\n');
}
