/** Handles the process holds, for the soak's leak check (`process.getActiveResourcesInfo()`). */

/** Counts of active resources by type, e.g. `{ TCPSocketWrap: 2, Timeout: 1 }`. */
export type ResourceCounts = Record<string, number>;

/** The process's active resources now, counted by type. */
export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** The resource types that grew since `baseline`, e.g. `['TCPSocketWrap +2']`; empty when none did. */
export function resourceGrowth(baseline: ResourceCounts, now: ResourceCounts): string[] {
  const grown: string[] = [];
  for (const [type, count] of Object.entries(now)) {
    const before = baseline[type] ?? 0;
    if (count > before) grown.push(`${type} +${count - before}`);
  }
  return grown;
}

/**
 * Waits (in real time, at most `withinMs`) until no resource type has grown since `baseline`: closed sockets and
 * cleared timers leave the list a few event-loop turns after `close()` resolves. Returns what is still grown.
 */
export async function settledResources(baseline: ResourceCounts, withinMs = 2_000): Promise<string[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const grown = resourceGrowth(baseline, activeResources());
    if (grown.length === 0 || Date.now() >= until) return grown;
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}
