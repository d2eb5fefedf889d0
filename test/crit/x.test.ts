import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { AmberError } from '../../src/errors';
import { explore } from '../../src/crit/x';
import { encodeImage, readImageFile } from '../../src/images';
import { fixturesRoot, imagePaths, workloads } from './fixtures';
import { Random, mutations } from './mutate';

/** One `### crit x WORKLOAD WHAT` section of a fixture's .crit-x.txt. */
interface CritSection {
  what: string;
  stdout: string;
  /** Set when crit failed part-way: its stdout is then only what it printed before failing. */
  failure?: string;
}

const CLI = path.resolve(__dirname, '../../src/cli/main.js');
const FAILURE = /^### \(crit exited with status \d+; last stderr line: (.*)\)\n/m;

function critSections(workload: string): CritSection[] {
  const text = fs.readFileSync(path.join(fixturesRoot, `${workload}.crit-x.txt`), 'utf8');
  const parts = text.split(new RegExp(`^### crit x ${workload} (\\w+)\\n`, 'm')).slice(1);
  const sections: CritSection[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    // Sections are separated by one empty line.
    const body = (parts[i + 1] as string).replace(/\n$/, '');
    const failed = FAILURE.exec(body);
    sections.push(
      failed ? { what: parts[i] as string, stdout: body.slice(0, failed.index), failure: failed[1] } : { what: parts[i] as string, stdout: body },
    );
  }
  return sections;
}

/** `tc.task_state` of a zombie in its core image. */
const TASK_DEAD = 2;

interface TreeTask {
  pid: number;
  zombie: boolean;
}

async function treeTasks(dir: string): Promise<TreeTask[]> {
  const tree = (await readImageFile(path.join(dir, 'pstree.img'))).entries as { pid: number }[];
  return Promise.all(
    tree.map(async ({ pid }) => {
      const [core] = (await readImageFile(path.join(dir, `core-${pid}.img`))).entries as { tc: { task_state: number } }[];
      return { pid, zombie: core?.tc.task_state === TASK_DEAD };
    }),
  );
}

/** Per-task blocks of fds/mems/rss output: a pid line, then that task's lines. */
function blocks(output: string): { pid: number; lines: string[] }[] {
  const found: { pid: number; lines: string[] }[] = [];
  for (const line of output.split('\n').filter((l) => l !== '')) {
    if (/^\d+$/.test(line)) found.push({ pid: Number(line), lines: [] });
    else found.at(-1)?.lines.push(line);
  }
  return found;
}

describe('crit x prints what CRIU 4.2 crit prints', () => {
  for (const workload of workloads()) {
    const dir = path.join(fixturesRoot, workload);
    for (const section of critSections(workload)) {
      if (section.failure === undefined) {
        it(`${workload} ${section.what}`, async () => {
          assert.equal(await explore(dir, section.what), section.stdout);
        });
        continue;
      }
      // An extension: crit 4.2 stops with FileNotFoundError at a zombie, which
      // has no ids/mm/pagemap images. amber goes on: a zombie owns no fds or
      // memory, so its block is its pid alone, and the tasks after it follow.
      it(`${workload} ${section.what}: goes on past the task where crit failed (${section.failure})`, async () => {
        const output = await explore(dir, section.what);
        assert.ok(output.startsWith(section.stdout), 'the tasks crit showed come out the same');
        const shown = new Set(blocks(section.stdout).map((block) => block.pid));
        const rest = (await treeTasks(dir)).filter((task) => !shown.has(task.pid));
        assert.ok(rest.some((task) => task.zombie), 'crit failed on a zombie');
        const added = blocks(output.slice(section.stdout.length));
        assert.deepEqual(added.map((block) => block.pid), rest.map((task) => task.pid));
        for (const [i, task] of rest.entries()) assert.equal(added[i]?.lines.length === 0, task.zombie, `block of ${task.pid}`);
      });
    }
  }
});

describe('amber crit x on the command line', () => {
  it('prints the view and exits 0', () => {
    const workload = workloads()[0] as string;
    const ps = critSections(workload).find((section) => section.what === 'ps') as CritSection;
    const run = spawnSync(process.execPath, [CLI, 'crit', 'x', path.join(fixturesRoot, workload), 'ps'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, ps.stdout);
  });
});

/** A copy of a fixture directory to damage, removed after `work`. */
async function withCopy(workload: string, work: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-crit-x-'));
  try {
    fs.cpSync(path.join(fixturesRoot, workload), dir, { recursive: true });
    await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('crit x errors', () => {
  const loop = path.join(fixturesRoot, 'loop');

  it('rejects an unknown view and names the choices', async () => {
    await assert.rejects(explore(loop, 'threads'), (e: unknown) => e instanceof AmberError && /ps, fds, mems, rss/.test(e.message));
  });

  it('names the missing image of a live task, and the views that do not need it still work', async () => {
    await withCopy('loop', async (dir) => {
      const [mm] = fs.readdirSync(dir).filter((name) => /^mm-\d+\.img$/.test(name));
      fs.rmSync(path.join(dir, mm as string));
      await assert.rejects(explore(dir, 'mems'), (e: unknown) => e instanceof AmberError && e.message.includes(mm as string));
      assert.equal(await explore(dir, 'ps'), await explore(loop, 'ps'));
    });
  });

  it('names a parent that is not in the tree', async () => {
    await withCopy('tree', async (dir) => {
      const file = path.join(dir, 'pstree.img');
      const tree = await readImageFile(file);
      const orphan = tree.entries.at(-1) as { pid: number; ppid: number };
      orphan.ppid = 1;
      fs.writeFileSync(file, encodeImage({ magic: tree.kind.name, entries: tree.entries }, file));
      await assert.rejects(explore(dir, 'ps'), (e: unknown) => e instanceof AmberError && e.message.includes(`task ${orphan.pid} has parent 1`));
    });
  });
});

describe('crit x on damaged images', () => {
  const DAMAGED_CASES = 150;
  const READ_BY_EXPLORERS = /^(pstree|core|ids|fdinfo|fs|files|mm|pagemap)[-.]/;

  it('prints its view or fails with a one-line AmberError, never another error', async () => {
    const originals = imagePaths('tree').filter((file) => READ_BY_EXPLORERS.test(path.basename(file)));
    const random = new Random(0x78);
    await withCopy('tree', async (dir) => {
      for (let n = 0; n < DAMAGED_CASES; n++) {
        const original = random.pick(originals);
        const [mutation, mutate] = random.pick(Object.entries(mutations));
        const damaged = path.join(dir, path.basename(original));
        fs.writeFileSync(damaged, mutate(fs.readFileSync(original), random, fs.readFileSync(random.pick(originals))));
        for (const what of ['ps', 'fds', 'mems', 'rss']) {
          const problem = await explore(dir, what).then(
            () => undefined,
            (e: unknown) => (e instanceof AmberError && !e.message.includes('\n') ? undefined : e),
          );
          assert.equal(problem, undefined, `${what} after ${mutation} of ${path.basename(original)}`);
        }
        fs.copyFileSync(original, damaged);
      }
    });
  });
});
