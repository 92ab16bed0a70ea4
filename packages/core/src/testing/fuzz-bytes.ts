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
