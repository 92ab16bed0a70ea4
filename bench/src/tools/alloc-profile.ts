/**
 * Where a workload allocates: runs `work` under V8's sampling heap profiler with objects collected by
 * minor and major GCs included (so short-lived garbage counts), and returns sampled bytes per function.
 */
import { Session } from 'node:inspector/promises';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** Sampled bytes by function (self), largest first. */
export async function allocationProfile(
  work: () => Promise<void>,
  interval = 1024,
): Promise<[string, number][]> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: interval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await work();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
  session.disconnect();
  const totals = new Map<string, number>();
  const walk = (node: HeapNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-1)[0] ?? ''}:${lineNumber + 1}`;
    if (node.selfSize > 0) totals.set(key, (totals.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return [...totals].sort((a, b) => b[1] - a[1]);
}
