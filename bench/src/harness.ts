/**
 * What every scenario shares: alternating rounds after a warm-up, medians, ratios to a baseline, targets,
 * and the Markdown table a run prints.
 */

/** One contender of a scenario. `measure` runs one round and returns the figure (higher is better unless noted). */
export interface Candidate {
  name: string;
  measure(round: Round): Promise<number>;
}

/** What a candidate is told about the round it runs in. */
export interface Round {
  /** 0 for the warm-up, then 1, 2, … */
  index: number;
  warmup: boolean;
}

/** The figures of one candidate over the measured rounds. */
export interface Row {
  name: string;
  samples: number[];
  median: number;
  /** median / baseline median; undefined for scenarios without a baseline. */
  ratio?: number;
  /** Extra columns (e.g. bytes per queued item). */
  extra?: Record<string, string>;
}

/** A target of the issue, checked against the figures of the same run. */
export interface TargetCheck {
  description: string;
  measured: string;
  met: boolean;
}

/** Everything one scenario reports. */
export interface ScenarioReport {
  id: string;
  title: string;
  /** What the figure is, e.g. `requests/s`. */
  unit: string;
  /** How the scenario was run (sizes, rounds), one line. */
  setup: string;
  baseline?: string;
  rows: Row[];
  targets: TargetCheck[];
  notes: string[];
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs every candidate once as a warm-up (not counted), then `rounds` measured rounds. Within a round the
 * candidates run one after another, and the order rotates from round to round, so no candidate always runs
 * first (cold caches) or last (a heap grown by the others). A collection runs before each measurement when
 * `--expose-gc` is on, so no candidate pays for garbage left by the one before it.
 */
export async function runRounds(
  candidates: readonly Candidate[],
  options: {
    rounds: number;
    warmup?: boolean;
    onSample?: (name: string, round: number, value: number) => void;
  },
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  if (options.warmup !== false) {
    for (const candidate of candidates) {
      collectGarbage();
      await candidate.measure({ index: 0, warmup: true });
    }
  }
  for (let r = 1; r <= options.rounds; r++) {
    const offset = (r - 1) % candidates.length;
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[(i + offset) % candidates.length] as Candidate;
      collectGarbage();
      const value = await candidate.measure({ index: r, warmup: false });
      samples.get(candidate.name)?.push(value);
      options.onSample?.(candidate.name, r, value);
    }
  }
  return samples;
}

/** Rows with medians, and ratios to `baseline` when given. */
export function toRows(samples: Map<string, number[]>, baseline?: string): Row[] {
  const base = baseline === undefined ? undefined : median(samples.get(baseline) ?? [Number.NaN]);
  return [...samples].map(([name, values]) => {
    const row: Row = { name, samples: values, median: median(values) };
    if (base !== undefined) row.ratio = row.median / base;
    return row;
  });
}

/** The row named `name`; throws when absent (a bug in the scenario). */
export function rowOf(rows: readonly Row[], name: string): Row {
  const row = rows.find((r) => r.name === name);
  if (row === undefined) throw new Error(`no row ${name}`);
  return row;
}

/** Runs a full collection when `--expose-gc` is on; a no-op otherwise. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
}

/** Whether `--expose-gc` is on (heap figures need it). */
export function canCollectGarbage(): boolean {
  return typeof (globalThis as { gc?: () => void }).gc === 'function';
}

/** A number for a table: thousands separated, at most `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A ratio as `1.23x`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined ? '' : `${value.toFixed(2)}x`;
}

/** The Markdown of one scenario: a heading, its setup, the table, its targets and notes. */
export function renderReport(report: ScenarioReport): string {
  const extraColumns = [...new Set(report.rows.flatMap((r) => Object.keys(r.extra ?? {})))];
  const hasRatio = report.rows.some((r) => r.ratio !== undefined);
  const header = [
    'candidate',
    `median ${report.unit}`,
    'min … max',
    ...(hasRatio ? [`vs ${report.baseline}`] : []),
    ...extraColumns,
  ];
  const lines = [
    `### ${report.id}. ${report.title}`,
    '',
    report.setup,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const row of report.rows) {
    const digits = row.median < 100 ? 1 : 0;
    const cells = [
      row.name,
      formatNumber(row.median, digits),
      `${formatNumber(Math.min(...row.samples), digits)} … ${formatNumber(Math.max(...row.samples), digits)}`,
      ...(hasRatio ? [formatRatio(row.ratio)] : []),
      ...extraColumns.map((c) => row.extra?.[c] ?? ''),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (report.targets.length > 0) {
    lines.push('', '| target | measured | met |', '| --- | ---: | :---: |');
    for (const t of report.targets)
      lines.push(`| ${t.description} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  }
  if (report.notes.length > 0) {
    lines.push('');
    for (const note of report.notes) lines.push(`- ${note}`);
  }
  return lines.join('\n');
}

/** A target on a ratio: `measured >= min`. */
export function atLeast(description: string, value: number, min: number, format = formatRatio): TargetCheck {
  return { description, measured: format(value), met: value >= min };
}

/** A target on a figure: `measured <= max`. */
export function atMost(
  description: string,
  value: number,
  max: number,
  format: (v: number) => string,
): TargetCheck {
  return { description, measured: format(value), met: value <= max };
}
