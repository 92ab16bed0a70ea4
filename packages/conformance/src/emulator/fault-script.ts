import type { Fault } from './types.js';

/** The route key that matches every request. */
export const ANY_ROUTE = '*';

/**
 * Per-route FIFO queues of faults. A request takes the next fault of its own route (`'METHOD /path'`), else the
 * next fault scripted for {@link ANY_ROUTE}; with none left it is answered normally.
 */
export class FaultScript {
  readonly #queues = new Map<string, { faults: Fault[]; next: number }>();

  /** Appends faults to a route's queue. */
  add(route: string, faults: readonly Fault[]): void {
    const queue = this.#queues.get(route);
    if (queue) queue.faults.push(...faults);
    else this.#queues.set(route, { faults: [...faults], next: 0 });
  }

  /** Removes the next fault for a request to `route`, or returns `undefined` when the request behaves normally. */
  take(route: string): Fault | undefined {
    return this.#takeFrom(route) ?? this.#takeFrom(ANY_ROUTE);
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#queues.clear();
  }

  #takeFrom(route: string): Fault | undefined {
    const queue = this.#queues.get(route);
    if (!queue) return undefined;
    const fault = queue.faults[queue.next];
    if (fault === undefined) return undefined;
    queue.next++;
    if (queue.next === queue.faults.length) this.#queues.delete(route);
    return fault;
  }
}
