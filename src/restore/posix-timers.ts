/**
 * A task's POSIX timers, created again by its main thread under their old
 * ids and armed with the time they had left at the dump, so that the time
 * the task spent checkpointed does not count, as for a stopped task.
 * prctl(PR_TIMER_CREATE_RESTORE_IDS) makes timer_create take the id it
 * finds in *timerid instead of choosing one (kernel/time/posix-timers.c);
 * amber turns it on only around its own timer_create calls.
 *
 * A timer's overrun count has no setter and starts again from zero.
 */
import { AmberError } from '../errors';
import type { PosixTimer } from '../model';
import { errnoName } from '../sys/errno';
import { Syscall } from '../sys/syscall-numbers';
import { isZeroTime, itimerspecBytes, sigeventBytes } from '../sys/timer-structs';
import type { RestoringTask } from './context';
import { writeArguments } from './scratch-layout';

/** <linux/prctl.h> */
const PR_TIMER_CREATE_RESTORE_IDS = 77n;
const RESTORE_IDS_OFF = 0n;
const RESTORE_IDS_ON = 1n;
const TIMER_ID_SIZE = 4;

function createTimer(task: RestoringTask, timer: PosixTimer): void {
  const id = Buffer.alloc(TIMER_ID_SIZE);
  id.writeInt32LE(timer.id);
  const event = sigeventBytes({ value: timer.value, signal: timer.signal, notify: timer.notify, threadId: timer.notifyThread ?? 0 });
  const [eventAddress, idAddress] = writeArguments(task.scratch, event, id);
  task.main.check(`creating POSIX timer ${timer.id}`, Syscall.TimerCreate, BigInt(timer.clock), eventAddress, idAddress);
  const created = task.scratch.read(Number(idAddress - task.scratch.address), TIMER_ID_SIZE).readInt32LE(0);
  if (created !== timer.id) throw new AmberError(`${task.main.name}: POSIX timer ${timer.id} was created as timer ${created}`);
}

function armTimer(task: RestoringTask, timer: PosixTimer): void {
  if (isZeroTime(timer.remaining)) return;
  const [setting] = writeArguments(task.scratch, itimerspecBytes({ interval: timer.interval, value: timer.remaining }));
  task.main.check(`arming POSIX timer ${timer.id}`, Syscall.TimerSettime, BigInt(timer.id), 0n, setting, 0n);
}

/** Creates and arms the task's timers; their signals must be held (see holdSignals) until the task is let go. */
export function restorePosixTimers(task: RestoringTask): void {
  const timers = task.task.process.timers?.posix ?? [];
  if (timers.length === 0) return;
  const { main } = task;
  const enabled = main.syscall(Syscall.Prctl, PR_TIMER_CREATE_RESTORE_IDS, RESTORE_IDS_ON);
  if (enabled < 0n) throw new AmberError(`${main.name}: this kernel cannot give POSIX timers their ids back (prctl PR_TIMER_CREATE_RESTORE_IDS: ${errnoName(Number(-enabled))})`);
  timers.forEach((timer) => createTimer(task, timer));
  main.check('letting timer_create choose ids again', Syscall.Prctl, PR_TIMER_CREATE_RESTORE_IDS, RESTORE_IDS_OFF);
  timers.forEach((timer) => armTimer(task, timer));
}
