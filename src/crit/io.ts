import * as fs from 'node:fs/promises';
import { AmberError } from '../errors';

/** Where an input came from, for error messages. */
export const STDIN_NAME = '<stdin>';

/** The bytes of `file`, or of stdin when no file is given. */
export async function readInput(file: string | undefined): Promise<{ bytes: Buffer; name: string }> {
  if (file === undefined) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), name: STDIN_NAME };
  }
  try {
    return { bytes: await fs.readFile(file), name: file };
  } catch (e) {
    throw new AmberError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function writeStdout(data: string | Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => process.stdout.write(data, (e) => (e ? reject(e) : resolve())));
}

/** Writes to `file`, or to stdout when no file is given. */
export async function writeOutput(file: string | undefined, data: string | Buffer): Promise<void> {
  if (file === undefined) return writeStdout(data);
  try {
    await fs.writeFile(file, data);
  } catch (e) {
    throw new AmberError(`${file}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
