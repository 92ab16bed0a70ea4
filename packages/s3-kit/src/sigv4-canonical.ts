/**
 * The canonical forms of AWS Signature Version 4: URI encoding, the canonical URI, query and headers.
 * Pure functions of their input; S3's path rules (no normalisation, each segment encoded once) are the default.
 */

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();

/**
 * RFC 3986 percent-encoding as SigV4 wants it: everything but `A-Za-z0-9-._~` is encoded as UTF-8 bytes with
 * upper-case hex; a space is `%20` (never `+`); `/` is kept only when `keepSlash` is true.
 */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char) || (keepSlash && char === '/')) {
      out += char;
      continue;
    }
    for (const byte of utf8.encode(char)) out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** Percent-decodes text, leaving a malformed escape as it is (a signer must not throw on odd input). */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Removes `.` and `..` segments and collapses repeated slashes (generic services only; S3 never does this). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const joined = `/${out.join('/')}`;
  return path.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

/**
 * The canonical URI of a request path as it appears on the wire (possibly percent-encoded): every segment
 * decoded once and encoded once, so `%24` and `$` both sign as `%24` and nothing is double-encoded. Empty
 * segments and dot segments are kept unless `normalize` is set (S3 keys may contain `//`).
 */
export function canonicalUri(path: string, normalize = false): string {
  const raw = path === '' ? '/' : path;
  const decoded = raw.split('/').map(safeDecode);
  const joined = normalize ? normalizePath(decoded.join('/')) : decoded.join('/');
  return joined
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

/** Query parameters as name/value pairs, decoded (repeated names allowed). */
export type QueryPairs = ReadonlyArray<readonly [string, string]>;

/** Parses a raw query string (without `?`) into decoded pairs; `+` stays a plus (SigV4 does not use forms). */
export function parseQuery(query: string): Array<[string, string]> {
  if (query === '') return [];
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0
        ? [safeDecode(part), '']
        : [safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))];
    });
}

/** The canonical query string: pairs encoded, sorted by encoded name then value, `name=value` joined by `&`. */
export function canonicalQuery(pairs: QueryPairs): string {
  return pairs
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Request headers to sign: a name maps to one value, or several (repeated header lines, joined with `,`). */
export type SignableHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Trims a header value and collapses inner runs of whitespace (folded lines included) into one space. */
export function trimHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** The canonical header block (each line ending in `\n`) and the `;`-joined signed header names. */
export function canonicalHeaders(headers: SignableHeaders): { canonical: string; signed: string } {
  const merged = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase().trim();
    const values = typeof value === 'string' ? [value] : value;
    const list = merged.get(key) ?? [];
    list.push(...values.map(trimHeaderValue));
    merged.set(key, list);
  }
  const names = [...merged.keys()].sort();
  const canonical = names.map((name) => `${name}:${(merged.get(name) ?? []).join(',')}\n`).join('');
  return { canonical, signed: names.join(';') };
}
