import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { readCheckpoint, writeCheckpoint } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';

const SHM_KEY = 0x414d4201;
const MSG_KEY = 0x414d4202;
const SEM_KEY = 0x414d4203;

function imagesDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-ipc-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the SysV objects of a tree in its own IPC namespace come back with their ids, keys, contents, messages and values', { timeout: 30_000 }, async (t) => {
  const dir = imagesDir(t);
  const start = usePrograms(t);
  const program = await start('restore-ipc', ['own']);
  const pid = asPid(program.pid);
  const dumpedNamespace = program.infoValue('ipc_namespace');
  assert.notEqual(dumpedNamespace, fs.readlinkSync('/proc/self/ns/ipc'), 'the program has a namespace of its own');
  await dump({ pid, imagesDir: dir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  await t.test('the checkpoint holds the namespace and its objects', async () => {
    const [namespace, ...others] = (await readCheckpoint(dir)).ipcNamespaces ?? [];
    assert.equal(others.length, 0, 'one IPC namespace');
    assert.ok(fs.existsSync(path.join(dir, `ipcns-var-${namespace.id}.img`)));
    assert.equal(namespace.sysctls.values.msgmnb, 20000n);
    assert.deepEqual(
      namespace.segments.map(({ description, size }) => [description.id, description.key, description.uid, description.gid, description.mode & 0o777, size]),
      [[Number(program.infoValue('segment')), SHM_KEY, 1234, 2345, 0o640, 3n * 4096n + 100n]],
    );
    assert.deepEqual(
      namespace.queues.map(({ description, messages }) => [description.id, description.key, messages.map((message) => [message.type, message.text.toString()])]),
      [
        [
          Number(program.infoValue('queue')),
          MSG_KEY,
          [
            [5n, 'first, of type five'],
            [2n, 'second'],
            [9n, 'third and last, type nine'],
          ],
        ],
      ],
    );
    assert.deepEqual(
      namespace.semaphoreSets.map(({ description, values }) => [description.id, description.key, values]),
      [[Number(program.infoValue('semaphores')), SEM_KEY, [3, 0, 7]]],
    );
  });

  await t.test('the namespace images read into the model and write back byte for byte', async () => {
    const copy = imagesDir(t);
    await writeCheckpoint(await readCheckpoint(dir), copy);
    const names = fs.readdirSync(dir).filter((name) => name.startsWith('ipcns-'));
    assert.equal(names.length, 4, 'ipcns-var, -shm, -msg and -sem');
    for (const name of names) assert.ok(fs.readFileSync(path.join(copy, name)).equals(fs.readFileSync(path.join(dir, name))), `${name} is unchanged`);
  });

  const result = await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(result.rootPid, pid);
  const restoredNamespace = fs.readlinkSync(`/proc/${pid}/ns/ipc`);
  assert.notEqual(restoredNamespace, fs.readlinkSync('/proc/self/ns/ipc'), "the restored program is not in the host's IPC namespace");
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test("a task with a segment of the host's IPC namespace attached is refused at dump, naming the task and segment", { timeout: 15_000 }, async (t) => {
  const dir = imagesDir(t);
  const start = usePrograms(t);
  const program = await start('restore-ipc', ['host']);
  const segment = program.infoValue('segment');
  await assert.rejects(dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false }), {
    message: new RegExp(`^task ${program.pid}: has System V shared memory segment ${segment} \\(key 0x00000000\\) at 0x[0-9a-f]+ attached: it belongs to the host's IPC namespace`),
  });
  assert.deepEqual(fs.readdirSync(dir), [], 'no image is left behind');
  assert.ok(fs.existsSync(`/proc/${program.pid}`), 'the program runs on');
});
