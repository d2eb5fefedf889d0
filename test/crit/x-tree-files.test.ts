import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { explore } from '../../src/crit/x';
import { decodeImage, type Message } from '../../src/images';
import { fixturesRoot, workloads } from './fixtures';
import { addInetSockets } from './inet-sockets';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');
/** `tc.task_state` of a zombie. */
const TASK_DEAD = 2;
const INDENT = 4;

/** What a checkpoint's images say about one task, read straight from them. */
interface TaskFacts {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  comm: string;
  zombie: boolean;
  exitCode: number;
  /** Threads other than the main one, with their names. */
  threads: { tid: number; comm: string }[];
  /** fd number to file id; empty for a zombie. */
  fds: Map<number, number>;
}

function entries(dir: string, name: string): Message[] {
  const file = path.join(dir, name);
  return decodeImage(fs.readFileSync(file), file).entries;
}

function readFacts(dir: string): TaskFacts[] {
  return entries(dir, 'pstree.img').map((entry) => {
    const pid = Number(entry.pid);
    const tc = entries(dir, `core-${pid}.img`)[0]?.tc as Message;
    const zombie = tc.task_state === TASK_DEAD;
    const threads = ((entry.threads as number[] | undefined) ?? [])
      .filter((tid) => tid !== pid && tid !== 0)
      .map((tid) => ({ tid, comm: String((entries(dir, `core-${tid}.img`)[0]?.thread_core as Message).comm) }));
    const fds = new Map<number, number>();
    if (!zombie) {
      const filesId = entries(dir, `ids-${pid}.img`)[0]?.files_id;
      for (const fd of entries(dir, `fdinfo-${String(filesId)}.img`)) fds.set(Number(fd.fd), Number(fd.id));
    }
    const [ppid, pgid, sid] = [entry.ppid, entry.pgid, entry.sid].map(Number) as [number, number, number];
    return { pid, ppid, pgid, sid, comm: String(tc.comm), zombie, exitCode: Number(tc.exit_code), threads, fds };
  });
}

function depthOf(task: TaskFacts, tasks: TaskFacts[]): number {
  const parent = tasks.find((candidate) => candidate.pid === task.ppid);
  return parent === undefined ? 0 : 1 + depthOf(parent, tasks);
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Each task's block of the files view: the lines after its `PID COMM` header. */
function fileBlocks(output: string): Map<number, string[]> {
  const blocks = new Map<number, string[]>();
  let current: string[] = [];
  for (const line of output.split('\n').filter((l) => l !== '')) {
    const header = /^(\d+) /.exec(line);
    if (header !== null) blocks.set(Number(header[1]), (current = []));
    else current.push(line);
  }
  return blocks;
}

const fdLine = (lines: string[], fd: number): string => lines.find((line) => new RegExp(`^\\t\\s*${fd}: `).test(line)) ?? '';

describe('crit x DIR tree', () => {
  for (const workload of workloads()) {
    it(`${workload}: every task once, under its parent, with its session, group, state and threads`, async () => {
      const dir = path.join(fixturesRoot, workload);
      const tasks = readFacts(dir);
      const lines = (await explore(dir, 'tree')).trimEnd().split('\n');
      assert.equal(lines.length, tasks.length + tasks.reduce((sum, task) => sum + task.threads.length, 0));
      for (const task of tasks) {
        const at = lines.findIndex((line) => line.trimStart().startsWith(`${task.pid} `));
        const line = lines[at] as string;
        assert.equal(indentOf(line), INDENT * depthOf(task, tasks), line);
        const session = task.sid === task.pid ? 'session leader' : `session ${task.sid}`;
        const group = task.pgid === task.pid ? 'group leader' : `group ${task.pgid}`;
        const state = task.zombie ? ` zombie, exit status ${task.exitCode >> 8}` : '';
        assert.equal(line.trimStart(), `${task.pid} ${task.comm} (${session}, ${group})${state}`);
        const parentAt = lines.findIndex((candidate) => candidate.trimStart().startsWith(`${task.ppid} `));
        assert.ok(task.ppid === 0 || parentAt < at, `${task.pid} comes after its parent`);
        const threadLines = lines.slice(at + 1, at + 1 + task.threads.length);
        assert.deepEqual(
          threadLines,
          task.threads.map((thread) => `${' '.repeat(indentOf(line) + INDENT)}thread ${thread.tid} ${thread.comm}`),
        );
      }
    });
  }

  it('as JSON: a nesting of the same tasks, each under its parent', async () => {
    const dir = path.join(fixturesRoot, 'tree');
    interface Node {
      pid: number;
      session: number;
      group: number;
      threads: unknown[];
      children: Node[];
    }
    const found: [Node, number][] = [];
    const walk = (node: Node, parent: number): void => {
      found.push([node, parent]);
      for (const child of node.children) walk(child, node.pid);
    };
    for (const root of JSON.parse(await explore(dir, 'tree', { json: true })) as Node[]) walk(root, 0);
    const tasks = readFacts(dir);
    assert.deepEqual(
      found.map(([node, parent]) => [node.pid, parent, node.group, node.session]).sort(),
      tasks.map((task) => [task.pid, task.ppid, task.pgid, task.sid]).sort(),
    );
  });
});

describe('crit x DIR files', () => {
  for (const workload of workloads()) {
    it(`${workload}: every fd of every task, then cwd and root`, async () => {
      const dir = path.join(fixturesRoot, workload);
      const blocks = fileBlocks(await explore(dir, 'files'));
      const tasks = readFacts(dir);
      assert.deepEqual([...blocks.keys()], tasks.map((task) => task.pid));
      for (const task of tasks) {
        const lines = blocks.get(task.pid) as string[];
        const fds = lines.map((line) => /^\t\s*(\w+): /.exec(line)?.[1]);
        assert.deepEqual(fds, task.zombie ? [] : [...[...task.fds.keys()].map(String), 'cwd', 'root']);
      }
    });
  }

  it('pipes: names each pipe and the fds holding its other ends, in every task', async () => {
    const dir = path.join(fixturesRoot, 'pipes');
    const tasks = readFacts(dir);
    const pipeOf = new Map(entries(dir, 'files.img').flatMap((file) => {
      const end = (file.pipe ?? file.fifo) as Message | undefined;
      return end === undefined ? [] : [[Number(file.id), Number(end.pipe_id)] as const];
    }));
    const blocks = fileBlocks(await explore(dir, 'files'));
    let checked = 0;
    for (const task of tasks) {
      for (const [fd, id] of task.fds) {
        const pipe = pipeOf.get(id);
        if (pipe === undefined) continue;
        const otherEnds = tasks.flatMap((other) =>
          [...other.fds].filter(([, otherId]) => otherId !== id && pipeOf.get(otherId) === pipe).map(([otherFd]) => `${other.pid}:${otherFd}`),
        );
        const line = fdLine(blocks.get(task.pid) as string[], fd);
        assert.ok(line.includes(`pipe[${pipe}]`), line);
        assert.ok(line.includes(`other ends: ${otherEnds.length === 0 ? 'none' : otherEnds.join(', ')}`), line);
        checked++;
      }
    }
    assert.ok(checked > 0);
  });

  it('unix: each socket with its inode and the fd holding its peer', async () => {
    const dir = path.join(fixturesRoot, 'unix');
    const [task] = readFacts(dir) as [TaskFacts];
    const sockets = new Map(entries(dir, 'files.img').flatMap((file) => (file.usk === undefined ? [] : [[Number(file.id), file.usk as Message] as const])));
    const lines = fileBlocks(await explore(dir, 'files')).get(task.pid) as string[];
    for (const [fd, id] of task.fds) {
      const socket = sockets.get(id);
      if (socket === undefined) continue;
      const line = fdLine(lines, fd);
      assert.ok(line.includes(`unix[${String(socket.ino)}]`), line);
      if (socket.peer === 0) continue;
      const peerFds = [...task.fds].filter(([, otherId]) => sockets.get(otherId)?.ino === socket.peer).map(([peerFd]) => `${task.pid}:${peerFd}`);
      assert.ok(line.includes(`peer unix[${String(socket.peer)}] held by ${peerFds.join(', ')}`), line);
    }
  });

  it('inet sockets: protocol, state and both endpoints', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-crit-x-files-'));
    try {
      fs.cpSync(path.join(fixturesRoot, 'unix'), dir, { recursive: true });
      const sockets = addInetSockets(dir);
      const [task] = readFacts(dir) as [TaskFacts];
      const lines = fileBlocks(await explore(dir, 'files')).get(task.pid) as string[];
      const endpoint = (family: string, [address, port]: [string, number]): string => (family === 'ipv6' ? `[${address}]:${port}` : `${address}:${port}`);
      for (const socket of sockets) {
        const line = fdLine(lines, socket.fd);
        assert.ok(line.includes(`${socket.protocol} `) && line.includes(socket.state), line);
        assert.ok(line.includes(`${endpoint(socket.family, socket.source)} -> ${endpoint(socket.family, socket.destination)}`), line);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('as JSON: the same fds per task, each with its file', async () => {
    const dir = path.join(fixturesRoot, 'pipes');
    const json = JSON.parse(await explore(dir, 'files', { json: true })) as { pid: number; fds: { fd: number; file: { id: number; kind: string } }[] }[];
    const tasks = readFacts(dir);
    assert.deepEqual(
      json.map((task) => [task.pid, task.fds.map((fd) => [fd.fd, fd.file.id])]),
      tasks.map((task) => [task.pid, [...task.fds]]),
    );
  });
});

describe('crit x DIR VIEW --json for the crit views', () => {
  const dir = path.join(fixturesRoot, 'tree');

  it('ps: each task of pstree.img with its parent, group and session', async () => {
    const json = JSON.parse(await explore(dir, 'ps', { json: true })) as { pid: number; ppid: number; pgid: number; sid: number }[];
    assert.deepEqual(
      json.map(({ pid, ppid, pgid, sid }) => [pid, ppid, pgid, sid]),
      readFacts(dir).map((task) => [task.pid, task.ppid, task.pgid, task.sid]),
    );
  });

  it("fds: each live task's fds; a zombie has none", async () => {
    const json = JSON.parse(await explore(dir, 'fds', { json: true })) as { pid: number; fds?: { fd: number; id: number }[] }[];
    assert.deepEqual(
      json.map((task) => [task.pid, task.fds?.map((fd) => [fd.fd, fd.id])]),
      readFacts(dir).map((task) => [task.pid, task.zombie ? undefined : [...task.fds]]),
    );
  });

  it('mems and rss: every VMA of mm-PID.img and every range of pagemap-PID.img', async () => {
    const hex = (value: unknown): string => `0x${BigInt(value as number).toString(16)}`;
    const mems = JSON.parse(await explore(dir, 'mems', { json: true })) as { pid: number; vmas?: { start: string; end: string }[] }[];
    const rss = JSON.parse(await explore(dir, 'rss', { json: true })) as { pid: number; ranges?: { start: string; pages: number }[] }[];
    for (const task of readFacts(dir)) {
      const mm = task.zombie ? undefined : entries(dir, `mm-${task.pid}.img`)[0];
      const vmas = mm === undefined ? undefined : ((mm.vmas as Message[] | undefined) ?? []).map((vma) => ({ start: hex(vma.start), end: hex(vma.end) }));
      assert.deepEqual(mems.find((t) => t.pid === task.pid)?.vmas?.map(({ start, end }) => ({ start, end })), vmas);
      const ranges = task.zombie ? undefined : entries(dir, `pagemap-${task.pid}.img`).slice(1).map((range) => ({ start: hex(range.vaddr), pages: range.nr_pages }));
      assert.deepEqual(rss.find((t) => t.pid === task.pid)?.ranges?.map(({ start, pages }) => ({ start, pages })), ranges);
    }
  });

  it('on the command line, --json prints JSON and the text views stay as they were', () => {
    const run = (...args: string[]): string => spawnSync(process.execPath, [CLI, 'crit', 'x', dir, ...args], { encoding: 'utf8' }).stdout;
    assert.deepEqual(JSON.parse(run('tree', '--json')), JSON.parse(run('--json', 'tree')));
    assert.match(run('ps'), /^ {4}PID {3}PGID {4}SID   COMM\n/);
  });
});
