/**
 * The little XML S3 speaks: flat elements with text, escaped with the five XML entities. A full parser is not
 * needed (S3 bodies have no attributes we read, no CDATA, no mixed content) and would be a dependency.
 */
import { ResponseFormatError } from '@ipfs-accelerate/core';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Escapes text for an XML element or attribute. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A character reference's code point as text, or undefined when it names no XML character. */
function characterOf(code: number): string | undefined {
  // NUL, the surrogates and anything past U+10FFFF are not characters XML can hold (and fromCodePoint
  // throws a RangeError past U+10FFFF).
  if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return String.fromCodePoint(code);
}

/**
 * Decodes the five named entities and numeric character references. A reference that names no character
 * (`&#0;`, `&#xD800;`, `&#x110000;`) or no known entity is kept as written.
 */
export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return characterOf(Number.parseInt(ref.slice(2), 16)) ?? whole;
    if (ref.startsWith('#')) return characterOf(Number.parseInt(ref.slice(1), 10)) ?? whole;
    return ENTITIES[ref] ?? whole;
  });
}

/**
 * `text.indexOf(needle, position)`, remembering the last answer: asked with positions that do not go back
 * (as xmlBlocks asks), it goes over the text once in all.
 */
function forwardSearch(text: string, needle: string): (position: number) => number {
  let from = Number.POSITIVE_INFINITY;
  let found = -1;
  return (position) => {
    // The last answer holds for any position from where it was asked up to where it was found.
    if (position >= from && (found === -1 || position <= found)) return found;
    from = position;
    found = text.indexOf(needle, position);
    return found;
  };
}

const WHITESPACE = /\s/;

/**
 * The raw inner XML of every `<tag>…</tag>` (and `''` for `<tag/>`), in order, not nested into itself:
 * what `/<tag(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/tag>)/g` finds, read in one pass. (That pattern itself
 * backtracks to the end of the text from every `<tag` that does not close: quadratic on a hostile body.)
 */
export function xmlBlocks(xml: string, tag: string): string[] {
  const out: string[] = [];
  const open = `<${tag}`;
  const closes = forwardSearch(xml, `</${tag}>`);
  const ends = forwardSearch(xml, '>');
  let position = xml.indexOf(open);
  while (position !== -1) {
    const after = position + open.length;
    const next = xml[after];
    let end = -1; // where the match ends, when this `<tag` is one
    if (next !== undefined && WHITESPACE.test(next)) {
      // Attributes up to the first `>`; then content up to `</tag>`, else `…/>` closes the tag by itself.
      const gt = ends(after + 1);
      if (gt !== -1) {
        const close = closes(gt + 1);
        if (close !== -1) {
          out.push(xml.slice(gt + 1, close));
          end = close + tag.length + 3;
        } else if (gt - 1 > after && xml[gt - 1] === '/') {
          out.push('');
          end = gt + 1;
        }
      }
    } else if (next === '/' && xml[after + 1] === '>') {
      out.push('');
      end = after + 2;
    } else if (next === '>') {
      const close = closes(after + 1);
      if (close !== -1) {
        out.push(xml.slice(after + 1, close));
        end = close + tag.length + 3;
      }
    }
    position = xml.indexOf(open, end === -1 ? position + 1 : end);
  }
  return out;
}

/** The unescaped text of the first `<tag>`, or undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  const [first] = xmlBlocks(xml, tag);
  return first === undefined ? undefined : xmlUnescape(first);
}

/** The name of the root element (after the declaration and whitespace), or undefined for a non-XML body. */
export function xmlRoot(xml: string): string | undefined {
  const match = /^\s*(?:<\?xml[^>]*\?>\s*)?<([A-Za-z][\w.-]*)/.exec(xml);
  return match?.[1];
}

/** Checks that a success body is the expected document; anything else is a ResponseFormatError. */
export function expectRoot(xml: string, root: string, status: number): void {
  const found = xmlRoot(xml);
  if (found !== root) {
    throw new ResponseFormatError(
      `s3: expected an XML <${root}> document, got ${found ? `<${found}>` : JSON.stringify(xml.slice(0, 80))}`,
      { status },
    );
  }
  if (!endsWithRoot(xml, root)) {
    throw new ResponseFormatError(`s3: the <${root}> document is cut off`, { status });
  }
}

/**
 * Whether the document ends (before trailing whitespace) with `</root>` or a self-closing `<root …/>`:
 * `/<\/root>\s*$|<root[^>]*\/>\s*$/` without its backtracking from every `<root` in the text.
 */
function endsWithRoot(xml: string, root: string): boolean {
  const text = xml.trimEnd(); // trimEnd drops exactly what \s matches
  if (text.endsWith(`</${root}>`)) return true;
  if (!text.endsWith('/>')) return false;
  // `<root` then no `>` until the final `/>`: the last `<root` after the last `>` before it.
  const lastGt = text.lastIndexOf('>', text.length - 3);
  const start = text.indexOf(`<${root}`, lastGt + 1);
  return start !== -1 && start + root.length + 1 <= text.length - 2;
}
