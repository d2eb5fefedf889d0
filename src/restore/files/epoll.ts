/**
 * epoll: amber makes the instance; the task that first receives it adds
 * each target again once its whole fd table is in place, since the kernel
 * keys a target by the task's fd number as well as its file (epoll_ctl(2)).
 */
import type { Epoll } from '../../model';
import { epollCreate } from '../../sys/anon-fd';
import { Syscall } from '../../sys/syscall-numbers';
import type { RestoringTask } from '../context';
import { writeArguments } from '../scratch-layout';
import type { OpenedFile } from './kinds';
import { setStatusFlags } from './regular';

const EPOLL_CTL_ADD = 1n;
/** struct epoll_event is packed on x86-64: events (u32), then data (u64). */
const EPOLL_EVENT_SIZE = 12;

function addTargets(file: Epoll, task: RestoringTask, epollFd: bigint): void {
  for (const target of file.targets) {
    const event = Buffer.alloc(EPOLL_EVENT_SIZE);
    event.writeUInt32LE(target.events >>> 0, 0);
    event.writeBigUInt64LE(target.data, 4);
    const [address] = writeArguments(task.scratch, event);
    task.main.check(`epoll fd ${epollFd}: watching fd ${target.fd} again`, Syscall.EpollCtl, epollFd, EPOLL_CTL_ADD, BigInt(target.fd), address);
  }
}

export function openEpoll(file: Epoll): OpenedFile {
  const fd = epollCreate();
  setStatusFlags(fd, file.flags);
  return { fd, settle: (task, fdInTask) => addTargets(file, task, fdInTask) };
}
