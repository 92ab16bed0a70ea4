import { describe, expect, it } from 'vitest';
import { AttemptAbort } from './attempt-abort.js';

describe('AttemptAbort', () => {
  it('makes no signal until asked, then one that follows the attempt', () => {
    const abort = new AttemptAbort();
    const signal = abort.signal;
    expect(abort.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    abort.abort('why');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('why');
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe('why');
  });

  it('hands out an already aborted signal when asked after the abort', () => {
    const abort = new AttemptAbort();
    abort.abort('late');
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe('late');
  });

  it('aborts once, calling the internal listener before the signal listeners', () => {
    const abort = new AttemptAbort();
    const order: string[] = [];
    abort.signal.addEventListener('abort', () => order.push('signal'));
    abort.listen({ attemptAborted: (reason) => order.push(`internal:${String(reason)}`) });
    abort.abort('first');
    abort.abort('second');
    expect(order).toEqual(['internal:first', 'signal']);
    expect(abort.reason).toBe('first');
  });

  it('lets the internal listener be removed', () => {
    const abort = new AttemptAbort();
    const seen: unknown[] = [];
    abort.listen({ attemptAborted: (reason) => seen.push(reason) });
    abort.listen(undefined);
    abort.abort('x');
    expect(seen).toEqual([]);
  });

  it('follows a parent signal until unlinked, and takes an already aborted one at once', () => {
    const parent = new AbortController();
    const linked = new AttemptAbort();
    linked.link(parent.signal);
    const unlinked = new AttemptAbort();
    unlinked.link(parent.signal);
    unlinked.unlink();
    unlinked.unlink();
    parent.abort('stop');
    expect(linked.aborted).toBe(true);
    expect(linked.reason).toBe('stop');
    expect(unlinked.aborted).toBe(false);

    const late = new AttemptAbort();
    late.link(parent.signal);
    expect(late.reason).toBe('stop');
    late.link(undefined);
    late.handleEvent(); // not linked: nothing happens
    expect(late.reason).toBe('stop');
  });
});
