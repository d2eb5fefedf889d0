/** signalfd: made with its signal set; the signals themselves are pending in the task that reads it. */
import type { SignalFd } from '../../model';
import { signalfd } from '../../sys/anon-fd';
import type { OpenedFile } from './kinds';
import { setStatusFlags } from './regular';

export function openSignalfd(file: SignalFd): OpenedFile {
  const fd = signalfd(file.signals, 0);
  setStatusFlags(fd, file.flags);
  return { fd };
}
