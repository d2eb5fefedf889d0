/**
 * Freezing a process tree: every thread of every task is seized and held in
 * a PTRACE_EVENT_STOP. The tree is walked again until a pass finds no new
 * thread or child, since a task may clone until the moment it is stopped.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import { readStat } from '../proc/stat';
import { readTaskIds, readThreadChildren } from '../proc/task';
import { __WALL, SIGKILL } from '../sys/constants';
import { isSyscallError } from '../sys/native';
import { kill } from '../sys/process';
import { release, seizeAndStop } from '../sys/thread-stop';
import type { Pid, Tid } from '../sys/types';
import { waitpid } from '../sys/wait';
import { refuseVforkWait } from './vfork';

/** One task of the frozen tree, in the order found: every parent before its children. */
export interface FrozenTask {
  pid: Pid;
  parent: Pid | undefined;
  /** Seized threads, the main thread first; empty for a zombie. */
  threads: Tid[];
  zombie: boolean;
  /** In a group-stop (SIGSTOP, SIGTSTP...) before amber came. */
  stopped: boolean;
}

const GONE_TIMEOUT_MS = 5000;
const POLL_MS = 2;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function pause(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function stateOf(pid: Pid): string | undefined {
  try {
    return readStat(pid).state;
  } catch {
    return undefined;
  }
}

const isZombie = (pid: Pid): boolean => stateOf(pid) === 'Z';

function exists(pid: Pid): boolean {
  return fs.existsSync(`/proc/${pid}`);
}

/** Seizes and stops a thread; false when it exited after it was listed (a thread that ends is no part of the dump). */
function seizeIfAlive(pid: Pid, tid: Tid): boolean {
  try {
    seizeAndStop(pid, tid);
    return true;
  } catch (e) {
    if (fs.existsSync(`/proc/${pid}/task/${tid}`) && !isZombie(tid as Pid)) throw e;
    return false;
  }
}

/** The seized tree. `release` or `kill` must end it, whatever happens in between. */
export class FrozenTree {
  readonly tasks: FrozenTask[] = [];
  private readonly seized: { pid: Pid; tid: Tid }[] = [];

  private constructor() {}

  /** Seizes every thread of `root` and its descendants. */
  static freeze(root: Pid): FrozenTree {
    if (!Number.isInteger(root) || root <= 0 || !exists(root)) throw new AmberError(`task ${root}: no such process`);
    const tree = new FrozenTree();
    try {
      tree.addTask(root, undefined);
      while (tree.scan()) {
        // Each pass stops what the previous one found; a quiet pass means nothing can change any more.
      }
    } catch (e) {
      tree.release();
      throw e;
    }
    return tree;
  }

  /** Lets every thread go on as if nothing happened. */
  release(): void {
    for (const { pid, tid } of this.seized.splice(0).reverse()) {
      try {
        release(pid, tid);
      } catch {
        // A thread that died meanwhile has nothing to be released from.
      }
    }
  }

  /** Kills every task while still holding it, and returns once each is gone. */
  kill(): void {
    for (const task of this.tasks) {
      if (task.zombie) continue;
      try {
        kill(task.pid, SIGKILL);
      } catch (e) {
        if (!isSyscallError(e, 'ESRCH')) throw e;
      }
    }
    // As their tracer, amber hears each thread's end; the real parents reap the tasks after that.
    // A thread-group leader is reported only once its other threads are reaped (wait(2)), so those come first.
    const seized = this.seized.splice(0);
    const leadersLast = [...seized.filter(({ pid, tid }) => tid !== pid), ...seized.filter(({ pid, tid }) => tid === pid)];
    for (const { tid } of leadersLast) {
      try {
        waitpid(tid, __WALL);
      } catch (e) {
        if (!isSyscallError(e, 'ECHILD')) throw e;
      }
    }
    const deadline = Date.now() + GONE_TIMEOUT_MS;
    for (const task of this.tasks) {
      while (exists(task.pid) && !isZombie(task.pid) && Date.now() < deadline) pause(POLL_MS);
    }
  }

  private known(pid: Pid): boolean {
    return this.tasks.some((task) => task.pid === pid);
  }

  private addTask(pid: Pid, parent: Pid | undefined): void {
    const state = stateOf(pid);
    this.tasks.push({ pid, parent, threads: [], zombie: state === 'Z', stopped: state === 'T' });
  }

  /** One pass over the tree: seizes threads and records children not seen yet; true when it found any. */
  private scan(): boolean {
    let found = false;
    for (const task of [...this.tasks]) {
      if (task.zombie) continue;
      // The main thread first: its core image carries the process-wide state.
      const tids = readTaskIds(task.pid).sort((a, b) => Number(b === task.pid) - Number(a === task.pid));
      for (const tid of tids) {
        if (task.threads.includes(tid)) continue;
        refuseVforkWait(task.pid, tid);
        if (!seizeIfAlive(task.pid, tid)) continue;
        this.seized.push({ pid: task.pid, tid });
        task.threads.push(tid);
        found = true;
      }
      // The threads are stopped, so their lists of children hold still.
      for (const child of task.threads.flatMap((tid) => readThreadChildren(task.pid, tid))) {
        if (this.known(child)) continue;
        this.addTask(child, task.pid);
        found = true;
      }
    }
    return found;
  }
}
