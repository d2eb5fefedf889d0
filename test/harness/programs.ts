/**
 * Starting test programs so that none outlives its test: every program
 * started through `withPrograms` or `usePrograms` is killed by pid, and
 * waited for until it is gone, when the test ends, fails or times out, and
 * at the latest when the test process exits.
 */
import * as fs from 'node:fs';
import type { TestContext } from 'node:test';
import { TestProgram } from './program';

/** Builds test/programs/NAME.c, starts it with `args` and waits until it is READY. */
export type StartProgram = (name: string, args?: readonly string[]) => Promise<TestProgram>;

const running = new Set<TestProgram>();

process.on('exit', () => {
  for (const program of running) {
    try {
      process.kill(program.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

class ProgramGroup {
  private readonly started: TestProgram[] = [];

  readonly start: StartProgram = async (name, args = []) => {
    const program = await TestProgram.launch(name, args);
    this.started.push(program);
    running.add(program);
    await program.ready();
    return program;
  };

  async killAll(): Promise<void> {
    await Promise.all(this.started.map((program) => program.kill()));
    for (const program of this.started) {
      running.delete(program);
      fs.rmSync(program.runDir, { recursive: true, force: true });
    }
  }
}

/** Runs `body` with a `start` function; every program it started is killed afterwards, whatever happened. */
export async function withPrograms<T>(body: (start: StartProgram) => Promise<T>): Promise<T> {
  const group = new ProgramGroup();
  try {
    return await body(group.start);
  } finally {
    await group.killAll();
  }
}

/** A `start` function whose programs are killed when test `t` ends (also when it times out). */
export function usePrograms(t: TestContext): StartProgram {
  const group = new ProgramGroup();
  t.after(() => group.killAll());
  return group.start;
}
