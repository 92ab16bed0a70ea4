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

/** Decodes the five named entities and numeric character references. */
export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** The raw inner XML of every `<tag>…</tag>` (and `''` for `<tag/>`), in order, not nested into itself. */
export function xmlBlocks(xml: string, tag: string): string[] {
  const out: string[] = [];
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
  for (const match of xml.matchAll(pattern)) out.push(match[1] ?? '');
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
  if (!new RegExp(`</${root}>\\s*$|<${root}[^>]*/>\\s*$`).test(xml)) {
    throw new ResponseFormatError(`s3: the <${root}> document is cut off`, { status });
  }
}
