/**
 * What the demo shows while dump and restore are not there to run: the
 * pieces a dump is made of, on the live counter. Freeze it with ptrace, ask
 * it about itself by injected syscalls, read its count from its memory, see
 * that nothing moves while it is frozen, and let it go on.
 */
import * as os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectionSession } from '../sys/inject';
import { readIntervalTimers, readSignalActions, readThreadName, type IntervalTimers, type SignalAction } from '../sys/task-query';
import { release, seizeAndStop } from '../sys/thread-stop';
import { readTaskMemory } from '../sys/vm';
import type { Counter } from './counter';
import type { Say } from './say';

const FROZEN_MS = 1000;
const SIG_IGN = 1n;

const SIGNAL_NAMES = new Map(Object.entries(os.constants.signals).map(([name, number]) => [number as number, name]));

function describeHandlers(actions: ReadonlyMap<number, SignalAction>): string {
  const set = [...actions].filter(([, action]) => action.handler !== 0n);
  if (set.length === 0) return 'none (every signal has its default action)';
  return set
    .map(([signal, { handler }]) => `${SIGNAL_NAMES.get(signal) ?? `signal ${signal}`} ${handler === SIG_IGN ? 'ignored' : `-> 0x${handler.toString(16)}`}`)
    .join(', ');
}

function describeTimers(timers: IntervalTimers): string {
  const armed = Object.entries(timers).filter(([, timer]) => timer.valueUs !== 0n);
  if (armed.length === 0) return 'none armed';
  return armed.map(([which, timer]) => `${which} fires in ${timer.valueUs} us, every ${timer.intervalUs} us`).join(', ');
}

function readCount(counter: Counter): bigint {
  return readTaskMemory(counter.pid, [{ addr: counter.countAddress, len: 8 }]).readBigUInt64LE(0);
}

/** Resolves to how many numbers the counter had printed when it was let go. */
export async function freezeTour(counter: Counter, say: Say): Promise<number> {
  const { pid } = counter;
  let printed: number;
  seizeAndStop(pid, pid);
  try {
    say(`froze pid ${pid} with PTRACE_SEIZE + PTRACE_INTERRUPT (no signal sent, nothing it could notice)`);
    const session = InjectionSession.open(pid, pid);
    try {
      say(`asked it by injected syscalls: comm "${readThreadName(session)}"`);
      say(`  signal handlers: ${describeHandlers(readSignalActions(session))}`);
      say(`  interval timers: ${describeTimers(readIntervalTimers(session))}`);
    } finally {
      session.close();
    }
    const frozenCount = readCount(counter);
    printed = counter.counts().length;
    say(`its count, read from its memory at 0x${counter.countAddress.toString(16)}: ${frozenCount}`);
    await sleep(FROZEN_MS);
    const laterCount = readCount(counter);
    const newLines = counter.counts().length - printed;
    say(`${FROZEN_MS} ms later, still frozen: count ${laterCount}, ${newLines} new line${newLines === 1 ? '' : 's'} of output`);
  } finally {
    release(pid, pid);
  }
  say(`detached from pid ${pid}: it runs on`);
  return printed;
}
