/**
 * `pnpm bench`: the five scenarios of issue 4 in one run, each printed as a Markdown table with medians and
 * ratios, then the targets. `--only throughput,stream` (or `--only 1,2`) runs some; `--quick` runs tiny
 * sizes (a smoke check, not a measurement); `--out <file>` also writes the Markdown to a file.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { canCollectGarbage, renderReport, type ScenarioReport } from './harness.js';
import { type LoopbackServer, startLoopbackServer } from './loopback/start-server.js';
import { runMemory } from './scenarios/memory.js';
import { runOverload } from './scenarios/overload.js';
import { runScheduler } from './scenarios/scheduler.js';
import { runStream } from './scenarios/stream.js';
import { runThroughput } from './scenarios/throughput.js';

/** The scenarios, by name and number, with their full and quick sizes. */
export const SCENARIOS = [
  {
    id: '1',
    name: 'throughput',
    server: true,
    run: (server: LoopbackServer, quick: boolean) =>
      runThroughput(server, quick ? { requests: 400, warmupRequests: 100, rounds: 1 } : {}),
  },
  {
    id: '2',
    name: 'stream',
    server: true,
    run: (server: LoopbackServer, quick: boolean) =>
      runStream(server, quick ? { events: QUICK_STREAM_EVENTS, streams: 2, rounds: 1 } : {}),
  },
  {
    id: '3',
    name: 'scheduler',
    server: false,
    run: (_server: LoopbackServer, quick: boolean) =>
      runScheduler(quick ? { tasks: 3000, queued: 1000, rounds: 1, slowRounds: 1 } : {}),
  },
  {
    id: '4',
    name: 'overload',
    server: true,
    run: (server: LoopbackServer, quick: boolean) =>
      runOverload(server, quick ? { requests: 500, capacity: 20, concurrency: 4, rounds: 1 } : {}),
  },
  {
    id: '5',
    name: 'memory',
    server: true,
    run: (server: LoopbackServer, quick: boolean) =>
      runMemory(server, quick ? { requests: 2000, firstCheckpoint: 500, checkpoints: 3 } : {}),
  },
] as const;

/** Text deltas per stream in `--quick` runs. */
export const QUICK_STREAM_EVENTS = 50;

/** Parsed command line. */
export interface BenchArgs {
  only: string[] | undefined;
  quick: boolean;
  out: string | undefined;
}

/** Reads `--only a,b`, `--quick` and `--out file`; a bare `--` (as pnpm passes it) is skipped. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { only: undefined, quick: false, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === undefined) throw new Error('--only needs a list, e.g. --only throughput,stream');
      args.only = value.split(',').map((v) => v.trim().toLowerCase());
    } else if (arg === '--out' || arg.startsWith('--out=')) {
      args.out = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
    } else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: pnpm bench [-- --only throughput,stream,scheduler,overload,memory|1,2,3,4,5] [--quick] [--out file.md]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  if (args.only) {
    const known = new Set<string>(SCENARIOS.flatMap((s) => [s.id, s.name]));
    const unknown = args.only.filter((o) => !known.has(o));
    if (unknown.length > 0)
      throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  }
  return args;
}

/** The machine and runtime, for the head of the report. */
export function describeMachine(): string[] {
  return [
    `- machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `- Node.js ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
    `- command: node ${process.execArgv.join(' ')} src/main.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // tsx turns source maps on for the bench's own TypeScript; production code runs without them, and with
  // them every `error.stack` costs several times more (scenario 4 creates ten thousand errors a burst).
  process.setSourceMapsEnabled(false);
  const selected = SCENARIOS.filter(
    (s) => args.only === undefined || args.only.includes(s.id) || args.only.includes(s.name),
  );
  const started = performance.now();
  const out: string[] = ['## Run', '', `- date: ${new Date().toISOString()}`, ...describeMachine()];
  if (args.quick) out.push('- **--quick**: tiny sizes, a smoke check; the figures mean nothing');
  if (!canCollectGarbage()) out.push('- without `--expose-gc`: heap figures include garbage');
  console.log(out.join('\n'));
  const server = selected.some((s) => s.server)
    ? await startLoopbackServer({ streamEvents: args.quick ? QUICK_STREAM_EVENTS : 2000 })
    : undefined;
  const reports: ScenarioReport[] = [];
  try {
    for (const scenario of selected) {
      const t0 = performance.now();
      const report = await scenario.run(server as LoopbackServer, args.quick);
      report.notes.push(`scenario time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      reports.push(report);
      const text = renderReport(report);
      out.push('', text);
      console.log(`\n${text}`);
    }
  } finally {
    await server?.close();
  }
  const summary = [
    '',
    '## Targets',
    '',
    '| scenario | target | measured | met |',
    '| --- | --- | ---: | :---: |',
    ...reports.flatMap((r) =>
      r.targets.map((t) => `| ${r.id} | ${t.description} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    ),
    '',
    `Total time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  ];
  out.push(...summary);
  console.log(summary.join('\n'));
  if (args.out !== undefined) writeFileSync(args.out, `${out.join('\n')}\n`);
}

if (process.argv[1]?.endsWith('main.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
