import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';

/**
 * Parent, process group and session of a process, and whether it is a
 * zombie, from /proc/PID/stat. The root's parent is left out: it is amber
 * until amber exits (here: the test), as under CRIU.
 */
function placeOf(pid: number, index: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [state, parent, group, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return `${pid}${state === 'Z' ? ' zombie' : ''}${index === 0 ? '' : ` parent ${parent}`} group ${group} session ${session}`;
}

test('sessions, process groups and a zombie come back as they were', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-sessions-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-sessions');
  const pids = [program.pid, ...['group', 'middle', 'grandchild', 'zombie'].map((name) => Number(program.infoValue(name)))];
  t.after(() => {
    for (const pid of pids.slice(1)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
  const before = pids.map(placeOf);
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  const result = await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(result.tasks, pids.length);
  assert.deepEqual(pids.map(placeOf), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
