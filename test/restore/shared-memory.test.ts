import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { comparableMaps, fdsOf } from './live';
import { killIfAlive } from '../harness/processes';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');
const PAGE = 4096;

interface DecodedImage {
  magic: string;
  entries: Record<string, unknown>[];
}

/** An image as `amber crit decode` prints it. */
function critDecode(dir: string, name: string): DecodedImage {
  return JSON.parse(execFileSync(process.execPath, [CLI, 'crit', 'decode', '--pretty', '-i', path.join(dir, name)], { encoding: 'utf8' })) as DecodedImage;
}

interface VmaJson {
  start: string;
  shmid: number;
  status: string;
  flags: string;
}

function vmasOf(dir: string, pid: number): VmaJson[] {
  return critDecode(dir, `mm-${pid}.img`).entries[0].vmas as VmaJson[];
}

/** The [offset, pages] runs of a shared memory object's pagemap. */
function storedRuns(dir: string, shmid: number): [number, number][] {
  const [, ...ranges] = critDecode(dir, `pagemap-shmem-${shmid}.img`).entries;
  return ranges.map((range) => [Number(range.vaddr), Number(range.nr_pages)]);
}

/** A shm_open name of this test, removed when it ends. */
function shmName(t: TestContext): string {
  const name = `/amber-test-${process.pid}-${Date.now()}`;
  t.after(() => fs.rmSync(`/dev/shm${name}`, { force: true }));
  return name;
}

test('anonymous shared memory, a mapped memfd and a POSIX shm object stay one object each for parent and child', { timeout: 30_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-shm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-shared-memory', [shmName(t)]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const pids = [program.pid, child];
  const before = pids.map((pid) => ({ maps: comparableMaps(pid), fds: fdsOf(pid) }));
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  await t.test('the images have the layout CRIU gives shared memory', () => {
    const [parentVmas, childVmas] = pids.map((pid) => vmasOf(dir, pid));
    const anonymous = parentVmas.filter((vma) => vma.status.includes('VMA_ANON_SHARED'));
    assert.equal(anonymous.length, 1, 'one VMA of anonymous shared memory');
    assert.match(anonymous[0].flags, /MAP_SHARED/);
    assert.match(anonymous[0].flags, /MAP_ANON/);
    assert.deepEqual(
      childVmas.filter((vma) => vma.status.includes('VMA_ANON_SHARED')).map((vma) => vma.shmid),
      [anonymous[0].shmid],
      'the child maps the same object',
    );
    assert.deepEqual(storedRuns(dir, anonymous[0].shmid), [[0, 1], [2 * PAGE, 1]], 'only the two written pages are stored');

    const inodes = critDecode(dir, 'memfd.img').entries.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    assert.deepEqual(
      inodes.map((inode) => [inode.name, inode.size, inode.seals]),
      [
        ['amber-future-write', PAGE, 'F_SEAL_FUTURE_WRITE'],
        ['amber-sealed', PAGE, 'F_SEAL_SEAL | F_SEAL_WRITE'],
        ['amber-shared-memory', 3 * PAGE + 100, 'F_SEAL_SHRINK | F_SEAL_GROW'],
      ],
      'one inode per memfd, however many fds and mappings use it',
    );
    const [, sealed, shared] = inodes;
    const memfdFiles = critDecode(dir, 'files.img')
      .entries.filter((file) => file.type === 'MEMFD')
      .map((file) => file.memfd as Record<string, unknown>);
    const inodeOfVma = (vma: VmaJson): unknown => memfdFiles.find((file) => file.id === vma.shmid)?.inode_id;
    const memfdVmas = parentVmas.filter((vma) => vma.status.includes('VMA_AREA_MEMFD'));
    assert.deepEqual(memfdVmas.map(inodeOfVma).sort(), inodes.map((inode) => inode.inode_id).sort(), 'each memfd VMA names a MEMFD file of its inode');
    assert.ok(memfdFiles.some((file) => file.inode_id === shared.inode_id && file.pos === 123), 'the memfd fd keeps its position');
    assert.deepEqual(storedRuns(dir, Number(shared.shmid)), [[0, 4]], 'the shared memfd has four pages of data');
    assert.deepEqual(storedRuns(dir, Number(sealed.shmid)), [[0, 1]], 'the sealed memfd has one');
  });

  const result = await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(result.rootPid, program.pid);
  assert.deepEqual(
    pids.map((pid) => ({ maps: comparableMaps(pid), fds: fdsOf(pid) })),
    before,
  );
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a POSIX shm object unlinked while mapped and open comes back from one ghost, still one object and still unlinked', { timeout: 30_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-shm-unlinked-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const name = shmName(t);
  const program = await start('restore-shared-memory', [name, 'unlinked']);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const pids = [program.pid, child];
  const before = pids.map((pid) => ({ maps: comparableMaps(pid), fds: fdsOf(pid) }));
  assert.ok(before[0].maps.some((line) => line.endsWith(`/dev/shm${name} (deleted)`)), 'the object is mapped unlinked');
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  const ghosts = fs.readdirSync(dir).filter((image) => image.startsWith('ghost-file-'));
  assert.equal(ghosts.length, 1, 'one ghost for the mappings and the fd of the object');
  await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.deepEqual(
    pids.map((pid) => ({ maps: comparableMaps(pid), fds: fdsOf(pid) })),
    before,
  );
  assert.equal(fs.existsSync(`/dev/shm${name}`), false, 'the name stays unlinked');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('an unlinked file over the ghost limit is refused at dump, naming the mapping, and the tree runs on', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-shm-limit-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const name = shmName(t);
  const program = await usePrograms(t)('restore-shared-memory', [name, 'unlinked']);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  await assert.rejects(dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false, ghostLimit: 1024 }), {
    message: new RegExp(`^task ${program.pid}: mapping 0x[0-9a-f]+-0x[0-9a-f]+: unlinked file of ${PAGE} bytes is larger than the 1024-byte ghost limit \\(see --ghost-limit\\)$`),
  });
  assert.deepEqual(fs.readdirSync(dir), [], 'no image is left behind');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
