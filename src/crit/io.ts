import * as fs from 'node:fs';
import { AmberError, fsErrorName } from '../errors';

/** Where an input came from, for error messages. */
export const STDIN_NAME = '<stdin>';

/** What a command writes: text, bytes, or bytes in pieces. */
export type Output = string | Buffer | readonly Buffer[];

/** The one-line error for a file amber cannot read or write. */
export function cannot(verb: string, file: string, e: unknown): AmberError {
  return new AmberError(`${file}: cannot ${verb}: ${fsErrorName(e)}`);
}

/** The bytes of `file`, or of stdin when no file is given. */
export async function readInput(file: string | undefined): Promise<{ bytes: Buffer; name: string }> {
  if (file === undefined) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), name: STDIN_NAME };
  }
  // One whole file per command: reading it synchronously is simplest and quickest.
  try {
    return { bytes: fs.readFileSync(file), name: file };
  } catch (e) {
    throw cannot('read', file, e);
  }
}

export async function writeStdout(data: Output): Promise<void> {
  const pieces = typeof data === 'string' || Buffer.isBuffer(data) ? [data] : data;
  await new Promise<void>((resolve, reject) => {
    pieces.forEach((piece, i) => process.stdout.write(piece, i < pieces.length - 1 ? undefined : (e) => (e ? reject(e) : resolve())));
    if (pieces.length === 0) resolve();
  });
}

function writeFile(file: string, data: Output): void {
  const fd = fs.openSync(file, 'w');
  try {
    const pieces = typeof data === 'string' ? [Buffer.from(data)] : Buffer.isBuffer(data) ? [data] : data;
    for (const piece of pieces) {
      for (let written = 0; written < piece.length; ) written += fs.writeSync(fd, piece, written);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes to `file`, or to stdout when no file is given. */
export async function writeOutput(file: string | undefined, data: Output): Promise<void> {
  if (file === undefined) return writeStdout(data);
  try {
    writeFile(file, data);
  } catch (e) {
    throw cannot('write', file, e);
  }
}
