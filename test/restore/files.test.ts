import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { asFileId, readCheckpoint, writeCheckpoint, type Checkpoint } from '../../src/model';
import { restore } from '../../src/restore';
import { setGhostTimes } from '../../src/restore/files/ghost';
import { asPid, type Fd } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import type { TestProgram } from '../harness/program';
import { fdsOf, mapsOf } from './live';
import { killAndWaitGone } from '../harness/processes';



/** Starts restore-files in a fresh directory; its child is killed by pid when `t` ends. */
async function startFiles(t: TestContext): Promise<{ dir: string; work: string; program: TestProgram; child: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-files-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const program = await usePrograms(t)('restore-files', [work]);
  const child = Number(program.infoValue('child'));
  t.after(() => killAndWaitGone(child));
  return { dir, work, program, child };
}

async function dumpAndKill(program: TestProgram, imagesDir: string): Promise<void> {
  await dump({ pid: asPid(program.pid), imagesDir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });
}

/** Dumps and kills the program, lets `edit` change the images, restores, and compares the tasks' maps and fds with what they were. */
async function roundTrip<T>(t: TestContext, edit: (images: string, work: string) => Promise<T>): Promise<{ program: TestProgram; work: string; edited: T }> {
  const { dir, work, program, child } = await startFiles(t);
  const pids = [program.pid, child];
  const before = pids.map((pid) => ({ maps: mapsOf(pid), fds: fdsOf(pid) }));
  const images = path.join(dir, 'images');
  await dumpAndKill(program, images);
  const edited = await edit(images, work);

  const result = await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.equal(result.tasks, 2);
  assert.deepEqual(
    pids.map((pid) => ({ maps: mapsOf(pid), fds: fdsOf(pid) })),
    before,
  );
  return { program, work, edited };
}

test('a FIFO with unread data and ends in parent and child, and an unlinked file dup\'d and inherited, come back shared', { timeout: 20_000 }, async (t) => {
  const { program, work } = await roundTrip(t, async () => {});
  assert.deepEqual(fs.readdirSync(path.join(work, 'ghosts')), [], 'the recreated file is unlinked again');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

/** The checkpoint as a dumper that keeps unlinked files by a hard link (a LINKED remap) would have written it, with that link made. */
async function asLinkedRemap(images: string, work: string): Promise<string> {
  const checkpoint = await readCheckpoint(images);
  const [remap] = checkpoint.remaps;
  const [ghost] = checkpoint.ghosts;
  const original = checkpoint.files.get(remap.file);
  assert.equal(original?.kind, 'regular');
  const linkId = asFileId(Math.max(...checkpoint.files.keys()) + 1);
  const linkPath = path.join(work, 'ghosts', `link_remap.${linkId}`);
  const link = fs.openSync(linkPath, 'wx', ghost.mode & 0o7777);
  fs.writeSync(link, ghost.contents!);
  setGhostTimes(link as Fd, ghost);
  fs.closeSync(link);
  const linked: Checkpoint = {
    ...checkpoint,
    files: new Map([...checkpoint.files, [linkId, { ...original, id: linkId, path: linkPath, position: 0n }]]),
    remaps: [{ file: remap.file, remapId: linkId, type: 'LINKED' }],
    ghosts: [],
  };
  await writeCheckpoint(linked, images);
  fs.rmSync(path.join(images, `ghost-file-${ghost.remapId.toString(16)}.img`));
  return linkPath;
}

/** The checkpoint as CRIU writes ghosts of 12 KiB and more: the size in the header, then the contents in chunks, here two. */
async function asChunkedGhost(images: string): Promise<void> {
  const checkpoint = await readCheckpoint(images);
  const [ghost] = checkpoint.ghosts;
  const contents = ghost.contents!;
  const half = contents.length >> 1;
  const chunk = (offset: number, end: number) => ({ len: end - offset, off: offset, extra: contents.subarray(offset, end).toString('base64') });
  const chunked = { ...ghost, contents: undefined, chunks: [chunk(0, half), chunk(half, contents.length)], unmodeled: { ...ghost.unmodeled, chunks: true, size: contents.length } };
  await writeCheckpoint({ ...checkpoint, ghosts: [chunked] }, images);
}

test('an unlinked file stored in chunks comes back whole', { timeout: 20_000 }, async (t) => {
  const { program } = await roundTrip(t, asChunkedGhost);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('an unlinked file kept by a hard link (a LINKED remap) is opened through that link under its old name', { timeout: 20_000 }, async (t) => {
  const { program, work, edited: linkPath } = await roundTrip(t, asLinkedRemap);
  assert.deepEqual(fs.readdirSync(path.join(work, 'ghosts')), [path.basename(linkPath)], 'only the link of the images is left');
  // Its dumper would remove it once the restore is done; then the file has no name left, as when it was dumped.
  fs.rmSync(linkPath);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a file made since under the unlinked file\'s name is left alone, and the unlinked file comes back under a name beside it', { timeout: 20_000 }, async (t) => {
  const { dir, work, program } = await startFiles(t);
  const ghostFd = program.infoValue('ghost');
  const images = path.join(dir, 'images');
  await dumpAndKill(program, images);
  const newcomer = path.join(work, 'ghosts', 'ghost.txt');
  fs.writeFileSync(newcomer, 'a new file under the old name\n');

  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.equal(fs.readFileSync(newcomer, 'utf8'), 'a new file under the old name\n');
  assert.deepEqual(fs.readdirSync(path.join(work, 'ghosts')), ['ghost.txt']);
  assert.equal(fs.readlinkSync(`/proc/${program.pid}/fd/${ghostFd}`), `${path.join(work, 'ghosts', '.ghost.txt.amber-remap-1')} (deleted)`);
});

for (const { what, removed, fdKey, reason } of [
  { what: 'an unlinked file cannot be made again', removed: 'ghosts', fdKey: 'ghost', reason: (work: string) => `cannot recreate unlinked file ${path.join(work, 'ghosts', 'ghost.txt')}: ENOENT` },
  { what: 'a FIFO is gone', removed: 'fifo', fdKey: 'fifo', reason: (work: string) => `cannot reopen FIFO ${path.join(work, 'fifo')}: ENOENT` },
]) {
  test(`a restore where ${what} names the task, fd and file and leaves no task behind`, { timeout: 20_000 }, async (t) => {
    const { dir, work, program, child } = await startFiles(t);
    const fd = program.infoValue(fdKey);
    const images = path.join(dir, 'images');
    await dumpAndKill(program, images);
    fs.rmSync(path.join(work, removed), { recursive: true });

    await assert.rejects(restore({ imagesDir: images, detached: true, shellJob: false }), { message: `task ${program.pid} fd ${fd}: ${reason(work)}` });
    for (const pid of [program.pid, child]) assert.equal(fs.existsSync(`/proc/${pid}`), false, `pid ${pid} is gone`);
  });
}
