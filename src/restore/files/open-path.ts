/** Opening a path of the checkpoint in amber, with an error that names the fd it is for. */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import type { Fd } from '../../sys/types';

/** open(2) of `path` with `flags`; the error names `user`, whose fd it is for, and the file as `shownAs`. */
export function openPath(path: string, flags: number, user: string, shownAs = path): Fd {
  try {
    return fs.openSync(path, flags) as Fd;
  } catch (e) {
    throw new AmberError(`${user}: cannot reopen ${shownAs}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
