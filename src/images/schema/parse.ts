import { tokenize, type Token } from './tokens';
import type { EnumDecl, FieldDecl, FieldOptions, Label, MessageDecl, ProtoFile } from './types';

/**
 * Parses the proto2 subset our schema uses: syntax, package, import, option,
 * messages (nested), enums, labelled fields with `[...]` options, and
 * `extend`/`reserved`/`extensions` statements, which are skipped.
 */
export function parseProto(text: string, fileName: string): ProtoFile {
  return new ProtoParser(tokenize(text, fileName), fileName).file();
}

const LABELS = new Set<string>(['required', 'optional', 'repeated']);

class ProtoParser {
  private pos = 0;
  private packageName = '';
  private readonly messages: MessageDecl[] = [];
  private readonly enums: EnumDecl[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly fileName: string,
  ) {}

  file(): ProtoFile {
    while (!this.atEnd()) {
      const word = this.next().text;
      if (word === 'syntax' || word === 'import' || word === 'option') this.skipStatement();
      else if (word === 'package') {
        this.packageName = this.word();
        this.expect(';');
      } else if (word === 'message') this.message(this.packageName);
      else if (word === 'enum') this.enumBody(this.packageName);
      else if (word === 'extend' || word === 'service') this.skipBlock();
      else if (word === ';') continue;
      else this.fail(`unexpected '${word}'`);
    }
    return { messages: this.messages, enums: this.enums };
  }

  private message(scope: string): void {
    const fullName = qualify(scope, this.word());
    const fields: FieldDecl[] = [];
    this.messages.push({ fullName, fields });
    this.expect('{');
    while (!this.take('}')) {
      const word = this.peek().text;
      if (word === 'message') {
        this.next();
        this.message(fullName);
      } else if (word === 'enum') {
        this.next();
        this.enumBody(fullName);
      } else if (word === 'option' || word === 'reserved' || word === 'extensions') this.skipStatement();
      else if (word === 'extend') {
        this.next();
        this.skipBlock();
      } else if (word === 'oneof') {
        this.next();
        this.word();
        this.expect('{');
        while (!this.take('}')) fields.push(this.field('optional'));
      } else if (word === ';') this.next();
      else fields.push(this.field());
    }
  }

  private field(implicitLabel?: Label): FieldDecl {
    let label: Label;
    if (implicitLabel !== undefined) label = implicitLabel;
    else {
      const word = this.word();
      if (!LABELS.has(word)) this.fail(`field needs a label (required/optional/repeated), got '${word}'`);
      label = word as Label;
    }
    const typeName = this.word();
    const name = this.word();
    this.expect('=');
    const number = this.integer();
    const options = this.take('[') ? this.fieldOptions() : {};
    this.expect(';');
    return { name, number, label, typeName, options };
  }

  private fieldOptions(): FieldOptions {
    const options: FieldOptions = {};
    do {
      const name = this.optionName();
      this.expect('=');
      const value = this.next();
      setOption(options, name, value, () => this.fail(`unsupported option ${name}`));
    } while (this.take(','));
    this.expect(']');
    return options;
  }

  /** `packed`, `default`, or `(criu).hex` returned as "criu.hex". */
  private optionName(): string {
    if (!this.take('(')) return this.word();
    const extension = this.word().replace(/^\./, '');
    this.expect(')');
    return extension + this.word();
  }

  private enumBody(scope: string): void {
    const fullName = qualify(scope, this.word());
    const values: EnumDecl['values'] = [];
    this.expect('{');
    while (!this.take('}')) {
      const word = this.word();
      if (word === 'option' || word === 'reserved') {
        this.skipStatement();
        continue;
      }
      this.expect('=');
      values.push({ name: word, number: this.integer() });
      if (this.take('[')) this.skipUntil(']');
      this.expect(';');
    }
    this.enums.push({ fullName, values });
  }

  private integer(): number {
    const text = this.word();
    const value = Number(text);
    if (!Number.isInteger(value)) this.fail(`expected an integer, got '${text}'`);
    return value;
  }

  private skipStatement(): void {
    this.skipUntil(';');
  }

  private skipUntil(symbol: string): void {
    while (this.next().text !== symbol);
  }

  private skipBlock(): void {
    let depth = 0;
    for (;;) {
      const text = this.next().text;
      if (text === '{') depth++;
      else if (text === '}' && --depth === 0) return;
    }
  }

  private atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  private peek(): Token {
    if (this.atEnd()) this.fail('unexpected end of file');
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.peek();
    this.pos++;
    return token;
  }

  private word(): string {
    const token = this.next();
    if (token.kind !== 'word') this.fail(`expected a name, got '${token.text}'`);
    return token.text;
  }

  private take(symbol: string): boolean {
    if (this.atEnd()) return false;
    const token = this.tokens[this.pos];
    if (token.kind !== 'symbol' || token.text !== symbol) return false;
    this.pos++;
    return true;
  }

  private expect(symbol: string): void {
    if (!this.take(symbol)) this.fail(`expected '${symbol}'`);
  }

  private fail(problem: string): never {
    const line = this.tokens[Math.min(this.pos, this.tokens.length - 1)]?.line ?? 0;
    throw new Error(`${this.fileName}:${line}: ${problem}`);
  }
}

function qualify(scope: string, name: string): string {
  return scope === '' ? name : `${scope}.${name}`;
}

const BOOLEAN_OPTIONS = new Set(['packed', 'criu.hex', 'criu.ipadd', 'criu.dev', 'criu.odev']);
const STRING_OPTIONS = new Set(['criu.flags', 'criu.dict', 'criu.conv']);

function setOption(options: FieldOptions, name: string, value: Token, unsupported: () => never): void {
  const key = name.replace(/^criu\./, '') as keyof FieldOptions;
  if (BOOLEAN_OPTIONS.has(name)) (options as Record<string, unknown>)[key] = value.text === 'true';
  else if (STRING_OPTIONS.has(name)) (options as Record<string, unknown>)[key] = value.text;
  else if (name === 'default') options.default = value.text;
  else if (name === 'deprecated' || name === 'json_name') return;
  else unsupported();
}
