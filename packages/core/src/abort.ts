/** Small helpers for linking abort signals without leaking listeners on long-lived parents. */

/**
 * Aborts `child` when `parent` aborts, with the parent's reason. Returns a function that removes the link;
 * call it when the child's work is over so a long-lived parent signal does not accumulate listeners.
 */
export function linkAbort(parent: AbortSignal | undefined, child: AbortController): () => void {
  if (parent === undefined) return noop;
  if (parent.aborted) {
    child.abort(parent.reason);
    return noop;
  }
  const onAbort = () => child.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return () => parent.removeEventListener('abort', onAbort);
}

function noop(): void {}
