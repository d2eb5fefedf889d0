import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PTRACE_EVENT_EXIT,
  PTRACE_EVENT_STOP,
  PTRACE_O_TRACEEXIT,
  PTRACE_O_TRACESYSGOOD,
  SIGINFO_SIZE,
  SIGTRAP,
  SIGUSR1,
  SIGUSR2,
  USER_REGS_SIZE,
  __WALL,
} from '../../src/sys/constants';
import { isSyscallError } from '../../src/sys/native';
import * as ptrace from '../../src/sys/ptrace';
import { kill, tgkill } from '../../src/sys/process';
import { asPid, type Pid } from '../../src/sys/types';
import { readTaskMemory } from '../../src/sys/vm';
import { waitpid } from '../../src/sys/wait';
import { procStatusField, readProcNumber, withChild } from './children';

/** Seizes and interrupts `pid`, runs `body` while it is in the interrupt stop, then detaches. */
function whileStopped(pid: Pid, body: () => void): void {
  ptrace.seize(pid, 0);
  try {
    ptrace.interrupt(pid);
    const stop = waitpid(pid, __WALL);
    assert.equal(stop?.tid, pid);
    assert.deepEqual(stop?.status, { kind: 'stopped', signal: SIGTRAP, ptraceEvent: PTRACE_EVENT_STOP, groupStop: false });
    body();
  } finally {
    ptrace.detach(pid);
  }
}

test('seize, interrupt, wait and detach a running process', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    whileStopped(pid, () => {
      assert.equal(procStatusField(pid, 'TracerPid'), String(process.pid));
      assert.match(procStatusField(pid, 'State'), /^t/);
    });
    assert.equal(procStatusField(pid, 'TracerPid'), '0');
  });
});

test('reads registers, XSAVE state, the signal mask and rseq of a stopped thread', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    whileStopped(pid, () => {
      const regs = ptrace.getRegs(pid);
      assert.equal(regs.length, USER_REGS_SIZE);
      const rip = regs.readBigUInt64LE(16 * 8);
      const word = ptrace.peekData(pid, rip);
      assert.equal(word, readTaskMemory(pid, [{ addr: rip, len: 8 }]).readBigUInt64LE(0));
      ptrace.setRegs(pid, regs);

      assert.ok(ptrace.getXstate(pid).length >= 576, 'XSAVE area holds at least the legacy area and header');
      const mask = ptrace.getSigmask(pid);
      assert.equal(mask, BigInt('0x' + procStatusField(pid, 'SigBlk')));
      ptrace.setSigmask(pid, mask | (1n << BigInt(SIGUSR1 - 1)));
      assert.equal(ptrace.getSigmask(pid), mask | (1n << BigInt(SIGUSR1 - 1)));
      ptrace.setSigmask(pid, mask);

      const rseq = ptrace.getRseqConfiguration(pid);
      assert.equal(rseq.rseqAbiPointer !== 0n, rseq.rseqAbiSize > 0);
      assert.deepEqual(ptrace.seccompFilters(pid), []);
    });
  });
});

test('writes a word with POKEDATA and reads it back', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    whileStopped(pid, () => {
      const rsp = ptrace.getRegs(pid).readBigUInt64LE(19 * 8);
      const below = rsp - 256n; // under the red zone: unused by the stopped thread
      const original = ptrace.peekData(pid, below);
      ptrace.pokeData(pid, below, 0x0123456789abcdefn);
      assert.equal(ptrace.peekData(pid, below), 0x0123456789abcdefn);
      ptrace.pokeData(pid, below, original);
    });
  });
});

test('peeks pending signals without dequeuing them', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    whileStopped(pid, () => {
      kill(pid, SIGUSR1);
      tgkill(pid, pid, SIGUSR2);
      const shared = ptrace.pendingSignals(pid, true);
      const own = ptrace.pendingSignals(pid, false);
      assert.deepEqual(shared.map((s) => s.readInt32LE(0)), [SIGUSR1]);
      assert.deepEqual(own.map((s) => s.readInt32LE(0)), [SIGUSR2]);
      assert.equal(own[0].length, SIGINFO_SIZE);
      assert.equal(ptrace.pendingSignals(pid, true).length, 1, 'still queued after peeking');
    });
  });
});

test('PTRACE_SYSCALL resumes to the next syscall stop, marked by TRACESYSGOOD', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    ptrace.seize(pid, PTRACE_O_TRACESYSGOOD);
    try {
      ptrace.interrupt(pid);
      waitpid(pid, __WALL);
      const siginfo = ptrace.getSiginfo(pid);
      assert.equal(siginfo.readInt32LE(0), SIGTRAP);
      ptrace.setSiginfo(pid, siginfo);
      ptrace.resumeToSyscall(pid);
      assert.deepEqual(waitpid(pid, __WALL)?.status, { kind: 'stopped', signal: SIGTRAP | 0x80, ptraceEvent: 0, groupStop: false });
    } finally {
      ptrace.detach(pid);
    }
  });
});

test('GETEVENTMSG reports the exit status at PTRACE_EVENT_EXIT', async () => {
  await withChild('sh', ['-c', 'sleep 0.1; exit 3'], (pid) => {
    ptrace.seize(pid, PTRACE_O_TRACEEXIT);
    try {
      // The shell first stops for the SIGCHLD of its sleep: pass signals on until the exit event.
      for (;;) {
        const stop = waitpid(pid, __WALL)?.status;
        assert.equal(stop?.kind, 'stopped');
        if (stop?.kind !== 'stopped' || stop.ptraceEvent === PTRACE_EVENT_EXIT) break;
        ptrace.cont(pid, stop.signal);
      }
      assert.equal(ptrace.getEventMsg(pid), 3n << 8n);
    } finally {
      ptrace.detach(pid);
    }
  });
});

test('a failed request throws an Error with code, errno and syscall', () => {
  const missing = asPid(readProcNumber('/proc/sys/kernel/pid_max'));
  assert.throws(
    () => ptrace.seize(missing, 0),
    (e: unknown) => {
      assert.ok(isSyscallError(e, 'ESRCH'));
      assert.equal(e.errno, 3);
      assert.equal(e.syscall, 'ptrace(PTRACE_SEIZE)');
      assert.equal(e.message, 'ptrace(PTRACE_SEIZE) failed: No such process');
      return true;
    },
  );
});
