/** Building the typed model, with a failure turned into a finding that names the image, entry and field. */
import * as path from 'node:path';
import { AmberError } from '../../errors';
import { readCheckpoint, type Checkpoint } from '../../model';
import { error, type Finding } from './findings';

/** "DIR/NAME: entry N: FIELD: problem", as the model's reader words its errors. */
const READER_MESSAGE = /^(?<image>[^/:]+): (?:entry (?<entry>\d+):(?: (?<field>[\w.]+):)? )?(?<problem>.*)$/;

function readerFinding(directory: string, message: string): Finding {
  const prefix = path.join(directory, '/');
  const local = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  const parts = READER_MESSAGE.exec(local)?.groups;
  if (parts === undefined) return error('.', local);
  const entry = parts.entry === undefined ? undefined : Number(parts.entry);
  return error(parts.image, parts.problem, { entry, field: parts.field });
}

export async function loadCheckpoint(directory: string): Promise<Checkpoint | Finding> {
  try {
    return await readCheckpoint(directory);
  } catch (e) {
    if (e instanceof AmberError) return readerFinding(directory, e.message);
    throw e;
  }
}
