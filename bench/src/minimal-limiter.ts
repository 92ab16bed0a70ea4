/**
 * The floor of scenario 3: the least a three-priority concurrency limiter can do. A growable ring buffer per
 * level, a running counter, nothing else: no capacity, aging, cancellation, deadlines or pause.
 */
class Ring<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  size = 0;
  push(item: T): void {
    if (this.size === this.#items.length) {
      this.#items = [...this.#items.slice(this.#head), ...this.#items.slice(0, this.#head)];
      this.#items.length *= 2;
      this.#head = 0;
    }
    this.#items[(this.#head + this.size++) % this.#items.length] = item;
  }
  shift(): T | undefined {
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.size--;
    return item;
  }
}

interface Waiting {
  task: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** Runs at most `concurrency` tasks at once; waiting tasks start highest level first (0 = high), FIFO within one. */
export class MinimalLimiter {
  readonly #levels = [new Ring<Waiting>(), new Ring<Waiting>(), new Ring<Waiting>()];
  #running = 0;
  constructor(readonly concurrency: number) {}

  run<T>(task: () => T | PromiseLike<T>, level: 0 | 1 | 2): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const item = { task, resolve, reject } as Waiting;
      if (this.#running < this.concurrency) this.#start(item);
      else (this.#levels[level] as Ring<Waiting>).push(item);
    });
  }

  #start(item: Waiting): void {
    this.#running++;
    Promise.resolve()
      .then(item.task)
      .then(item.resolve, item.reject)
      .finally(() => {
        this.#running--;
        for (const ring of this.#levels) if (ring.size > 0) return this.#start(ring.shift() as Waiting);
      });
  }
}
