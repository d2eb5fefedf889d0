/**
 * Syscalls that amber runs inside a task (by injection, in dump or
 * restore alike), a buffer of the task's memory for their arguments, and
 * /proc/sys files read or written from inside the task: files such as the
 * IPC sysctls answer for the namespaces of the task that opens them.
 */
import { AmberError } from '../errors';
import { MAP_PRIVATE, O_CLOEXEC, PAGE_SIZE, PROT_READ, PROT_WRITE } from './constants';
import { errnoName } from './errno';
import { syscallName } from './inject';
import { ScratchPage } from './scratch';
import { Syscall } from './syscall-numbers';
import type { Pid } from './types';

const MAP_ANONYMOUS = 0x20;
const AT_FDCWD = -100n;
const O_WRONLY = 1;
/** Where a /proc/sys path goes in the buffer; the value goes after it. */
const PATH_ROOM = 256;
const VALUE_ROOM = 1024;

const failed = (result: bigint): boolean => result < 0n && result > -4096n;


/** A task that runs syscalls for amber: `raw` gives the result (negative errno), `call` throws on failure. */
export class TaskCalls {
  constructor(
    readonly pid: Pid,
    /** "task 42" or similar, for errors. */
    readonly name: string,
    readonly raw: (nr: number, ...args: bigint[]) => bigint,
  ) {}

  /** Runs syscall `nr`; a failure is an AmberError naming the task, `what` it was for and the syscall. */
  call(what: string, nr: number, ...args: bigint[]): bigint {
    return this.checked(what, nr, this.raw(nr, ...args));
  }

  /** Like `call`, but undefined when the syscall fails with `tolerated` (an errno name such as 'EINVAL'). */
  attempt(what: string, tolerated: string, nr: number, ...args: bigint[]): bigint | undefined {
    const result = this.raw(nr, ...args);
    return failed(result) && errnoName(Number(-result)) === tolerated ? undefined : this.checked(what, nr, result);
  }

  private checked(what: string, nr: number, result: bigint): bigint {
    if (failed(result)) throw new AmberError(`${this.name}: ${what}: ${syscallName(nr)} failed: ${errnoName(Number(-result))}`);
    return result;
  }
}

/** Anonymous memory mapped in a task for syscall arguments and results, read and written from amber. */
export class TaskBuffer {
  private constructor(
    private readonly calls: TaskCalls,
    readonly memory: ScratchPage,
  ) {}

  /** At least `size` bytes (whole pages) wherever the kernel puts them. */
  static map(calls: TaskCalls, size: number): TaskBuffer {
    const length = Math.ceil(Math.max(size, PATH_ROOM + VALUE_ROOM) / PAGE_SIZE) * PAGE_SIZE;
    const flags = MAP_PRIVATE | MAP_ANONYMOUS;
    const address = calls.call('mapping a buffer', Syscall.Mmap, 0n, BigInt(length), BigInt(PROT_READ | PROT_WRITE), BigInt(flags), -1n, 0n);
    return new TaskBuffer(calls, new ScratchPage(calls.pid, address, length));
  }

  unmap(): void {
    this.calls.call('unmapping its buffer', Syscall.Munmap, this.memory.address, BigInt(this.memory.size));
  }

  /** The text of /proc/sys/`name` as the task sees it. */
  readProcSys(name: string): string {
    const fd = this.openProcSys(name, O_CLOEXEC);
    try {
      const length = this.calls.call(`reading /proc/sys/${name}`, Syscall.Read, fd, this.memory.address + BigInt(PATH_ROOM), BigInt(VALUE_ROOM));
      return this.memory.read(PATH_ROOM, Number(length)).toString().trim();
    } finally {
      this.calls.call(`closing /proc/sys/${name}`, Syscall.Close, fd);
    }
  }

  /** Writes `value` to /proc/sys/`name` from inside the task. */
  writeProcSys(name: string, value: string): void {
    const text = Buffer.from(value);
    const fd = this.openProcSys(name, O_WRONLY | O_CLOEXEC);
    try {
      const address = this.memory.write(text, PATH_ROOM);
      this.calls.call(`writing ${value} to /proc/sys/${name}`, Syscall.Write, fd, address, BigInt(text.length));
    } finally {
      this.calls.call(`closing /proc/sys/${name}`, Syscall.Close, fd);
    }
  }

  private openProcSys(name: string, flags: number): bigint {
    const path = this.memory.write(Buffer.from(`/proc/sys/${name}\0`));
    return this.calls.call(`opening /proc/sys/${name}`, Syscall.Openat, AT_FDCWD, path, BigInt(flags), 0n);
  }
}

/** Runs `use` with a buffer of at least `size` bytes in the task, unmapped again afterwards. */
export function withTaskBuffer<T>(calls: TaskCalls, size: number, use: (buffer: TaskBuffer) => T): T {
  const buffer = TaskBuffer.map(calls, size);
  try {
    return use(buffer);
  } finally {
    buffer.unmap();
  }
}
