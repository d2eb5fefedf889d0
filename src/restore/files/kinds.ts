/**
 * How each kind of open file description is recreated on restore: opened
 * by amber, then passed to every task that has an fd for it. A new kind is
 * one module and one line in OPENERS.
 */
import { AmberError } from '../../errors';
import type { OpenFile } from '../../model';
import type { Fd } from '../../sys/types';
import type { RestoringTask } from '../context';
import { openEpoll } from './epoll';
import { openEventfd } from './eventfd';
import { openFanotify } from './fanotify';
import { openFifoEnd } from './fifo';
import { openInotify } from './inotify';
import { openMemfd } from './memfd';
import type { OpenContext } from './open-context';
import { openPipeEnd } from './pipe';
import { openRegularFile } from './regular';
import { openSignalfd } from './signalfd';
import { openTimerfd } from './timerfd';
import { openTerminal } from './tty';
import { openUnixSocket } from './unix-socket';

/** A description amber has open, and what remains to do in the first task that receives it. */
export interface OpenedFile {
  fd: Fd;
  /** State that only the task can set on the description (the file position...), given the fd it has there. */
  finish?: (task: RestoringTask, fdInTask: bigint) => void;
  /** State that needs the task's whole fd table in place (epoll targets), done once every fd is there. */
  settle?: (task: RestoringTask, fdInTask: bigint) => void;
}

/** `user` names the first fd that needs the description, for errors ("task 12 fd 3"). */
type Opener = (file: OpenFile, context: OpenContext, user: string) => OpenedFile;

/** Openers by kind; kinds the model keeps whole ('other') go by their fd type (MEMFD, TTY, FANOTIFY). */
const OPENERS: Partial<Record<OpenFile['kind'] | 'MEMFD' | 'TTY' | 'FANOTIFY', Opener>> = {
  regular: (file, context, user) => openRegularFile(file as Extract<OpenFile, { kind: 'regular' }>, context, user),
  pipe: (file, context) => openPipeEnd(file as Extract<OpenFile, { kind: 'pipe' }>, context),
  fifo: (file, context, user) => openFifoEnd(file as Extract<OpenFile, { kind: 'fifo' }>, context, user),
  eventfd: (file) => openEventfd(file as Extract<OpenFile, { kind: 'eventfd' }>),
  timerfd: (file) => openTimerfd(file as Extract<OpenFile, { kind: 'timerfd' }>),
  signalfd: (file) => openSignalfd(file as Extract<OpenFile, { kind: 'signalfd' }>),
  epoll: (file) => openEpoll(file as Extract<OpenFile, { kind: 'epoll' }>),
  inotify: (file, context, user) => openInotify(file as Extract<OpenFile, { kind: 'inotify' }>, context, user),
  'unix-socket': (file, context) => openUnixSocket(file as Extract<OpenFile, { kind: 'unix-socket' }>, context),
  MEMFD: openMemfd,
  FANOTIFY: openFanotify,
  TTY: openTerminal,
};

export function openDescription(file: OpenFile, context: OpenContext, user: string): OpenedFile {
  const kind = file.kind === 'other' ? file.type : file.kind;
  const opener = OPENERS[kind as keyof typeof OPENERS];
  if (opener === undefined) throw new AmberError(`${user}: restoring ${kind} files is not supported yet (file id ${file.id})`);
  return opener(file, context, user);
}
