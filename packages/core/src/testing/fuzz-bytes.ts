/**
 * Byte helpers for fuzzing a stream decoder: cut a body into chunks at arbitrary points (inside multi-byte
 * characters, between CR and LF), join chunks back, and feed chunks as the async iterable a decoder reads.
 */

/** Splits `bytes` at the given offsets (each taken modulo `bytes.length + 1`, so a cut may fall anywhere). */
export function splitBytes(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    parts.push(bytes.subarray(from, cut));
    from = cut;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

/** Joins chunks into one byte array. */
export function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** The chunks as a response body: an async iterable that yields each in turn. */
export function chunkSource(chunks: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* chunks;
    },
  };
}

/**
 * The chunks as a body that records how it was read: `stats.pulled` counts reads, `stats.returned` counts early
 * closes (`return()`, as a decoder does when its consumer stops), so a test can tell the socket would be freed.
 */
export function recordingSource<T extends Uint8Array | string>(
  chunks: readonly T[],
): { iterable: AsyncIterable<T>; stats: { returned: number; pulled: number } } {
  const stats = { returned: 0, pulled: 0 };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: async () => {
          stats.pulled++;
          return i < chunks.length
            ? { value: chunks[i++] as T, done: false }
            : { value: undefined, done: true };
        },
        return: async () => {
          stats.returned++;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { iterable, stats };
}
