/**
 * A reference encoder for the tests: Python's `repr(text.encode('utf-8'))`, written from CPython's
 * `bytes_repr` (quote choice, `\\`, `\t \n \r`, `\xhh` below 0x20 and from 0x7f). Not exported.
 */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const hasDouble = bytes.includes(0x22);
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = `b${String.fromCharCode(quote)}`;
  for (const byte of bytes) {
    if (byte === quote || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}${String.fromCharCode(quote)}`;
}

/** `repr(text.encode('utf-8'))`. */
export function pythonTextRepr(text: string): string {
  return pythonBytesRepr(new TextEncoder().encode(text));
}
