import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { dump } from '../../src/dump';
import { readImageFile } from '../../src/images';
import { findTask, readCheckpoint, readTaskMemory } from '../../src/model';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { decodableImages, decodeAll, imagesDir } from './images';

const TAG = 'AMBER-DUMP-LOOP';

test('dump -R of a counting program: images decode, memory and tree are right, the program runs on unchanged', async (t) => {
  const start = usePrograms(t);
  const program = await start('dump-loop');
  const pid = asPid(program.pid);
  const dir = imagesDir(t, 'loop');
  // Let the counter run a few ticks first.
  await sleep(100);
  const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  const result = await dump({ pid, imagesDir: dir, leaveRunning: true, shellJob: false });
  assert.equal(result.tasks, 1);
  assert.equal(result.threads, 1);

  const kinds = await decodeAll(dir);
  const expected = {
    'inventory.img': 'INVENTORY',
    'pstree.img': 'PSTREE',
    [`core-${pid}.img`]: 'CORE',
    [`ids-${pid}.img`]: 'IDS',
    [`mm-${pid}.img`]: 'MM',
    [`pagemap-${pid}.img`]: 'PAGEMAP',
    [`fs-${pid}.img`]: 'FS',
    'files.img': 'FILES',
    'fdinfo-2.img': 'FDINFO',
    'seccomp.img': 'SECCOMP',
    'timens-0.img': 'TIMENS',
  };
  assert.deepEqual(Object.fromEntries(kinds), expected);
  assert.ok(fs.existsSync(path.join(dir, 'pages-1.img')));
  assert.equal((await readImageFile(path.join(dir, 'stats-dump'))).kind.name, 'STATS');
  assert.equal(result.stats.pagesWritten, result.pagesWritten);

  const checkpoint = await readCheckpoint(dir);
  const task = findTask(checkpoint, pid);
  assert.equal(task.process.name, comm);
  assert.equal(task.parent, undefined);
  assert.equal(task.sid, pid);
  const page = BigInt(program.infoValue('page'));
  const buffer = BigInt(program.infoValue('buffer'));
  const size = Number(program.infoValue('size'));
  const vmas = task.memory?.vmas ?? [];
  assert.ok(vmas.some((vma) => vma.start === page && vma.end === page + 4096n && vma.mapping.anonymous), 'the hinted page is an anonymous VMA');
  assert.ok(vmas.some((vma) => vma.start <= buffer && vma.end >= buffer + BigInt(size)), 'the buffer lies in one VMA');

  const header = await readTaskMemory(checkpoint, pid, page, 40);
  assert.equal(header.subarray(0, TAG.length).toString('latin1'), TAG);
  assert.ok(header.readBigUInt64LE(16) > 0n, 'the counter had started');
  assert.equal(header.readBigUInt64LE(24), buffer);
  const contents = await readTaskMemory(checkpoint, pid, buffer, size);
  const wrong = contents.findIndex((byte, i) => byte !== i % 251);
  assert.equal(wrong, -1, `buffer byte ${wrong} is intact`);

  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('dump without -R kills the tree once the images are written', async (t) => {
  const start = usePrograms(t);
  const program = await start('dump-loop');
  const dir = imagesDir(t, 'kill');
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });
  const state = fs.existsSync(`/proc/${program.pid}`) ? fs.readFileSync(`/proc/${program.pid}/stat`, 'utf8').split(') ')[1][0] : 'gone';
  assert.ok(state === 'gone' || state === 'Z', `the program is dead (state ${state})`);
  assert.ok(decodableImages(dir).includes('inventory.img'));
});
