/**
 * /dev/tty: a description of whatever terminal controlled the task's
 * session when it was opened (tty(4)). It is one TTY entry with the
 * tty-info of kind CTTY; the terminal itself is dumped as what it is (a
 * pty of the tree, or the shell's terminal). Restore opens /dev/tty again
 * in the task, once its session has its terminal back.
 */
import type { FileId } from '../../model';
import { CONTROLLING_TTY_INFO, ttyFileEntry } from '../../model/tty';
import { close } from '../../sys/fd';
import { copyFdFromProcess } from '../../sys/pidfd';
import * as terminal from '../../sys/terminal';
import type { Pid } from '../../sys/types';
import { isControllingTtyDevice } from '../../tty/devices';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { recordOpenedPath, type FdKind, type FdSubject } from './kind';
import { orZero, terminalsOfDump } from './tty';

export const controllingTerminals: FdKind = {
  type: 'TTY',
  matches: ({ stat }) => isControllingTtyDevice(stat),
  dump(subject: FdSubject, id: FileId): void {
    subject.files.add(ttyFileEntry({ id, info: CONTROLLING_TTY_INFO, flags: toOpenFlags(subject.flags), owner: NO_OWNER, pathFile: recordOpenedPath(subject) }));
    const { infos } = terminalsOfDump(subject.files);
    if (infos.has(CONTROLLING_TTY_INFO)) return;
    const fd = copyFdFromProcess(subject.pid, subject.fd);
    try {
      // Its settings are those of the terminal behind it, which restores them; they are recorded as CRIU records them.
      infos.set(CONTROLLING_TTY_INFO, {
        id: CONTROLLING_TTY_INFO,
        kind: 'CTTY',
        locked: false,
        exclusive: false,
        packetMode: false,
        session: orZero(() => terminal.terminalSession(fd)) as Pid,
        foregroundGroup: orZero(() => terminal.foregroundGroup(fd)) as Pid,
        rdev: subject.stat.rdev,
        termios: terminal.getLineSettings(fd),
        lockedTermios: terminal.getLockedSettings(fd),
        winSize: terminal.getWindowSize(fd),
        ptyIndex: undefined,
        dev: subject.stat.dev,
      });
    } finally {
      close(fd);
    }
  },
};
