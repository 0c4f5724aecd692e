/**
 * Text from files and users made safe for a one-line terminal message: control characters (C0, DEL, C1),
 * line and paragraph separators, the byte-order mark, bidirectional overrides, the replacement character
 * U+FFFD (what an invalid UTF-8 byte decodes to) and unpaired surrogates are shown as `\u{XXXX}` escapes, so a
 * message never carries a newline, a NUL or raw binary to the terminal. Long text is cut with an ellipsis.
 */

/** Characters that are invisible, break lines or reorder text in a terminal. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` with unsafe characters escaped as `\u{XXXX}`, cut to at most `max` characters of the original (…). */
export function printable(s: string, max = 200): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const out = cut.replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}}`);
  return s.length > max ? `${out}…` : out;
}

/** A name for one character as it appears in a message: 'x', or U+0000 (NUL), U+FEFF (byte-order mark), … */
export function describeChar(c: string | undefined): string {
  if (c === undefined || c === "") return "end of input";
  const code = c.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (code === 0xfeff) return `${hex} (a byte-order mark)`;
  if (code === 0xfffd) return `${hex} (an invalid UTF-8 byte or the replacement character)`;
  if (code === 0) return `${hex} (NUL)`;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `${hex} (a control character)`;
  const p = printable(String.fromCodePoint(code));
  return p === String.fromCodePoint(code) ? `'${p}'` : hex;
}
