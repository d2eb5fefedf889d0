/** Text forms that must match what Python's crit writes, character for character. */

const MAX_BASE64_LINE = 76;

/** base64.encodebytes: lines of 76 characters, each ending in "\n"; "" for no bytes. */
export function pythonBase64(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  if (text.length <= MAX_BASE64_LINE) return text + '\n';
  let lines = '';
  for (let i = 0; i < text.length; i += MAX_BASE64_LINE) lines += text.slice(i, i + MAX_BASE64_LINE) + '\n';
  return lines;
}

const SAFE_JSON_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** json.dumps of a str with ensure_ascii: everything outside printable ASCII as \uXXXX (lower-case hex). */
export function pythonJsonString(text: string): string {
  if (SAFE_JSON_TEXT.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const code = text.charCodeAt(i);
    if (SHORT_ESCAPES[c] !== undefined) out += SHORT_ESCAPES[c];
    else if (code < 0x20 || code > 0x7e) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += c;
  }
  return out + '"';
}

/** Python's "0x%x": note a negative value comes out as "0x-5". */
export function pythonHex(value: number | bigint): string {
  if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
    // Number#toString(16) is slow for doubles; print the two 32-bit halves instead.
    const high = Math.floor(value / TWO_32);
    const low = (value % TWO_32).toString(16);
    return high === 0 ? '0x' + low : '0x' + high.toString(16) + low.padStart(8, '0');
  }
  return '0x' + value.toString(16);
}

const TWO_32 = 2 ** 32;
