/** Newline-delimited JSON (Ollama, TGI and others stream this way): one JSON value per line. */
import { InvalidRequestError, ResponseFormatError } from '../errors/index.js';
import { type IncrementalTextParser, iterateParsedText, type TextChunk } from './parsed-text-iterator.js';

/** Options of {@link decodeNdjson}. */
export interface NdjsonDecodeOptions {
  /** Longest line, in UTF-8 bytes; over it -> `ResponseFormatError`. `Infinity` disables. @default 1048576 (1 MiB) */
  maxLineBytes?: number;
}

/** The defaults of {@link NdjsonDecodeOptions}. */
export const DEFAULT_NDJSON_OPTIONS = Object.freeze({ maxLineBytes: 1024 * 1024 });

const CR = 13;
const EXCERPT_CHARS = 120;

function excerpt(line: string): string {
  return JSON.stringify(line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line);
}

// Whitespace-only lines are separators, not values (JSON.parse would reject them).
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** The incremental parser behind {@link decodeNdjson}: push decoded text in any pieces, collect values. */
export class NdjsonParser implements IncrementalTextParser<unknown> {
  readonly #maxLineBytes: number;
  #pending = '';
  #lineNumber = 0;

  constructor(options: NdjsonDecodeOptions = {}) {
    const { maxLineBytes = DEFAULT_NDJSON_OPTIONS.maxLineBytes } = options;
    if (typeof maxLineBytes !== 'number' || !(maxLineBytes > 0)) {
      throw new InvalidRequestError(`maxLineBytes must be a positive number; got ${String(maxLineBytes)}`);
    }
    this.#maxLineBytes = maxLineBytes;
  }

  push(text: string, out: unknown[]): void {
    if (text.length === 0) return;
    const buf = this.#pending.length === 0 ? text : this.#pending + text;
    this.#pending = '';
    let pos = 0;
    let lf = buf.indexOf('\n');
    while (lf !== -1) {
      const end = lf > pos && buf.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      this.#line(buf.slice(pos, end), out, false);
      pos = lf + 1;
      lf = buf.indexOf('\n', pos);
    }
    const pending = pos === 0 ? buf : buf.slice(pos);
    this.#pending = pending;
    // A CR at the end may be the first half of a CRLF line end: it is not part of the line.
    this.#checkSize(pending.charCodeAt(pending.length - 1) === CR ? pending.slice(0, -1) : pending);
  }

  end(out: unknown[]): void {
    const last = this.#pending;
    this.#pending = '';
    this.#line(last.charCodeAt(last.length - 1) === CR ? last.slice(0, -1) : last, out, true);
  }

  #line(line: string, out: unknown[], final: boolean): void {
    this.#lineNumber++;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && isBlank(line))) return;
    this.#checkSize(line);
    try {
      out.push(JSON.parse(line));
    } catch (error) {
      const what = final
        ? 'NDJSON stream ended with an incomplete or malformed line'
        : 'Malformed NDJSON line';
      throw new ResponseFormatError(`${what} (line ${this.#lineNumber}): ${excerpt(line)}`, { cause: error });
    }
  }

  #checkSize(line: string): void {
    const max = this.#maxLineBytes;
    // A UTF-16 unit is 1 to 3 UTF-8 bytes: only the band in between needs an exact count.
    if (line.length * 3 <= max) return;
    if (line.length > max || Buffer.byteLength(line) > max) {
      throw new ResponseFormatError(`NDJSON line longer than maxLineBytes (${max} bytes)`);
    }
  }
}

/**
 * Decodes newline-delimited JSON into values: one per line, blank lines skipped, CRLF accepted, a last
 * line without its newline parsed too. A malformed line (or a truncated last one) -> `ResponseFormatError`
 * with a short excerpt, after the values before it. Chunks may split lines and multi-byte characters anywhere.
 *
 * Leaving the loop early or a decoding error closes `source` (for a response body: its socket).
 * Invalid options throw `InvalidRequestError` at once.
 */
export function decodeNdjson(
  source: AsyncIterable<TextChunk>,
  options?: NdjsonDecodeOptions,
): AsyncGenerator<unknown, undefined, unknown> {
  return iterateParsedText(source, new NdjsonParser(options));
}
