/** eventfd: made with its counter and semaphore mode. */
import * as fs from 'node:fs';
import type { EventFd } from '../../model';
import { EFD_SEMAPHORE, eventfd } from '../../sys/anon-fd';
import type { OpenedFile } from './kinds';
import { setStatusFlags } from './regular';

/** eventfd(2) takes its first value as an unsigned int; a larger counter is written afterwards. */
const LARGEST_INITIAL = 0xffff_ffffn;

export function openEventfd(file: EventFd): OpenedFile {
  const fitsInitial = file.counter <= LARGEST_INITIAL;
  const fd = eventfd(fitsInitial ? file.counter : 0n, file.semaphore === true ? EFD_SEMAPHORE : 0);
  if (!fitsInitial) {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64LE(file.counter);
    fs.writeSync(fd, counter);
  }
  setStatusFlags(fd, file.flags);
  return { fd };
}
