/**
 * Quoted-printable text as Python's quopri.encodestring/decodestring make it
 * (binascii b2a_qp/a2b_qp, RFC 1521 with 76-character lines): crit shows
 * unix socket names this way.
 */

const MAX_LINE = 76;
const EQUALS = 0x3d;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const SPACE = 0x20;
const DOT = 0x2e;

function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function mustQuote(data: Uint8Array, i: number, lineLength: number): boolean {
  const c = data[i];
  const last = i + 1 === data.length;
  if (c > 126 || c === EQUALS) return true;
  if (c === DOT && lineLength === 0 && (last || data[i + 1] === LF || data[i + 1] === CR || data[i + 1] === 0)) return true;
  if ((c === TAB || c === SPACE) && last) return true;
  return c < 33 && c !== CR && c !== LF && c !== TAB && c !== SPACE;
}

export function encodeQuotedPrintable(data: Uint8Array): string {
  const lf = data.indexOf(LF);
  const lineEnd = lf > 0 && data[lf - 1] === CR ? '\r\n' : '\n';
  let out = '';
  let lineLength = 0;
  let i = 0;
  while (i < data.length) {
    const c = data[i];
    if (mustQuote(data, i, lineLength)) {
      if (lineLength + 3 >= MAX_LINE) {
        out += '=' + lineEnd;
        lineLength = 0;
      }
      out += '=' + hexByte(c);
      lineLength += 3;
      i++;
    } else if (c === LF || (c === CR && i + 1 < data.length && data[i + 1] === LF)) {
      const previous = out.charCodeAt(out.length - 1);
      if (out.length > 0 && (previous === SPACE || previous === TAB)) out = out.slice(0, -1) + '=' + hexByte(previous);
      out += lineEnd;
      lineLength = 0;
      i += c === CR ? 2 : 1;
    } else {
      if (i + 1 !== data.length && data[i + 1] !== LF && lineLength + 1 >= MAX_LINE) {
        out += '=' + lineEnd;
        lineLength = 0;
      }
      out += String.fromCharCode(c);
      lineLength++;
      i++;
    }
  }
  return out;
}

const HEX_DIGIT = /[0-9A-Fa-f]/;

export function decodeQuotedPrintable(text: string): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '=') {
      const code = text.charCodeAt(i);
      if (code > 0x7f) throw new Error(`non-ASCII character '${c}' in quoted-printable text`);
      out.push(code);
      i++;
      continue;
    }
    i++;
    if (i >= text.length) break;
    if (text[i] === '\n' || text[i] === '\r') {
      while (i < text.length && text[i] !== '\n') i++;
      if (i < text.length) i++;
    } else if (text[i] === '=') {
      out.push(EQUALS);
      i++;
    } else if (i + 1 < text.length && HEX_DIGIT.test(text[i]) && HEX_DIGIT.test(text[i + 1])) {
      out.push(parseInt(text.slice(i, i + 2), 16));
      i += 2;
    } else {
      out.push(EQUALS);
    }
  }
  return Buffer.from(out);
}
