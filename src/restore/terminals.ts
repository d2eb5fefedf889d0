/**
 * Controlling terminals. A pty the checkpoint holds both sides of goes back
 * to the session it controlled: the leader, right after its setsid and
 * before it makes the session's other tasks (which inherit the terminal at
 * fork, as nothing else gives it to them), opens the slave and takes it
 * with TIOCSCTTY; once every process group exists it sets the foreground
 * one with TIOCSPGRP (tty_ioctl(4)). A slave whose master is outside the
 * checkpoint is the terminal of the shell the job ran from, which only
 * --shell-job restores (as amber's own terminal).
 */
import * as fs from 'node:fs';
import { isatty } from 'node:tty';
import { AmberError } from '../errors';
import type { Checkpoint } from '../model';
import { hasMaster, isMasterSide, ptyIndexOf, terminalsOf, type TtyInfo } from '../model/tty';
import { Syscall } from '../sys/syscall-numbers';
import { TIOCSCTTY, TIOCSPGRP } from '../sys/terminal';
import type { RestoringTask } from './context';
import { ptyPairsFor } from './pty-pairs';
import { writeArguments } from './scratch-layout';
import { closeInTask, openInTask } from './task-files';

const { O_RDWR, O_NOCTTY } = fs.constants;

/** Refuses, before any task exists, a terminal of the shell without --shell-job, or --shell-job without a terminal. */
export function checkShellTerminals(checkpoint: Checkpoint, shellJob: boolean): void {
  const terminals = terminalsOf(checkpoint);
  const outside = terminals.files.find((file) => !hasMaster(terminals, ptyIndexOf(file.info)));
  if (outside === undefined) return;
  const name = `/dev/pts/${ptyIndexOf(outside.info)} (file id ${outside.id})`;
  if (!shellJob) throw new AmberError(`${name}: the tree uses a terminal outside the checkpoint (task attached to shell terminal: restore it with --shell-job)`);
  if (!isatty(0)) throw new AmberError(`${name}: --shell-job gives the tree amber's terminal, but amber's standard input is not a terminal`);
}

/** The pty of the checkpoint that controls session `session`, if any. */
function controlledBy(checkpoint: Checkpoint, session: number): TtyInfo | undefined {
  const terminals = ptyPairsFor(checkpoint).terminals;
  return [...terminals.infos.values()].find((info) => !isMasterSide(info.id) && info.session === session && hasMaster(terminals, ptyIndexOf(info.id)));
}

/** Runs `use` on the slave of pty `index` opened in `task`. */
function withSlaveIn(task: RestoringTask, index: number, purpose: string, use: (fd: bigint, path: string) => void): void {
  const path = `/dev/pts/${index}`;
  const fd = openInTask(task, path, O_RDWR | O_NOCTTY, purpose);
  use(fd, path);
  closeInTask(task, fd);
}

/** Right after a session leader's setsid: it takes back the pty that controlled its session (made now if need be). */
export function takeControllingTerminal(checkpoint: Checkpoint, leader: RestoringTask): void {
  const { pid, sid } = leader.task;
  const info = pid === sid ? controlledBy(checkpoint, sid) : undefined;
  if (info === undefined) return;
  const index = ptyIndexOf(info.id);
  ptyPairsFor(checkpoint).pair(index, `session ${sid}`);
  withSlaveIn(leader, index, 'to make it its controlling terminal', (fd, path) => {
    leader.main.check(`making ${path} the controlling terminal of session ${sid}`, Syscall.Ioctl, fd, TIOCSCTTY, 0n);
  });
}

/** Once every process group exists: each session leader puts the recorded group in the foreground of its terminal. */
export function restoreForegroundGroups(checkpoint: Checkpoint, live: readonly RestoringTask[]): void {
  for (const leader of live) {
    const { pid, sid } = leader.task;
    const info = pid === sid ? controlledBy(checkpoint, sid) : undefined;
    if (info === undefined || info.foregroundGroup === 0 || info.foregroundGroup === pid) continue;
    const group = Buffer.alloc(4);
    group.writeInt32LE(info.foregroundGroup);
    withSlaveIn(leader, ptyIndexOf(info.id), 'to set its foreground process group', (fd, path) => {
      const [groupAddress] = writeArguments(leader.scratch, group);
      leader.main.check(`making process group ${info.foregroundGroup} the foreground of ${path}`, Syscall.Ioctl, fd, TIOCSPGRP, groupAddress);
    });
  }
}
