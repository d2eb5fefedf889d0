/**
 * Files of "Key:<whitespace>value" lines with unique keys (status, one fdinfo
 * header): typed fields are taken out by key, converted with errors that name
 * the line, and whatever nobody took is kept as raw text.
 */
import { keyValue } from './fields';
import { atLine, fileError, forEachLine, type NumberedLine } from './lines';

interface Entry {
  value: string;
  lineNumber: number;
}

export class KeyedLines {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly file: string,
    lines: Iterable<NumberedLine>,
  ) {
    for (const { line, lineNumber } of lines) {
      const [key, value] = atLine(file, lineNumber, () => keyValue(line));
      this.entries.set(key, { value, lineNumber });
    }
  }

  static fromText(file: string, text: string): KeyedLines {
    const lines: NumberedLine[] = [];
    forEachLine(file, text, (line, lineNumber) => lines.push({ line, lineNumber }));
    return new KeyedLines(file, lines);
  }

  /** Converts and removes a key the file must have. */
  take<T>(key: string, convert: (value: string, key: string) => T): T {
    const result = this.takeOptional(key, convert);
    if (result === undefined) throw fileError(this.file, `missing "${key}"`);
    return result;
  }

  /** Converts and removes a key that some kernels or configurations leave out. */
  takeOptional<T>(key: string, convert: (value: string, key: string) => T): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    return atLine(this.file, entry.lineNumber, () => convert(entry.value, key));
  }

  /** The keys not taken, with their raw values. */
  rest(): Map<string, string> {
    return new Map([...this.entries].map(([key, entry]) => [key, entry.value]));
  }
}
