/** A small seeded random source, so a soak run with the same seed injects the same faults in the same order. */

/** Uniform draws from one seeded stream. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One of `items`, by `weights` when given (same length, non-negative, not all zero). */
  pick<T>(items: readonly T[], weights?: readonly number[]): T;
}

/**
 * Creates a {@link Random} from a 32-bit seed (sfc32, seeded through splitmix32): fast, tiny, and good enough for
 * picking faults; not for anything secret.
 */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[], weights?: readonly number[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      if (weights === undefined) return items[Math.floor(next() * items.length)] as T;
      const total = weights.reduce((sum, w) => sum + w, 0);
      let at = next() * total;
      for (let i = 0; i < items.length; i++) {
        at -= weights[i] ?? 0;
        if (at < 0) return items[i] as T;
      }
      return items[items.length - 1] as T;
    },
  };
}
