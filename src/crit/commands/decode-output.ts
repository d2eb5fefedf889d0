import * as fs from 'node:fs';
import type { ChunkSink } from '../../images/json/ascii-out';
import { cannot } from '../io';

/**
 * Writes the text `produce` hands its sink into `file` chunk by chunk, as
 * it comes: a large image's text is never held whole. If `produce` fails,
 * the partial file is removed.
 */
export function writeAsProduced(file: string, produce: (sink: ChunkSink) => void): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w');
  } catch (e) {
    throw cannot('write', file, e);
  }
  const sink: ChunkSink = (chunk) => {
    try {
      for (let written = 0; written < chunk.length; ) written += fs.writeSync(fd, chunk, written);
    } catch (e) {
      throw cannot('write', file, e);
    }
  };
  try {
    produce(sink);
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}
