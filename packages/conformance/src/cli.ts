#!/usr/bin/env node
/**
 * `ipfs-accelerate-conformance`: runs the suite for every backend on the built-in emulators (or, with
 * `--live`, the non-destructive checks against real services) and prints the status table.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BACKENDS } from './backends.js';
import { liveUnavailable, runLive } from './suite/live.js';
import { runConformance } from './suite/runner.js';
import { renderFailures, renderJson, renderMarkdown, renderText, type TableRow } from './suite/table.js';

const USAGE = `Usage: ipfs-accelerate-conformance [options]

Runs the conformance suite of every backend against its built-in emulator and prints the status table.

Options:
  --only NAME[,NAME]   run only these backends (${BACKENDS.map((b) => b.name).join(', ')})
  --json               print the results as JSON instead of the table
  --markdown FILE      also write the table as Markdown to FILE
  --live               run the non-destructive checks against the real services named by environment
                       variables (e.g. OPENAI_API_KEY, OLLAMA_HOST); unconfigured backends are skipped
  -h, --help           show this help

Exit status: 0 when every implemented backend passes, 1 when a check fails, 2 on bad arguments.`;

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = args.values.only
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  const unknown = only?.filter((name) => !BACKENDS.some((b) => b.name === name));
  if (unknown?.length) {
    process.stderr.write(`Unknown backend: ${unknown.join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  const selected = BACKENDS.filter((b) => !only || only.includes(b.name));
  const progress = createProgress();
  const rows: TableRow[] = [];
  for (const backend of selected) {
    if (!backend.subject) {
      rows.push({ kind: 'not-implemented', name: backend.name, title: backend.title });
      continue;
    }
    const subject = backend.subject();
    if (args.values.live) {
      const reason = liveUnavailable(subject);
      if (reason) {
        rows.push({ kind: 'skipped', name: backend.name, title: backend.title, reason });
        continue;
      }
      progress.update(`${backend.title}: live checks…`);
      rows.push({ kind: 'report', report: await runLive(subject) });
      continue;
    }
    const report = await runConformance(subject, {
      onResult: (result, done, total) =>
        progress.update(
          `${backend.title}: ${done}/${total} ${result.status === 'fail' ? '✗' : '✓'} ${result.group}: ${result.name}`,
        ),
    });
    progress.done(`${backend.title}: ${report.passed} passed, ${report.failed} failed`);
    rows.push({ kind: 'report', report });
  }
  progress.clear();
  if (args.values.json) process.stdout.write(`${renderJson(rows)}\n`);
  else process.stdout.write(`\n${renderText(rows)}\n`);
  if (args.values.markdown) writeFileSync(args.values.markdown, `${renderMarkdown(rows)}\n`);
  const failures = renderFailures(rows);
  if (failures) {
    process.stderr.write(`\nFailed checks:\n${failures}\n`);
    return 1;
  }
  const totals = rows.reduce(
    (t, r) =>
      r.kind === 'report' ? { passed: t.passed + r.report.passed, failed: t.failed + r.report.failed } : t,
    { passed: 0, failed: 0 },
  );
  if (!args.values.json) process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed\n`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      markdown: { type: 'string' },
      live: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}

/** One updating line on a terminal; plain lines per backend otherwise (CI logs). */
function createProgress() {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    update(text: string) {
      if (!tty) return;
      const width = (process.stderr.columns ?? 100) - 1;
      process.stderr.write(`\r\x1b[2K${text.slice(0, width)}`);
      shown = true;
    },
    done(text: string) {
      if (tty) process.stderr.write(`\r\x1b[2K${text}\n`);
      else process.stderr.write(`${text}\n`);
      shown = false;
    },
    clear() {
      if (tty && shown) process.stderr.write('\r\x1b[2K');
    },
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `conformance run crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
