/**
 * The abort state of one attempt, without an `AbortController` unless somebody asks for a signal.
 *
 * Why: on Node 20 an `AbortSignal` costs about 3 µs to create and a `{ once: true }` listener about 2 µs
 * more: a third of what the whole pipeline may spend on a request. Inside the core the attempt is aborted
 * and watched through this object (one listener slot for the transport, plain fields), and the public
 * `AttemptContext.signal` is created on first read, already aborted if the attempt was. @internal
 */
/** The one internal listener of an attempt: an object with a method, so no closure is made for it. */
export interface AttemptAbortListener {
  attemptAborted(reason: unknown): void;
}

export class AttemptAbort {
  #aborted = false;
  #reason: unknown = undefined;
  #controller: AbortController | undefined = undefined;
  #listener: AttemptAbortListener | undefined = undefined;
  // The request-level signal (caller's signal or deadline) this attempt follows, while linked.
  #parent: AbortSignal | undefined = undefined;

  /** Whether the attempt was aborted. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why, once aborted. */
  get reason(): unknown {
    return this.#reason;
  }

  /** A standard signal that follows this attempt; made on first read. */
  get signal(): AbortSignal {
    let controller = this.#controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.#controller = controller;
      if (this.#aborted) controller.abort(this.#reason);
    }
    return controller.signal;
  }

  /** Aborts the attempt once: the internal listener first (it was there first), then the signal's. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.attemptAborted(reason);
    this.#controller?.abort(reason);
  }

  /** Sets the one internal listener (the transport's exchange); `undefined` removes it. */
  listen(listener: AttemptAbortListener | undefined): void {
    this.#listener = listener;
  }

  /** Aborts with the parent's reason when `parent` aborts (at once if it already has), until {@link unlink}. */
  link(parent: AbortSignal | undefined): void {
    if (parent === undefined) return;
    if (parent.aborted) {
      this.abort(parent.reason);
      return;
    }
    this.#parent = parent;
    // The object itself is the listener (`handleEvent`): no closure, and no `once` bookkeeping.
    parent.addEventListener('abort', this);
  }

  /** Stops following the parent signal. */
  unlink(): void {
    const parent = this.#parent;
    if (parent === undefined) return;
    this.#parent = undefined;
    parent.removeEventListener('abort', this);
  }

  /** @internal The parent signal's abort event. */
  handleEvent(): void {
    const parent = this.#parent;
    if (parent === undefined) return;
    this.unlink();
    this.abort(parent.reason);
  }
}
