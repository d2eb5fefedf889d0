/**
 * Events queued on an inotify or fanotify instance and not yet read.
 * read(2) takes them off the queue and neither kind can be peeked at, so
 * amber cannot save them without taking them from a task that may go on
 * running (a dump with -R, or one that fails); it refuses such an instance.
 */
import { AmberError } from '../../errors';
import { close } from '../../sys/fd';
import { queuedEventBytes } from '../../sys/fsnotify';
import { copyFdFromProcess } from '../../sys/pidfd';
import type { FdSubject } from './kind';

export function refuseQueuedEvents(subject: FdSubject, kind: 'inotify' | 'fanotify'): void {
  const copy = copyFdFromProcess(subject.pid, subject.fd);
  let bytes: number;
  try {
    bytes = queuedEventBytes(copy);
  } finally {
    close(copy);
  }
  if (bytes > 0) {
    throw new AmberError(`task ${subject.pid} fd ${subject.fd}: ${kind} instance holds ${bytes} bytes of unread events, which cannot be saved without taking them from the task`);
  }
}
