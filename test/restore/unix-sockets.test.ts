import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { readCheckpoint } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { fdsOf } from './live';
import { killIfAlive } from '../harness/processes';


test('unix socket pairs, a listener with its connection, named datagram sockets and their queued data survive restore', { timeout: 20_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-unix-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-unix-sockets', [dir]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const before = [program.pid, child].map(fdsOf);
  const images = path.join(dir, 'images');
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false });

  const checkpoint = await readCheckpoint(images);
  const sockets = [...checkpoint.files.values()].filter((file) => file.kind === 'unix-socket');
  assert.equal(sockets.length, 13);
  assert.equal(checkpoint.socketQueues.length, 13, 'one entry per stream queue, one per datagram or record');

  await program.kill({ freePid: true });
  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual([program.pid, child].map(fdsOf), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
