/** A token of .proto text: a word (identifier, keyword, number), a quoted string or one symbol. */
export interface Token {
  kind: 'word' | 'string' | 'symbol';
  text: string;
  line: number;
}

const SYMBOLS = new Set(['{', '}', '[', ']', '(', ')', '=', ';', ',', '<', '>', ':']);

function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_.+-]/.test(c);
}

/** Splits .proto text into tokens, dropping `//` and `/* *\/` comments. */
export function tokenize(text: string, fileName: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`${fileName}:${line}: unterminated comment`);
      line += text.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new Error(`${fileName}:${line}: unterminated string`);
      tokens.push({ kind: 'string', text: value, line });
      i = j + 1;
    } else if (SYMBOLS.has(c)) {
      tokens.push({ kind: 'symbol', text: c, line });
      i++;
    } else if (isWordChar(c)) {
      let j = i;
      while (j < text.length && isWordChar(text[j])) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), line });
      i = j;
    } else {
      throw new Error(`${fileName}:${line}: unexpected character '${c}'`);
    }
  }
  return tokens;
}
