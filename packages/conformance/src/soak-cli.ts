#!/usr/bin/env node
/**
 * `ipfs-accelerate-soak`: the chaos soak of every backend against its emulators, with a seeded random mix of
 * faults; prints a table per backend and exits non-zero when an invariant broke.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BACKENDS } from './backends.js';
import { activeResources, settledResources } from './soak/resources.js';
import { runSoak } from './soak/run-soak.js';
import {
  renderSoakBreakdown,
  renderSoakMarkdown,
  renderSoakTable,
  renderSoakViolations,
} from './soak/soak-table.js';
import type { SoakReport } from './soak/soak-types.js';

const USAGE = `Usage: ipfs-accelerate-soak [options]

Drives requests through every backend against its built-in emulators while they inject random faults, then
checks that every request settled exactly once with a result or a typed error, nothing leaked, and no limit was
exceeded.

Options:
  --requests N         requests in all, shared evenly among the backends (default 100000)
  --seed N             seed of the fault mix (default 1)
  --fault-rate X       share of requests that meet a fault, 0..1 (default 0.2)
  --only NAME[,NAME]   soak only these backends (${BACKENDS.map((b) => b.name).join(', ')})
  --json               print the reports as JSON instead of the table
  --markdown FILE      also write the table as Markdown to FILE
  -h, --help           show this help

Exit status: 0 when every invariant held, 1 when one broke, 2 on bad arguments.`;

async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const requests = Number(values.requests ?? 100_000);
  const seed = Number(values.seed ?? 1);
  const faultRate = Number(values['fault-rate'] ?? 0.2);
  const only = values.only?.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());
  const problems = [
    Number.isInteger(requests) && requests > 0 ? '' : '--requests must be a positive integer',
    Number.isInteger(seed) ? '' : '--seed must be an integer',
    faultRate >= 0 && faultRate <= 1 ? '' : '--fault-rate must be within 0..1',
    ...(only ?? []).filter((n) => !BACKENDS.some((b) => b.name === n)).map((n) => `unknown backend: ${n}`),
  ].filter(Boolean);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  const selected = BACKENDS.filter((b) => b.subject && (!only || only.includes(b.name)));
  const baseline = activeResources();
  const reports: SoakReport[] = [];
  for (const [i, backend] of selected.entries()) {
    const share = Math.floor(requests / selected.length) + (i < requests % selected.length ? 1 : 0);
    const subject = backend.subject?.();
    if (!subject) continue;
    process.stderr.write(`${backend.title}: ${share} requests…\n`);
    const report = await runSoak(subject, { requests: share, seed: seed + i, faultRate });
    process.stderr.write(
      `${backend.title}: ${report.violations.length === 0 ? 'pass' : 'FAIL'} in ${(report.durationMs / 1000).toFixed(1)} s\n`,
    );
    reports.push(report);
  }
  const leaks = await settledResources(baseline);
  if (values.json) process.stdout.write(`${JSON.stringify({ reports, leaks }, null, 2)}\n`);
  else process.stdout.write(`\n${renderSoakTable(reports)}\n\n${renderSoakBreakdown(reports)}\n`);
  if (values.markdown) writeFileSync(values.markdown, `${renderSoakMarkdown(reports)}\n`);
  const violations = renderSoakViolations(reports);
  if (violations || leaks.length > 0) {
    process.stderr.write(
      `\nBroken invariants:\n${violations}${leaks.length ? `\nleaked: ${leaks.join(', ')}` : ''}\n`,
    );
    return 1;
  }
  if (!values.json) process.stdout.write('\nEvery invariant held; nothing leaked.\n');
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      requests: { type: 'string' },
      seed: { type: 'string' },
      'fault-rate': { type: 'string' },
      only: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      markdown: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}

// No process.exit: the process must end by itself once everything is closed (part of the leak check).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `soak crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
