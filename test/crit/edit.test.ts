import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { editCheckpoint, type EditPlan } from '../../src/crit/edit';
import { parseAddressEdit, parseCommEdit, parsePathEdit, parsePortEdit } from '../../src/crit/edit/plan';
import { validateCheckpoint } from '../../src/crit/validate';
import { decodeImage, encodeImage, type Message } from '../../src/images';
import { fixturesRoot } from './fixtures';
import { addInetSockets, IFADDR_ADDRESS, IFADDR_IMAGE, type AddedSocket } from './inet-sockets';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-crit-edit-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
function copyOf(workload: string): string {
  const dir = path.join(scratch, `${workload}-${copies++}`);
  fs.cpSync(path.join(fixturesRoot, workload), dir, { recursive: true });
  return dir;
}

/** The `unix` fixture with inet sockets added (the fixtures have none). */
function inetCopy(): { dir: string; sockets: AddedSocket[] } {
  const dir = copyOf('unix');
  return { dir, sockets: addInetSockets(dir) };
}

function amberCrit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'crit', ...args], { encoding: 'utf8' });
}

function plan(edits: Partial<Record<'addresses' | 'ports' | 'paths' | 'comms', string[]>>): EditPlan {
  return {
    addresses: (edits.addresses ?? []).map(parseAddressEdit),
    ports: (edits.ports ?? []).map(parsePortEdit),
    paths: (edits.paths ?? []).map(parsePathEdit),
    comms: (edits.comms ?? []).map(parseCommEdit),
  };
}

/** Every file of a directory with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(fs.readdirSync(dir).sort().map((name) => [name, fs.readFileSync(path.join(dir, name))]));
}

/** Protobuf images: not the raw pages and ifaddr images, not the logs and JSON lying next to them. */
const isImage = (name: string): boolean => (name.endsWith('.img') && !/^(pages|ifaddr)-/.test(name)) || name === 'stats-dump';

/** Every image of a checkpoint decoded, by file name. */
function decoded(dir: string): Map<string, Message[]> {
  const names = fs.readdirSync(dir).filter(isImage).sort();
  return new Map(names.map((name) => [name, decodeImage(fs.readFileSync(path.join(dir, name)), name).entries]));
}

/** The root task's pid and name, as pstree.img and its core image say. */
function rootTask(dir: string): { pid: number; comm: string } {
  const images = decoded(dir);
  const pid = Number((images.get('pstree.img') as Message[])[0]?.pid);
  const [core] = images.get(`core-${pid}.img`) as Message[];
  return { pid, comm: String((core?.tc as Message).comm) };
}

/** An IPv4 address as one image word: its four bytes in network order, read little-endian. */
const ipv4Word = (address: string): number => Buffer.from(address.split('.').map(Number)).readUInt32LE(0);

type Changes = (images: Map<string, Message[]>) => void;

/** Runs `edit` on `dir` and checks that the images now decode as `expect` says the old ones change, and not otherwise. */
async function assertEdit(dir: string, edit: () => Promise<unknown>, expect: Changes): Promise<void> {
  const expected = decoded(dir);
  expect(expected);
  const rawBefore = [...snapshot(dir)].filter(([name]) => !isImage(name));
  await edit();
  assert.deepEqual(decoded(dir), expected);
  for (const [name, bytes] of rawBefore) assert.ok(fs.readFileSync(path.join(dir, name)).equals(bytes), `${name} is left as it was`);
}

function files(images: Map<string, Message[]>): Message[] {
  return images.get('files.img') as Message[];
}

function inetSocketsOf(images: Map<string, Message[]>): Message[] {
  return files(images).flatMap((file) => (file.isk === undefined ? [] : [file.isk as Message]));
}

/** Sets `field` of every message where it equals `from`. */
function replaceWhere(messages: Message[], fields: string[], from: unknown, to: unknown): number {
  let count = 0;
  for (const message of messages) {
    for (const field of fields) {
      if (!isDeepStrictEqual(message[field], from)) continue;
      message[field] = to;
      count++;
    }
  }
  return count;
}

describe('crit edit --inet-addr and --inet-port', () => {
  it('rewrites the IPv4 addresses of every inet socket, connected ones too, and nothing else', async () => {
    const { dir, sockets } = inetCopy();
    const uses = sockets.flatMap((s) => [s.source[0], s.destination[0]]).filter((address) => address === '127.0.0.1').length;
    let result: Awaited<ReturnType<typeof editCheckpoint>> | undefined;
    await assertEdit(
      dir,
      async () => (result = await editCheckpoint(dir, plan({ addresses: ['127.0.0.1=10.1.1.1'] }))),
      (images) => assert.equal(replaceWhere(inetSocketsOf(images), ['src_addr', 'dst_addr'], [ipv4Word('127.0.0.1')], [ipv4Word('10.1.1.1')]), uses),
    );
    assert.deepEqual(result?.summary, [`--inet-addr 127.0.0.1=10.1.1.1: ${uses} socket addresses`]);
    assert.deepEqual(result?.changedImages, ['files.img']);
    assert.deepEqual(result?.warnings, []);
  });

  it('rewrites IPv6 addresses and the IPv4-mapped form of an IPv4 one, and warns about a raw image naming the old address', async () => {
    const { dir } = inetCopy();
    const mapped = (last: string): number[] => [0, 0, ipv4Word('0.0.255.255'), ipv4Word(last)];
    const loopback6 = (lastByte: number): number[] => [0, 0, 0, Buffer.from([0, 0, 0, lastByte]).readUInt32LE(0)];
    let run: ReturnType<typeof amberCrit> | undefined;
    await assertEdit(
      dir,
      async () => (run = amberCrit('edit', dir, '--inet-addr', `${IFADDR_ADDRESS}=10.0.0.10`, '--inet-addr=::1=::2')),
      (images) => {
        assert.equal(replaceWhere(inetSocketsOf(images), ['src_addr', 'dst_addr'], mapped(IFADDR_ADDRESS), mapped('10.0.0.10')), 1);
        assert.equal(replaceWhere(inetSocketsOf(images), ['src_addr', 'dst_addr'], loopback6(1), loopback6(2)), 1);
      },
    );
    assert.equal(run?.status, 3, 'written, with a warning');
    const warnings = run?.stderr.trimEnd().split('\n') ?? [];
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, new RegExp(`warning: ${IFADDR_IMAGE} .*${IFADDR_ADDRESS}`));
  });

  it('rewrites source and destination ports, leaving the tcp-stream images valid as they are', async () => {
    const { dir, sockets } = inetCopy();
    const uses = sockets.flatMap((s) => [s.source[1], s.destination[1]]).filter((port) => port === 8080).length;
    await assertEdit(
      dir,
      () => editCheckpoint(dir, plan({ ports: ['8080=9090'] })),
      (images) => assert.equal(replaceWhere(inetSocketsOf(images), ['src_port', 'dst_port'], 8080, 9090), uses),
    );
    const connected = sockets.filter((s) => s.protocol === 'tcp' && s.state === 'established');
    for (const socket of connected) assert.ok(fs.existsSync(path.join(dir, `tcp-stream-${socket.inode.toString(16)}.img`)));
  });
});

describe('crit edit --path', () => {
  it('rewrites regular file names by prefix at component boundaries: fds, cwd, the ghost file; not /tmp/criu-wl/bin/files', async () => {
    const dir = copyOf('files');
    const prefix = '/tmp/criu-wl/files';
    let run: ReturnType<typeof amberCrit> | undefined;
    await assertEdit(
      dir,
      async () => (run = amberCrit('edit', dir, '--path', `${prefix}/=/srv/data`)),
      (images) => {
        const regs = files(images).flatMap((file) => (file.reg === undefined ? [] : [file.reg as Message]));
        const moved = regs.filter((reg) => reg.name === prefix || String(reg.name).startsWith(`${prefix}/`));
        assert.ok(moved.length >= 4 && regs.some((reg) => reg.name === '/tmp/criu-wl/bin/files'), 'the fixture has both kinds of path');
        for (const reg of moved) reg.name = `/srv/data${String(reg.name).slice(prefix.length)}`;
      },
    );
    assert.equal(run?.status, 0, run?.stderr);
    assert.match(run?.stdout ?? '', /^--path \/tmp\/criu-wl\/files\/=\/srv\/data: \d+ regular file paths$/m);
    const fds = amberCrit('x', dir, 'fds').stdout;
    assert.match(fds, /cwd: \/srv\/data\/sub$/m, 'fs.img names the cwd by file id');
    assert.match(amberCrit('x', dir, 'files').stdout, /\/srv\/data\/ghost\.txt \(deleted\)/, 'the ghost still stands for the renamed file');
  });

  it('rewrites bound unix socket names, keeping their trailing NUL, and not abstract names', async () => {
    const dir = copyOf('unix');
    const result = await editCheckpoint(dir, plan({ paths: ['/tmp/criu-wl/unix=/run/wl'] }));
    assert.deepEqual(result.summary, ['--path /tmp/criu-wl/unix=/run/wl: 2 unix socket names']);
    const names = files(decoded(dir)).flatMap((file) => (file.usk === undefined ? [] : [(file.usk as Message).name]));
    assert.deepEqual(names.filter((name) => name !== ''), ['/run/wl/listen.sock=00', '=00criu-wl-dgram', '/run/wl/dgram-client.sock=00']);
  });

  it('rewrites inotify watch paths, and with OLD=/ puts every absolute path under NEW', async () => {
    const dir = copyOf('fdtypes');
    const watches = (): string[] =>
      files(decoded(dir))
        .flatMap((file) => ((file.ify as Message | undefined)?.wd as Message[] | undefined) ?? [])
        .map((wd) => String((wd.f_handle as Message).path));
    const regs = (): string[] => files(decoded(dir)).flatMap((file) => (file.reg === undefined ? [] : [String((file.reg as Message).name)]));
    const [watchesBefore, regsBefore] = [watches(), regs()];
    assert.ok(watchesBefore.length > 0);
    const result = await editCheckpoint(dir, plan({ paths: ['/=/newroot'] }));
    assert.deepEqual(watches(), watchesBefore.map((watch) => `/newroot${watch}`));
    assert.deepEqual(regs(), regsBefore.map((name) => (name === '/' ? '/newroot' : `/newroot${name}`)));
    assert.deepEqual(result.summary, [`--path /=/newroot: ${regsBefore.length} regular file paths, ${watchesBefore.length} inotify watch paths`]);
  });

  it('rewrites mount points, not the paths inside the mounted file systems', async () => {
    const dir = copyOf('unix');
    const image = path.join(dir, 'mountpoints-1.img');
    const mount = (id: number, mountpoint: string, root: string): Message => ({
      fstype: 1, mnt_id: id, root_dev: 2049, parent_mnt_id: 1, flags: 0, root, mountpoint, source: '/dev/vda1', options: '',
    });
    const mounts = [mount(1, '/', '/'), mount(2, '/tmp/criu-wl/unix', '/tmp/criu-wl/unix'), mount(3, '/tmp/criu-wl-other', '/x')];
    fs.writeFileSync(image, encodeImage({ magic: 'MNTS', entries: mounts }, image));
    await assertEdit(
      dir,
      () => editCheckpoint(dir, plan({ paths: ['/tmp/criu-wl/unix=/run/wl'] })),
      (images) => {
        const [, moved] = images.get('mountpoints-1.img') as Message[];
        (moved as Message).mountpoint = '/run/wl';
        for (const file of files(images)) {
          const socket = file.usk as Message | undefined;
          if (typeof socket?.name === 'string') socket.name = socket.name.replace(/^\/tmp\/criu-wl\/unix\//, '/run/wl/');
        }
      },
    );
  });

  it('rewrites the path of a FIFO (its regular-file entry)', async () => {
    const dir = copyOf('pipes');
    await editCheckpoint(dir, plan({ paths: ['/tmp/criu-wl/pipes=/var/pipes'] }));
    const lines = amberCrit('x', dir, 'files').stdout.split('\n').filter((line) => line.includes('fifo'));
    assert.ok(lines.length > 0 && lines.every((line) => line.includes('fifo /var/pipes/fifo')), lines.join('\n'));
  });
});

describe('crit edit --comm', () => {
  it("renames a task in its core (tc.comm) and its main thread's own name, and no other thread", async () => {
    const dir = copyOf('threads');
    const { pid } = rootTask(dir);
    await assertEdit(
      dir,
      () => editCheckpoint(dir, plan({ comms: [`${pid}=renamed-main`] })),
      (images) => {
        const [core] = images.get(`core-${pid}.img`) as Message[];
        (core?.tc as Message).comm = 'renamed-main';
        (core?.thread_core as Message).comm = 'renamed-main';
      },
    );
    assert.match(amberCrit('x', dir, 'ps').stdout, new RegExp(`^\\s*${pid}\\s+\\d+\\s+\\d+\\s+renamed-main$`, 'm'));
  });
});

describe('crit edit round trip and output directory', () => {
  it('edit then edit back gives the original bytes of every file', async () => {
    const { dir } = inetCopy();
    const original = snapshot(dir);
    const { pid, comm } = rootTask(dir);
    const forward = amberCrit(
      'edit', dir, '--inet-addr', '127.0.0.1=192.0.2.7', '--inet-port', '40000=41000', '--path', '/tmp/criu-wl=/opt/wl', '--comm', `${pid}=other`,
    );
    assert.equal(forward.status, 0, forward.stderr);
    assert.notDeepEqual(snapshot(dir), original);
    const back = amberCrit('edit', dir, '--inet-addr', '192.0.2.7=127.0.0.1', '--inet-port', '41000=40000', '--path', '/opt/wl=/tmp/criu-wl', '--comm', `${pid}=${comm}`);
    assert.equal(back.status, 0, back.stderr);
    assert.deepEqual(snapshot(dir), original);
  });

  it('with -o writes a new directory holding every file, and leaves the source alone', async () => {
    const dir = copyOf('files');
    const source = snapshot(dir);
    const output = path.join(scratch, 'edited-files');
    const run = amberCrit('edit', dir, '-o', output, '--path', '/tmp/criu-wl=/srv');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(snapshot(dir), source);
    const written = snapshot(output);
    assert.deepEqual([...written.keys()], [...source.keys()]);
    const changed = [...written].filter(([name, bytes]) => !bytes.equals(source.get(name) as Buffer)).map(([name]) => name);
    assert.deepEqual(changed, ['files.img']);
    assert.match(run.stdout, new RegExp(`^${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 1 image rewritten$`, 'm'));
    const again = amberCrit('edit', dir, '-o', output, '--path', '/tmp/criu-wl=/srv');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /not empty/);
  });
});

describe('edited checkpoints still validate', () => {
  const cases: [string, () => string, (dir: string) => Parameters<typeof plan>[0]][] = [
    ['inet addresses and ports', () => inetCopy().dir, () => ({ addresses: ['127.0.0.1=10.1.1.1', '::1=::2'], ports: ['8080=9090'] })],
    ['regular file paths and a ghost', () => copyOf('files'), () => ({ paths: ['/tmp/criu-wl=/srv/wl'] })],
    ['unix socket names', () => copyOf('unix'), () => ({ paths: ['/tmp/criu-wl/unix=/run/wl'] })],
    ['a FIFO path', () => copyOf('pipes'), () => ({ paths: ['/tmp=/var/tmp'] })],
    ['a task name', () => copyOf('threads'), (dir) => ({ comms: [`${rootTask(dir).pid}=renamed`] })],
  ];
  for (const [what, copy, edits] of cases) {
    it(`${what}: the same findings as before the edit, and no error`, async () => {
      const dir = copy();
      const before = await validateCheckpoint(dir);
      await editCheckpoint(dir, plan(edits(dir)));
      const after = await validateCheckpoint(dir);
      assert.deepEqual(after, before);
      assert.deepEqual(after.filter((finding) => finding.severity === 'error'), []);
    });
  }
});

describe('crit edit refuses bad edits with one line and writes nothing', () => {
  const cases: [string, string[], RegExp][] = [
    ['a malformed address', ['--inet-addr', '1.2.3=10.0.0.1'], /'1\.2\.3' is not an IPv4 or IPv6 address/],
    ['addresses of two families', ['--inet-addr', '127.0.0.1=::1'], /must both be IPv4 or both IPv6/],
    ['a port out of range', ['--inet-port', '8080=70000'], /'70000' is not a port/],
    ['a relative path', ['--path', 'tmp=/srv'], /'tmp' is not an absolute path/],
    ['a name longer than 15 bytes', ['--comm', '26025=sixteen-bytes-xx'], /16 bytes long, the kernel keeps at most 15/],
    ['a task not in the tree', ['--comm', '1=init'], /task 1 is not in the checkpoint/],
    ['an edit without =', ['--path', '/tmp'], /expected OLD=NEW/],
    ['no edit at all', [], /no edit given/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const dir = copyOf('unix');
      const before = snapshot(dir);
      const run = amberCrit('edit', dir, ...args);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.deepEqual(snapshot(dir), before);
    });
  }

  it('warns when OLD matches nothing (whole components only) and exits with status 3', () => {
    const dir = copyOf('files');
    const before = snapshot(dir);
    const run = amberCrit('edit', dir, '--path', '/tmp/criu-wl/fil=/srv', '--inet-port', '22=2222');
    assert.equal(run.status, 3);
    assert.deepEqual(run.stderr.trimEnd().split('\n'), [
      'amber: crit edit: warning: --inet-port 22=2222: nothing in the checkpoint matches OLD',
      'amber: crit edit: warning: --path /tmp/criu-wl/fil=/srv: nothing in the checkpoint matches OLD',
    ]);
    assert.deepEqual(snapshot(dir), before);
  });

  it('takes a name of exactly 15 bytes', async () => {
    const dir = copyOf('unix');
    const { pid } = rootTask(dir);
    const result = await editCheckpoint(dir, plan({ comms: [`${pid}=fifteen-bytes-x`] }));
    assert.deepEqual(result.summary, [`--comm ${pid}=fifteen-bytes-x: 1 process name, 1 thread name`]);
    assert.equal(rootTask(dir).comm, 'fifteen-bytes-x');
  });

  it('documents the exit statuses in --help', () => {
    const help = amberCrit('edit', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /exit status:\n {2}0 .*\n {2}1 .*\n {2}3 /);
  });
});
