/**
 * A checkpoint built by hand, without a dump: one task whose memory is a
 * code page and a data page, so that restore's mechanics (pid, memory
 * mapping and filling, registers) can be tested on their own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { asFileId, asPid, asTid, type Checkpoint, type FileId, type Pid, type Vma } from '../../src/model';
import { GP_REGISTER_NAMES, type GpRegs } from '../../src/sys/regs';

export const CODE_ADDRESS = 0x1000_0000n;
export const DATA_ADDRESS = 0x1000_1000n;
const PAGE = 4096;

/** mov eax, 60 (exit); mov rdi, [DATA_ADDRESS]; syscall: exits with the data page's first word. */
const EXIT_WITH_DATA_WORD = Buffer.from([0xb8, 0x3c, 0, 0, 0, 0x48, 0x8b, 0x3c, 0x25, 0x00, 0x10, 0x00, 0x10, 0x0f, 0x05]);
/** mov rdi, [DATA_ADDRESS]; test rdi, rdi; jz back; mov eax, 231 (exit_group); syscall: waits for the word, then exits with it. */
const EXIT_ONCE_DATA_WORD_SET = Buffer.from([0x48, 0x8b, 0x3c, 0x25, 0x00, 0x10, 0x00, 0x10, 0x48, 0x85, 0xff, 0x74, 0xf3, 0xb8, 0xe7, 0, 0, 0, 0x0f, 0x05]);
/** mov eax, 39 (getpid); syscall; mov edi, eax; mov esi, SIGNAL; mov eax, 62 (kill); syscall. */
function killSelf(signal: number): Buffer {
  const code = Buffer.from([0xb8, 0x27, 0, 0, 0, 0x0f, 0x05, 0x89, 0xc7, 0xbe, 0, 0, 0, 0, 0xb8, 0x3e, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xfe]);
  code.writeInt32LE(signal, 10);
  return code;
}
/** Where the second thread's code starts in the code page. */
const SECOND_THREAD_OFFSET = 0x100;

/** mov qword [DATA_ADDRESS], value; jmp $: sets the word, then spins. */
function setDataWord(value: number): Buffer {
  const code = Buffer.from([0x48, 0xc7, 0x04, 0x25, 0x00, 0x10, 0x00, 0x10, 0, 0, 0, 0, 0xeb, 0xfe]);
  code.writeInt32LE(value, 8);
  return code;
}

const noFlags = <T extends string>(names: readonly T[], set: readonly T[] = []): { [K in T]: boolean } & { otherBits: number } =>
  Object.assign(Object.fromEntries(names.map((name) => [name, set.includes(name)])) as { [K in T]: boolean }, { otherBits: 0 });

const KIND_NAMES = ['regular', 'stack', 'vsyscall', 'vdso', 'heap', 'filePrivate', 'fileShared', 'anonShared', 'anonPrivate', 'sysvIpc', 'socket', 'vvar', 'aioRing', 'memfd', 'shadowStack', 'uprobes', 'unsupported'] as const;

function anonymousVma(start: bigint, protection: ('read' | 'write' | 'exec')[]): Vma {
  return {
    start,
    end: start + BigInt(PAGE),
    fileOffset: 0n,
    shmid: 0n,
    protection: noFlags(['read', 'write', 'exec'] as const, protection),
    mapping: noFlags(['shared', 'private', 'anonymous', 'growsDown'] as const, ['private', 'anonymous']),
    kind: noFlags(KIND_NAMES, ['regular', 'anonPrivate']),
    fd: -1n,
    madvise: undefined,
    fileFlags: undefined,
  };
}

function startRegisters(rip: bigint): GpRegs {
  const regs = Object.fromEntries(GP_REGISTER_NAMES.map((name) => [name, 0n])) as GpRegs;
  return { ...regs, rip, cs: 0x33n, ss: 0x2bn, eflags: 0x202n, orig_rax: 2n ** 64n - 1n };
}

const fpu = () => ({ controlWord: 0x37f, statusWord: 0, tagWord: 0, lastOpcode: 0, lastInstruction: 0n, lastOperand: 0n, mxcsr: 0x1f80, mxcsrMask: 0xffff, x87Registers: new Array<number>(32).fill(0), xmmRegisters: new Array<number>(64).fill(0), xsave: undefined });

function thread(tid: number, rip: bigint) {
  return { tid: asTid(tid), architecture: 'X86_64', core: undefined, cpu: { clearTidAddress: 0n, registerMode: 'NATIVE' as const, registers: startRegisters(rip), tls: [], fpu: fpu() } };
}

/** A checkpoint of one task `pid` that exits with `exitCode` when restored; its pages go to a new temp directory. */
export function exitingCheckpoint(pid: number, exitCode: number): Checkpoint {
  const data = Buffer.alloc(PAGE);
  data.writeBigUInt64LE(BigInt(exitCode));
  const code = Buffer.alloc(PAGE);
  EXIT_WITH_DATA_WORD.copy(code);
  return oneTaskCheckpoint(pid, code, data, [thread(pid, CODE_ADDRESS)]);
}

/** A checkpoint of one task `pid` that kills itself with `signal` when restored. */
export function signallingCheckpoint(pid: number, signal: number): Checkpoint {
  const code = Buffer.alloc(PAGE);
  killSelf(signal).copy(code);
  return oneTaskCheckpoint(pid, code, Buffer.alloc(PAGE), [thread(pid, CODE_ADDRESS)]);
}

/** A checkpoint of task `pid` with a second thread `tid`, which gives the main thread the exit code to exit with. */
export function twoThreadCheckpoint(pid: number, tid: number, exitCode: number): Checkpoint {
  const code = Buffer.alloc(PAGE);
  EXIT_ONCE_DATA_WORD_SET.copy(code);
  setDataWord(exitCode).copy(code, SECOND_THREAD_OFFSET);
  return oneTaskCheckpoint(pid, code, Buffer.alloc(PAGE), [thread(pid, CODE_ADDRESS), thread(tid, CODE_ADDRESS + BigInt(SECOND_THREAD_OFFSET))]);
}

function oneTaskCheckpoint(pid: number, code: Buffer, data: Buffer, threads: ReturnType<typeof thread>[]): Checkpoint {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-synthetic-'));
  fs.writeFileSync(path.join(directory, 'pages-1.img'), Buffer.concat([code, data]));
  const executable = asFileId(1);
  const rootDirectory: FileId = asFileId(2);
  const owner = { uid: 0, euid: 0, signal: 0, pidType: 0, pid: 0 };
  const openFlags = noFlags(['writeOnly', 'readWrite', 'create', 'exclusive', 'noControllingTty', 'truncate', 'append', 'nonBlocking', 'dataSync', 'async', 'direct', 'largeFile', 'directory', 'noFollow', 'noAccessTime', 'closeOnExec'] as const);
  const regular = (id: FileId, file: string) => ({ kind: 'regular' as const, id, path: file, flags: openFlags, position: 0n, size: undefined, mode: undefined, owner, buildId: undefined });
  const bound = (offset: number): bigint => DATA_ADDRESS + BigInt(offset);
  return {
    inventory: { imageVersion: 2, fdinfoPerId: true, namespacesPerId: undefined, rootIds: undefined, rootCgroupSet: undefined, securityModule: undefined, dumpRunId: undefined },
    tasks: [
      {
        pid: asPid(pid) as Pid,
        parent: undefined,
        pgid: asPid(pid),
        sid: asPid(pid),
        threads,
        process: { state: 'alive', exitStatus: 0, personality: 0, kernelFlags: 0, blockedSignals: 0n, name: 'synthetic', timers: undefined, pendingSignals: [], limits: [], signalActions: [], loginUid: undefined, oomScoreAdjust: undefined, childSubreaper: undefined },
        ids: { memory: 1, files: 1, fs: 1, signalHandlers: 1, pidNamespace: undefined, netNamespace: undefined, ipcNamespace: undefined, utsNamespace: undefined, mountNamespace: undefined, userNamespace: undefined, cgroupNamespace: undefined, timeNamespace: undefined },
        fs: { cwd: rootDirectory, root: rootDirectory, umask: 0o22 },
        memory: {
          codeStart: CODE_ADDRESS,
          codeEnd: CODE_ADDRESS + 16n,
          dataStart: bound(0),
          dataEnd: bound(8),
          stackStart: bound(0x800),
          heapStart: bound(0x1000),
          heapEnd: bound(0x1000),
          argumentsStart: bound(0x100),
          argumentsEnd: bound(0x100),
          environmentStart: bound(0x100),
          environmentEnd: bound(0x100),
          executable,
          auxv: [],
          vmas: [anonymousVma(CODE_ADDRESS, ['read', 'exec']), anonymousVma(DATA_ADDRESS, ['read', 'write'])],
          dumpable: 1,
        },
        pageMap: { pagesId: 1, ranges: [{ address: CODE_ADDRESS, pageCount: 2, flags: noFlags(['inParent', 'lazy', 'present'] as const, ['present']) }] },
      },
    ],
    files: new Map([
      [executable, regular(executable, fs.realpathSync('/usr/bin/true'))],
      [rootDirectory, regular(rootDirectory, '/')],
    ]),
    fdTables: new Map([[1, { id: 1, fds: [] }]]),
    fileLocks: [],
    pipeContents: [],
    fifoContents: [],
    socketQueues: [],
    remaps: [],
    ghosts: [],
    seccomp: undefined,
    timeNamespaces: [],
    otherImages: new Map(),
    rawImages: { directory, names: ['pages-1.img'] },
  };
}
