/**
 * Recreating the process tree: every task with its own pid (clone3 set_tid),
 * children made by their own parents (an injected clone3, so parent links
 * are right), sessions and process groups, and zombies that exit again with
 * their recorded status.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import { isZombie, type Task } from '../model';
import {
  __WALL,
  CLONE_FILES,
  CLONE_FS,
  CLONE_SIGHAND,
  CLONE_SYSVSEM,
  CLONE_THREAD,
  CLONE_VM,
  MAP_PRIVATE,
  PTRACE_O_EXITKILL,
  PTRACE_O_TRACECLONE,
  PTRACE_O_TRACEFORK,
  PTRACE_O_TRACESYSGOOD,
  SIGCHLD,
  SIGCONT,
  SIGKILL,
} from '../sys/constants';
import { errnoName } from '../sys/errno';
import { isSyscallError } from '../sys/native';
import { clone3Stopped, kill } from '../sys/process';
import * as ptrace from '../sys/ptrace';
import { ScratchPage } from '../sys/scratch';
import { Syscall } from '../sys/syscall-numbers';
import { waitForStop } from '../sys/thread-stop';
import type { Pid, Tid } from '../sys/types';
import { waitpid } from '../sys/wait';
import type { RestoreContext, RestoringTask } from './context';
import { ipcCloneFlags } from './ipc';
import { RemoteTask, vdsoSyscallSite } from './remote-task';
import { dropAmberState } from './root-inheritance';
import { SCRATCH_CODE, SCRATCH_SIZE, writeArguments } from './scratch-layout';
import { checkShellTerminals, takeControllingTerminal } from './terminals';
import { sharingFlags } from './shared-objects';

/** The ptrace options of every task amber restores (its clones inherit them). */
export const TRACE_OPTIONS = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL;
const MAP_ANONYMOUS = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
const PROT_ALL = 0x7;
/** struct clone_args up to and including set_tid_size (CLONE_ARGS_SIZE_VER1). */
const CLONE_ARGS_SIZE = 80;
/** Where clone_args goes in the scratch page, clear of the set_tid array written before it. */
const CLONE_ARGS_OFFSET = 512;
const HIGHEST_FD = 0xffff_ffffn;
const RSEQ_FLAG_UNREGISTER = 1n;
const EEXIST = 17n;
/** A thread as pthread_create makes one: sharing memory, files, fs, signal handlers and SysV undo lists. */
const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;

function pidInUse(pid: Pid): AmberError {
  return new AmberError(`task ${pid}: cannot take pid ${pid}: it is in use`);
}

/** Waits until a thread amber traces reports its PTRACE_EVENT_STOP. */
function waitForEventStop(tid: Tid): void {
  for (;;) {
    const stop = waitForStop(tid as Pid, tid);
    if (stop.kind === 'event-stop') return;
    if (stop.kind === 'gone') throw new AmberError(`thread ${tid}: ${stop.how} before its restore began`);
    ptrace.cont(tid, 0);
  }
}

/**
 * The clone inherited amber's rseq registration, whose area goes with the
 * inherited memory; the kernel would then fail every return to user space
 * with SIGSEGV (rseq(2)). The image's own registration comes later.
 */
function unregisterInheritedRseq(main: RemoteTask): void {
  const rseq = ptrace.getRseqConfiguration(main.tid);
  if (rseq.rseqAbiPointer === 0n) return;
  const { rseqAbiPointer, rseqAbiSize, signature } = rseq;
  main.check("unregistering amber's rseq area", Syscall.Rseq, rseqAbiPointer, BigInt(rseqAbiSize), RSEQ_FLAG_UNREGISTER, BigInt(signature));
}

/** The root: a stopped copy of amber with the right pid, seized, with its scratch page and only the fd channel. */
function createRoot(context: RestoreContext, root: Task): RestoringTask {
  let pid: Pid;
  try {
    pid = clone3Stopped({ setTid: [root.pid], flags: ipcCloneFlags(context.checkpoint) });
  } catch (e) {
    if (isSyscallError(e, 'EEXIST')) throw pidInUse(root.pid);
    throw e;
  }
  context.created.push(pid);
  ptrace.seize(pid, TRACE_OPTIONS);
  ptrace.interrupt(pid);
  waitForEventStop(pid);
  // End the group-stop the clone put itself in; the SIGCONT this queues is dropped at the first injection.
  kill(pid, SIGCONT);
  const main = new RemoteTask(pid, pid as Tid, vdsoSyscallSite(pid));
  unregisterInheritedRseq(main);
  const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  const where = `mapping its scratch page at 0x${context.scratchAddress.toString(16)}`;
  main.check(where, Syscall.Mmap, context.scratchAddress, BigInt(SCRATCH_SIZE), BigInt(PROT_ALL), BigInt(flags), -1n, 0n);
  const scratch = new ScratchPage(pid, context.scratchAddress, SCRATCH_SIZE);
  scratch.write(SCRATCH_CODE);
  main.useSite(context.scratchAddress);
  const channelFd = Number(context.taskChannel);
  const channel = BigInt(channelFd);
  if (channelFd > 0) main.check("closing amber's fds", Syscall.CloseRange, 0n, channel - 1n, 0n);
  main.check("closing amber's fds", Syscall.CloseRange, channel + 1n, HIGHEST_FD, 0n);
  return { task: root, main, threads: [], scratch, channelFd };
}

/** Runs clone3 in `parent` for a new task or thread with id `tid`; returns the new tid, seized and in its PTRACE_EVENT_STOP. */
function cloneIn(context: RestoreContext, parent: RestoringTask, tid: number, flags: number, exitSignal: number): Tid {
  const setTid = Buffer.alloc(4);
  setTid.writeInt32LE(tid);
  const [setTidAddress] = writeArguments(parent.scratch, setTid);
  const args = Buffer.alloc(CLONE_ARGS_SIZE);
  args.writeBigUInt64LE(BigInt(flags), 0);
  args.writeBigUInt64LE(BigInt(exitSignal), 32);
  args.writeBigUInt64LE(setTidAddress, 64);
  args.writeBigUInt64LE(1n, 72);
  const argsAddress = parent.scratch.write(args, CLONE_ARGS_OFFSET);
  const result = parent.main.syscall(Syscall.Clone3, argsAddress, BigInt(CLONE_ARGS_SIZE));
  if (result === -EEXIST) throw pidInUse(tid as Pid);
  if (result < 0n) throw new AmberError(`${parent.main.name}: cannot create ${tid}: clone3 failed: ${errnoName(Number(-result))}`);
  const created = parent.main.takeForked();
  context.created.push(created as Pid);
  waitForEventStop(created);
  return created;
}

/**
 * A child made by its parent, so that it is the parent's child, sharing with
 * it what it shared when dumped; it has the parent's scratch page address and channel.
 */
function createChild(context: RestoreContext, parent: RestoringTask, task: Task): RestoringTask {
  const pid = cloneIn(context, parent, task.pid, sharingFlags(task, parent.task), SIGCHLD) as Pid;
  const main = new RemoteTask(pid, pid, parent.scratch.address);
  return { task, main, threads: [], scratch: new ScratchPage(pid, parent.scratch.address, SCRATCH_SIZE), channelFd: parent.channelFd };
}

/** The task's other threads, made by its main thread; they wait in their first stop for their state. */
function createThreads(context: RestoreContext, created: RestoringTask): void {
  for (const thread of created.task.threads.slice(1)) {
    const tid = cloneIn(context, created, thread.tid, THREAD_FLAGS, 0);
    created.threads.push(new RemoteTask(created.task.pid, tid, created.scratch.address));
  }
}

/** A session leader starts its session; a group leader its group. Joining other groups waits until all exist. */
function leadSessionOrGroup(created: RestoringTask, isRoot: boolean, shellJob: boolean): void {
  const { task, main } = created;
  if (task.sid === task.pid) main.check(`starting session ${task.sid}`, Syscall.Setsid);
  else if (isRoot && !shellJob) throw new AmberError(`task ${task.pid}: its session ${task.sid} is outside the checkpoint (restore it with --shell-job)`);
  else if (task.pgid === task.pid) main.check(`starting process group ${task.pgid}`, Syscall.Setpgid, 0n, 0n);
}

/** Ends a recreated zombie with its recorded status (exit code, or the signal that killed it) and collects its end as its tracer. */
function finishZombie(zombie: RestoringTask): void {
  const { task, main } = zombie;
  const signal = task.process.exitStatus & 0x7f;
  if (signal !== 0) {
    // The clone still has amber's dispositions: the signal must act as by default, as it did on the original task.
    main.check(`resetting the action of signal ${signal}`, Syscall.RtSigaction, BigInt(signal), writeArguments(zombie.scratch, Buffer.alloc(32))[0], 0n, 8n);
    main.resumeWithSignal(signal);
  } else main.exitWith(task.process.exitStatus >> 8);
  const stop = waitForStop(task.pid, task.pid);
  if (stop.kind !== 'gone') throw new AmberError(`task ${task.pid}: did not exit as the zombie it was`);
}

/**
 * Creates every task of the checkpoint (tree order: parents first) and
 * returns the live ones, stopped and ready for their state. Zombies are
 * created in their place and have exited again when this returns.
 */
export function createTree(context: RestoreContext, shellJob: boolean): RestoringTask[] {
  checkShellTerminals(context.checkpoint, shellJob);
  const byPid = new Map<Pid, RestoringTask>();
  const [root, ...others] = context.checkpoint.tasks;
  const rootTask = createRoot(context, root);
  dropAmberState(rootTask);
  leadSessionOrGroup(rootTask, true, shellJob);
  takeControllingTerminal(context.checkpoint, rootTask);
  byPid.set(root.pid, rootTask);
  const zombies: RestoringTask[] = [];
  for (const task of others) {
    const parent = task.parent === undefined ? undefined : byPid.get(task.parent);
    if (parent === undefined) throw new AmberError(`task ${task.pid}: its parent ${String(task.parent)} is not a live task of the checkpoint`);
    if (task.sid !== task.pid && task.sid !== parent.task.sid) {
      throw new AmberError(`task ${task.pid}: its session ${task.sid} is not its parent's, which amber cannot restore yet`);
    }
    const child = createChild(context, parent, task);
    leadSessionOrGroup(child, false, shellJob);
    takeControllingTerminal(context.checkpoint, child);
    if (isZombie(task)) zombies.push(child);
    else byPid.set(task.pid, child);
  }
  const live = [...byPid.values()];
  // With --shell-job, a group led from outside the checkpoint is amber's own, which the root is already in.
  const joinable = (pgid: Pid): boolean => !shellJob || context.checkpoint.tasks.some((task) => task.pid === pgid);
  for (const { task, main } of live) {
    if (task.sid !== task.pid && task.pgid !== task.pid && joinable(task.pgid)) main.check(`joining process group ${task.pgid}`, Syscall.Setpgid, 0n, BigInt(task.pgid));
  }
  for (const zombie of zombies) finishZombie(zombie);
  for (const created of live) createThreads(context, created);
  return live;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const GONE_TIMEOUT_MS = 5000;

/** Kills every task a failed restore created and waits until each is gone (its parent or init reaps it). */
export function killCreated(created: readonly Pid[]): void {
  for (const pid of created) {
    try {
      kill(pid, SIGKILL);
    } catch {
      // Already gone.
    }
  }
  for (const pid of created) {
    try {
      while (waitpid(pid, __WALL) !== null) {
        // Collect every report until the pid is free of amber.
      }
    } catch {
      // Neither amber's child nor traced any more: its parent or init reaps it.
    }
  }
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (created.some((pid) => fs.existsSync(`/proc/${pid}`)) && Date.now() < deadline) Atomics.wait(sleepCell, 0, 0, 5);
}
