/**
 * Summarises a `.cpuprofile` written by `node --cpu-prof`: self time by function and by package, so a missed
 * target can be explained with where the time went. Usage: `node --import tsx src/tools/profile-summary.ts
 * <file.cpuprofile> [topN]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Groups a script URL into a readable bucket: a package name, `node:internal`, or `(program)` and friends. */
export function bucketOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:'))
    return url
      .replace(/^node:internal\/(deps\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const pnpm = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pnpm) return pnpm[1] as string;
  const pkg = url.match(/\/packages\/([^/]+)\//);
  if (pkg) return `@ipfs-accelerate/${pkg[1]}`;
  if (url.includes('/bench/')) return 'bench';
  return url;
}

/** Inclusive time (ms) per function: a sample counts once for every distinct function on its stack. */
export function inclusive(profile: Profile): [string, number][] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const keyOf = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-1)[0] ?? ''}:${n.callFrame.lineNumber + 1}`;
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (node === undefined) break;
      const key = keyOf(node);
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + ms);
    }
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Self time (ms) per function and per bucket. */
export function summarise(profile: Profile): {
  total: number;
  byFunction: [string, number][];
  byBucket: [string, number][];
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byFunction = new Map<string, number>();
  const byBucket = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').slice(-1)[0] ?? '';
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const bucket = bucketOf(url, functionName);
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + ms);
    total += ms;
  }
  const sort = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { total, byFunction: sort(byFunction), byBucket: sort(byBucket) };
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: profile-summary <file.cpuprofile> [topN]');
  const top = Number(process.argv[3] ?? 40);
  const filter = process.argv[4];
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const { total, byFunction, byBucket } = summarise(profile);
  const pct = (ms: number) => `${((ms / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`total sampled ${total.toFixed(0)} ms\n\nby package:`);
  for (const [name, ms] of byBucket.slice(0, 20))
    console.log(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  console.log('\nby function (self):');
  for (const [name, ms] of byFunction.slice(0, top))
    console.log(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  if (filter !== undefined) {
    console.log(`\ninclusive, functions whose location matches ${filter}:`);
    const re = new RegExp(filter);
    for (const [name, ms] of inclusive(profile)
      .filter(([n]) => re.test(n))
      .slice(0, top))
      console.log(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }
}
