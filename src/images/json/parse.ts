/**
 * JSON parsing that keeps integers exact: crit's JSON holds 64-bit values
 * (18446744073709551615) that JSON.parse would round. Integers that are
 * not safe JavaScript numbers become bigints.
 */

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const PLAIN_STRING = /[^"\\\x00-\x1f]*/y;

/** Deeper nesting than any image has; beyond it the input is taken as hostile. */
const MAX_DEPTH = 512;

class JsonParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  document(): unknown {
    const value = this.value();
    this.space();
    if (this.pos < this.text.length) this.fail('extra data after the JSON value');
    return value;
  }

  private fail(problem: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new SyntaxError(`${problem} at line ${line} column ${column}`);
  }

  private expect(symbol: string): void {
    if (this.text[this.pos] !== symbol) this.fail(`expected '${symbol}'`);
    this.pos++;
  }

  /** After an item: true at the closing bracket, false after a comma. */
  private closes(bracket: string): boolean {
    const c = this.text[this.pos];
    if (c !== bracket && c !== ',') this.fail(`expected ',' or '${bracket}'`);
    this.pos++;
    return c === bracket;
  }

  private space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) this.fail(`lists and objects nested more than ${MAX_DEPTH} deep`);
      const container = c === '{' ? this.object() : this.array();
      this.depth--;
      return container;
    }
    if (c === '"') return this.string();
    for (const [word, value] of WORDS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.number();
  }

  private object(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return object;
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
      const key = this.string();
      this.space();
      this.expect(':');
      const value = this.value();
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      this.space();
      if (this.closes('}')) return object;
    }
  }

  private array(): unknown[] {
    const array: unknown[] = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return array;
    }
    for (;;) {
      array.push(this.value());
      this.space();
      if (this.closes(']')) return array;
    }
  }

  private string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      PLAIN_STRING.lastIndex = this.pos;
      PLAIN_STRING.exec(this.text);
      out += this.text.slice(this.pos, PLAIN_STRING.lastIndex);
      this.pos = PLAIN_STRING.lastIndex;
      const c = this.text[this.pos++];
      if (c === '"') return out;
      if (c !== '\\') this.fail(c === undefined ? 'unterminated string' : 'control character in a string');
      const escape = this.text[this.pos++];
      if (escape === 'u') {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 4;
      } else if (ESCAPES[escape] !== undefined) out += ESCAPES[escape];
      else this.fail('bad escape');
    }
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('expected a value');
    this.pos = NUMBER.lastIndex;
    if (match[1] !== undefined || match[2] !== undefined) return Number(match[0]);
    const value = Number(match[0]);
    return Number.isSafeInteger(value) ? value : BigInt(match[0]);
  }
}

const WORDS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

/** Parses JSON text as Python's json module does (NaN and Infinity allowed), keeping big integers exact. */
export function parseCritJson(text: string): unknown {
  return new JsonParser(text).document();
}
