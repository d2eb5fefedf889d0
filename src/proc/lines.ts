/**
 * Line structure of procfs text and its errors: field readers throw
 * `FieldError`; `atLine` turns it into a one-line AmberError
 * "FILE: line N: problem".
 */
import { AmberError } from '../errors';
import { FieldError } from './fields';

/** Escapes control characters (a comm or path may hold a newline) so that a message stays one line. */
function oneLine(message: string): string {
  return message.replace(/[\x00-\x1f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Runs `parse` for line `lineNumber` of `file`, reporting any failure as one AmberError line. */
export function atLine<T>(file: string, lineNumber: number, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FieldError) throw new AmberError(oneLine(`${file}: line ${lineNumber}: ${e.message}`));
    throw e;
  }
}

/** A line of a file with its 1-based number, for error messages. */
export interface NumberedLine {
  line: string;
  lineNumber: number;
}

/** Calls `visit` for every non-empty line, reporting failures with the line number. */
export function forEachLine(file: string, text: string, visit: (line: string, lineNumber: number) => void): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '') atLine(file, i + 1, () => visit(lines[i], i + 1));
  }
}

/** An AmberError about the whole file, for things no single line shows (a missing key). */
export function fileError(file: string, problem: string): AmberError {
  return new AmberError(oneLine(`${file}: ${problem}`));
}

/** Groups the lines of a file into records, each starting at a line `startsRecord` accepts. */
export function records(file: string, text: string, startsRecord: (line: string) => boolean): NumberedLine[][] {
  const result: NumberedLine[][] = [];
  forEachLine(file, text, (line, lineNumber) => {
    if (startsRecord(line)) result.push([]);
    else if (result.length === 0) throw new FieldError(`expected the start of a record, got "${line}"`);
    result[result.length - 1].push({ line, lineNumber });
  });
  return result;
}
