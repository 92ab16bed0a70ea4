/**
 * Server-sent events (`text/event-stream`) per the WHATWG HTML "event stream interpretation" rules.
 * Built for throughput: lines are found with `indexOf` (the next CR, LF and colon positions are cached
 * per chunk, so no character is scanned twice), fields are compared in place, and only values are sliced.
 */
import { InvalidRequestError, ResponseFormatError } from '../errors/index.js';
import { type IncrementalTextParser, iterateParsedText, type TextChunk } from './parsed-text-iterator.js';

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` field, or `message` when absent or empty. */
  event: string;
  /** The `data:` lines joined with "\n". `[DONE]` and the like are plain data here. */
  data: string;
  /** The last event ID in force when the event was dispatched (set by this event or an earlier one). */
  id?: string;
  /** A `retry:` value (ms) received since the previous dispatched event. */
  retry?: number;
}

/** Options of {@link decodeSse}. */
export interface SseDecodeOptions {
  /**
   * Largest event (its data plus any unfinished line), in UTF-8 bytes; over it -> `ResponseFormatError`.
   * Guards memory against a stream that never ends its event. `Infinity` disables. @default 1048576 (1 MiB)
   */
  maxEventBytes?: number;
  /**
   * Dispatch a last event that the stream ended without its blank line. The spec discards it; some servers
   * forget the final blank line. @default false
   */
  flushIncomplete?: boolean;
  /**
   * Dispatch a line that starts with `{` or `[` (not an SSE field at all) at once as its own event of type
   * `raw`, instead of ignoring it as the spec does. Some servers write a bare JSON error object into an event
   * stream (Gemini, OpenVINO Model Server); with this on, it reaches the mapper. @default false
   */
  rawJsonLines?: boolean;
}

/** The defaults of {@link SseDecodeOptions}. */
export const DEFAULT_SSE_OPTIONS = Object.freeze({
  maxEventBytes: 1024 * 1024,
  flushIncomplete: false,
  rawJsonLines: false,
});

const LF = 10;
const COLON = 58;
const SPACE = 32;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const NOT_SEARCHED = -2;

function isAsciiDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The incremental event-stream parser behind {@link decodeSse}, for callers with their own loop: push
 * decoded text in any pieces, collect complete events.
 */
export class SseParser implements IncrementalTextParser<SseEvent> {
  readonly #maxEventBytes: number;
  readonly #flushIncomplete: boolean;
  readonly #rawJsonLines: boolean;
  // The unfinished line carried over to the next chunk.
  #pending = '';
  // The last chunk ended in CR: an LF opening the next one belongs to the same line end.
  #skipLeadingLF = false;
  #data: string | undefined;
  #dataLength = 0;
  #eventType = '';
  #lastEventId = '';
  #retry: number | undefined;

  constructor(options: SseDecodeOptions = {}) {
    const {
      maxEventBytes = DEFAULT_SSE_OPTIONS.maxEventBytes,
      flushIncomplete = false,
      rawJsonLines = false,
    } = options;
    if (typeof maxEventBytes !== 'number' || !(maxEventBytes > 0)) {
      throw new InvalidRequestError(`maxEventBytes must be a positive number; got ${String(maxEventBytes)}`);
    }
    this.#maxEventBytes = maxEventBytes;
    this.#flushIncomplete = flushIncomplete === true;
    this.#rawJsonLines = rawJsonLines === true;
  }

  push(text: string, out: SseEvent[]): void {
    if (text.length === 0) return;
    let pos = 0;
    if (this.#skipLeadingLF) {
      this.#skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    const buf = this.#pending.length === 0 ? text : this.#pending + text;
    this.#pending = '';
    const length = buf.length;
    let lf = buf.indexOf('\n', pos);
    let cr = buf.indexOf('\r', pos);
    let colon = NOT_SEARCHED;
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < length) next = buf.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        else {
          next = length;
          this.#skipLeadingLF = true;
        }
      }
      // No line may pass the cap, whatever its field (a comment, `event:`, a raw JSON line) and however it was
      // chunked: an unfinished one is checked as it grows (#checkSize), a finished one here.
      if ((end - pos) * 3 > this.#maxEventBytes) this.#checkLine(buf, pos, end);
      if (end === pos) this.#dispatch(out);
      else if (this.#rawJsonLines && this.#isRaw(buf, pos)) {
        out.push({ event: 'raw', data: buf.slice(pos, end) });
      } else if (buf.charCodeAt(pos) !== COLON) {
        if (colon !== -1 && colon < pos) colon = buf.indexOf(':', pos);
        this.#field(buf, pos, end, colon !== -1 && colon < end ? colon : end);
      }
      pos = next;
      if (lf !== -1 && lf < pos) lf = buf.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = buf.indexOf('\r', pos);
    }
    this.#pending = pos === 0 ? buf : buf.slice(pos);
    if (this.#pending.length > 0) this.#checkSize();
  }

  end(out: SseEvent[]): void {
    if (this.#rawJsonLines && this.#pending.length > 0 && this.#isRaw(this.#pending, 0)) {
      out.push({ event: 'raw', data: this.#pending });
      this.#pending = '';
    }
    if (!this.#flushIncomplete) return;
    const line = this.#pending;
    this.#pending = '';
    if (line.length > 0 && line.charCodeAt(0) !== COLON) {
      const colon = line.indexOf(':');
      this.#field(line, 0, line.length, colon === -1 ? line.length : colon);
    }
    this.#dispatch(out);
  }

  #isRaw(buf: string, pos: number): boolean {
    const c = buf.charCodeAt(pos);
    return c === OPEN_BRACE || c === OPEN_BRACKET;
  }

  /** One `name: value` line; `nameEnd` is the colon (or the line end when there is none). */
  #field(buf: string, start: number, end: number, nameEnd: number): void {
    let valueStart = nameEnd === end ? end : nameEnd + 1;
    if (valueStart < end && buf.charCodeAt(valueStart) === SPACE) valueStart++;
    switch (nameEnd - start) {
      case 4:
        if (buf.startsWith('data', start)) {
          const value = buf.slice(valueStart, end);
          if (this.#data === undefined) {
            this.#data = value;
            this.#dataLength = value.length;
          } else {
            this.#data = `${this.#data}\n${value}`;
            this.#dataLength += value.length + 1;
          }
          this.#checkSize();
        }
        return;
      case 5:
        if (buf.startsWith('event', start)) this.#eventType = buf.slice(valueStart, end);
        else if (buf.startsWith('retry', start)) {
          const value = buf.slice(valueStart, end);
          if (isAsciiDigits(value)) this.#retry = Number(value);
        }
        return;
      case 2:
        if (buf.startsWith('id', start)) {
          const value = buf.slice(valueStart, end);
          if (!value.includes('\0')) this.#lastEventId = value;
        }
        return;
    }
    // Any other field is ignored, as the spec says.
  }

  #dispatch(out: SseEvent[]): void {
    const data = this.#data;
    if (data === undefined) {
      this.#eventType = '';
      return;
    }
    const event: SseEvent = { event: this.#eventType === '' ? 'message' : this.#eventType, data };
    if (this.#lastEventId !== '') event.id = this.#lastEventId;
    if (this.#retry !== undefined) {
      event.retry = this.#retry;
      this.#retry = undefined;
    }
    out.push(event);
    this.#data = undefined;
    this.#dataLength = 0;
    this.#eventType = '';
  }

  /** A finished line other than `data:` (whose value #checkSize counts) over the cap is refused. */
  #checkLine(buf: string, start: number, end: number): void {
    const max = this.#maxEventBytes;
    if (buf.startsWith('data:', start)) return;
    if (end - start > max || Buffer.byteLength(buf.slice(start, end)) > max) {
      throw new ResponseFormatError(`Server-sent event larger than maxEventBytes (${max} bytes)`);
    }
  }

  #checkSize(): void {
    const max = this.#maxEventBytes;
    const units = this.#dataLength + this.#pending.length;
    // A UTF-16 unit is 1 to 3 UTF-8 bytes: only the band in between needs an exact count.
    if (units * 3 <= max) return;
    if (units > max || Buffer.byteLength(this.#data ?? '') + Buffer.byteLength(this.#pending) > max) {
      throw new ResponseFormatError(`Server-sent event larger than maxEventBytes (${max} bytes)`);
    }
  }
}

/**
 * Decodes a `text/event-stream` body into events: `field: value` lines (one optional space after the colon
 * dropped), `data` lines joined with "\n", `:` comments ignored, CR, LF and CRLF line ends (also across
 * chunks), a leading BOM dropped, one event per blank line, events without data not dispatched, and an
 * unterminated last event dropped unless `flushIncomplete`. Multi-byte characters may be split anywhere.
 *
 * Leaving the loop early or a decoding error closes `source` (for a response body: its socket).
 * Invalid options throw `InvalidRequestError` at once.
 *
 * @example
 * ```ts
 * for await (const event of decodeSse(response.body)) {
 *   if (event.data === '[DONE]') break;
 *   console.log(JSON.parse(event.data));
 * }
 * ```
 */
export function decodeSse(
  source: AsyncIterable<TextChunk>,
  options?: SseDecodeOptions,
): AsyncGenerator<SseEvent, undefined, unknown> {
  return iterateParsedText(source, new SseParser(options));
}
