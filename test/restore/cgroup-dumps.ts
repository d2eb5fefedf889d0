/** A test program dumped from inside cgroups a test made for it. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { dump } from '../../src/dump';
import type { Hierarchy } from '../../src/proc/cgroups';
import { asPid } from '../../src/sys/types';
import type { TestProgram } from '../harness/program';
import { usePrograms } from '../harness/programs';
import { cgroupFile, ScratchCgroups } from './scratch-cgroups';

export interface CgroupDump {
  program: TestProgram;
  scratch: ScratchCgroups;
  cgroup: string;
  /** /proc/PID/cgroup of the program when it was dumped. */
  before: string;
  dir: string;
}

export interface CgroupDumpOptions {
  /** Where to make the cgroups (by default the v1 pids and the v2 hierarchy). */
  hierarchies?: readonly Hierarchy[];
  /** Runs once the cgroups exist, before the program enters them. */
  setUp?: (scratch: ScratchCgroups, cgroup: string) => void;
}

/**
 * A counter program in a fresh cgroup `/amber-test-PID-NAME` (with an empty
 * cgroup `idle` below it), dumped and killed; undefined, and the test
 * skipped, where no hierarchy it wants is mounted and writable.
 */
export async function dumpInFreshCgroup(t: TestContext, name: string, options: CgroupDumpOptions = {}): Promise<CgroupDump | undefined> {
  const start = usePrograms(t);
  const scratch = new ScratchCgroups(t, options.hierarchies);
  if (scratch.hierarchies.length === 0) {
    t.skip('no cgroup hierarchy for the test is mounted and writable here');
    return undefined;
  }
  const cgroup = `/amber-test-${process.pid}-${name}`;
  scratch.make(`${cgroup}/idle`);
  options.setUp?.(scratch, cgroup);
  const program = await start('restore-counter');
  scratch.enter(cgroup, program.pid);
  const before = cgroupFile(program.pid);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `amber-cgroups-${name}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: true, shellJob: false });
  await program.kill({ freePid: true });
  return { program, scratch, cgroup, before, dir };
}
