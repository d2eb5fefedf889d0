import { writeCritJson } from '../../images/crit-json';
import { readInput, writeStdout } from '../io';
import { writeAsProduced } from './decode-output';

const NEWLINE = Buffer.from('\n');

/** Decodes one image (stdin without `file`); like crit, a final newline only when writing to stdout. */
export async function decodeFile(file: string | undefined, out: string | undefined, pretty: boolean): Promise<void> {
  const input = await readInput(file);
  if (out !== undefined) {
    writeAsProduced(out, (sink) => writeCritJson(input.bytes, input.name, { pretty, reuseChunks: true }, sink));
    return;
  }
  const pieces: Buffer[] = [];
  writeCritJson(input.bytes, input.name, { pretty }, (chunk) => pieces.push(chunk));
  pieces.push(NEWLINE);
  await writeStdout(pieces);
}
