/**
 * Terminals: each description of a pty pair is a new fd on the description
 * amber made with the pair (see ../pty-pairs.ts); /dev/tty is opened again
 * by its task. A slave whose master is
 * not in the checkpoint is the terminal of the shell the job ran from: with
 * --shell-job (checked before, see ../terminals.ts) it becomes a new
 * description of amber's own terminal, as under CRIU.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import type { OpenFile } from '../../model';
import { CONTROLLING_TTY_INFO, hasMaster, isMasterSide, ptyIndexOf, ttyFileOf, type TtyFile } from '../../model/tty';
import { F_DUPFD_CLOEXEC, O_CLOEXEC } from '../../sys/constants';
import { fcntl } from '../../sys/fd';
import type { Fd } from '../../sys/types';
import { ptyPairsFor } from '../pty-pairs';
import { openInTask } from '../task-files';
import type { OpenedFile } from './kinds';
import { madeInTask } from './made-in-task';
import type { OpenContext } from './open-context';
import { NOT_REOPENED, openFlagsNumber, setStatusFlags } from './regular';

const { O_NOCTTY } = fs.constants;

/** A new description of amber's standard input, its terminal. */
function openShellTerminal(file: TtyFile): OpenedFile {
  return { fd: fs.openSync('/proc/self/fd/0', openFlagsNumber(file.flags) | O_NOCTTY | O_CLOEXEC) as Fd };
}

/** /dev/tty, opened by the task itself: it names the controlling terminal of the task's session, which amber's differs from. */
function openControllingTerminal(tty: TtyFile, context: OpenContext, user: string): OpenedFile {
  return madeInTask(context, user, tty.flags, (task) => openInTask(task, '/dev/tty', openFlagsNumber(tty.flags, NOT_REOPENED), 'as the controlling terminal of its session'));
}

export function openTerminal(file: OpenFile, context: OpenContext, user: string): OpenedFile {
  const tty = ttyFileOf(file);
  if (tty === undefined) throw new AmberError(`${user}: file id ${file.id} is not a terminal`);
  if (tty.info === CONTROLLING_TTY_INFO) return openControllingTerminal(tty, context, user);
  const pairs = ptyPairsFor(context.checkpoint);
  const index = ptyIndexOf(tty.info);
  if (!hasMaster(pairs.terminals, index)) return openShellTerminal(tty);
  const pair = pairs.pair(index, user);
  const own = isMasterSide(tty.info) ? pair.master : pair.slaves.get(tty.id);
  if (own === undefined) throw new AmberError(`${user}: file id ${file.id} is not among the slaves of pty ${index}`);
  if (own === pair.master) setStatusFlags(own, tty.flags);
  // The restore closes what openers return; the pair keeps its own fds until it ends.
  return { fd: fcntl(own, F_DUPFD_CLOEXEC, 0) as Fd };
}
