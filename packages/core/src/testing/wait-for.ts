/**
 * Waits, in real event-loop turns (never in real time), until `condition` holds. For tests that mix a
 * FakeClock with real sockets: I/O needs a few loop turns to happen, time never moves by itself.
 */
export async function waitFor(
  condition: () => boolean,
  what = 'condition',
  maxTurns = 20_000,
): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`waitFor: ${what} did not happen within ${maxTurns} event-loop turns`);
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
