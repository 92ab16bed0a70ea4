/**
 * Python bytes literals, as OPEA's ChatQnA megaservice streams them: every frame is
 * `data: {repr(text.encode('utf-8'))}`, so the text arrives as `b'It\xe2\x80\x99s'`, `b"it's"`,
 * `b'a\\b'`, `b'line\n'`. Decoding gives the raw bytes back; turning them into text is the caller's job
 * (a multi-byte character may in principle be split across frames, so a streaming UTF-8 decoder belongs
 * around this, not inside it).
 */

/** A prefix of a bytes literal: `b`, `B`, and the raw forms `br`, `rb` in any case. */
const PREFIX = /^(?:[bB][rR]?|[rR][bB])(?=['"])/;

/** The single-character escapes of Python bytes literals. */
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/** Whether `text` starts like a Python bytes literal (`b'`, `b"`, `rb'`, …). */
export function isPythonBytesLiteral(text: string): boolean {
  return PREFIX.test(text);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function isOctal(code: number): boolean {
  return code >= 0x30 && code <= 0x37;
}

/**
 * Decodes a Python bytes literal (`b'…'`, `b"…"`, triple-quoted, or raw `rb'…'`) into its bytes, the way
 * Python's parser would: `\\`, `\'`, `\"`, `\a \b \f \n \r \t \v`, `\xhh`, octal `\ooo`, a backslash-newline
 * continuation, and any other backslash kept as is. Characters outside ASCII are not allowed in a bytes
 * literal (Python refuses them), nor is an unescaped quote of the literal's own kind.
 *
 * Surrounding whitespace is ignored. Throws a `SyntaxError` naming the problem for anything else.
 */
export function decodePythonBytesLiteral(literal: string): Uint8Array {
  const text = literal.trim();
  const prefix = PREFIX.exec(text)?.[0];
  if (prefix === undefined) throw new SyntaxError('not a Python bytes literal (no b prefix)');
  const raw = /r/i.test(prefix);
  const quoteChar = text[prefix.length] as "'" | '"';
  const triple = text.startsWith(quoteChar.repeat(3), prefix.length);
  const quote = triple ? quoteChar.repeat(3) : quoteChar;
  const start = prefix.length + quote.length;
  const end = text.length - quote.length;
  if (end < start || !text.endsWith(quote)) throw new SyntaxError('unterminated Python bytes literal');

  const out = new Uint8Array(end - start);
  let n = 0;
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new SyntaxError('a Python bytes literal holds only ASCII characters');
    if (code !== 0x5c) {
      if (!triple && text[i] === quoteChar) throw new SyntaxError('an unescaped quote inside the literal');
      if (!triple && (code === 0x0a || code === 0x0d)) {
        throw new SyntaxError('a line break inside a single-quoted literal');
      }
      out[n++] = code;
      i++;
      continue;
    }
    if (i + 1 >= end) throw new SyntaxError('the literal ends with a lone backslash');
    const next = text[i + 1] as string;
    if (raw) {
      // In a raw literal a backslash escapes nothing; it only keeps the next quote from ending the literal.
      // The character after it is still one of the literal's: ASCII only.
      if (next.charCodeAt(0) > 0x7f)
        throw new SyntaxError('a Python bytes literal holds only ASCII characters');
      out[n++] = 0x5c;
      out[n++] = next.charCodeAt(0);
      i += 2;
      continue;
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out[n++] = simple;
      i += 2;
    } else if (next === '\n') {
      i += 2;
    } else if (next === '\r') {
      i += text[i + 2] === '\n' ? 3 : 2;
    } else if (next === 'x') {
      const hi = i + 2 < end ? hexValue(text.charCodeAt(i + 2)) : -1;
      const lo = i + 3 < end ? hexValue(text.charCodeAt(i + 3)) : -1;
      if (hi < 0 || lo < 0) throw new SyntaxError(`invalid \\x escape at position ${i - start}`);
      out[n++] = (hi << 4) | lo;
      i += 4;
    } else if (isOctal(next.charCodeAt(0))) {
      let value = 0;
      let j = i + 1;
      while (j < end && j < i + 4 && isOctal(text.charCodeAt(j))) {
        value = value * 8 + (text.charCodeAt(j) - 0x30);
        j++;
      }
      out[n++] = value & 0xff;
      i = j;
    } else {
      // Python keeps an unknown escape as written (with a warning).
      out[n++] = 0x5c;
      i++;
    }
  }
  return out.subarray(0, n);
}
