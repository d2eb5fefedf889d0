import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const AMBER = path.resolve(__dirname, '../../src/cli/main.js');
const GONE_TIMEOUT_MS = 10_000;

function isGone(pid: number): boolean {
  return !fs.existsSync(`/proc/${pid}`);
}

async function waitUntilGone(pid: number): Promise<boolean> {
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (!isGone(pid) && Date.now() < deadline) await sleep(20);
  return isGone(pid);
}

/** Kills the counter the demo says it started, should the demo have left it behind. */
function killAfterwards(t: TestContext, output: () => string): void {
  t.after(async () => {
    const pid = Number(/started the counter: pid (\d+)/.exec(output())?.[1]);
    if (!Number.isInteger(pid) || isGone(pid)) return;
    process.kill(pid, 'SIGKILL');
    await waitUntilGone(pid);
  });
}

const numbers = (line: string): number[] => line.split(' ').map(Number);

test('amber demo freezes the counter, reads it, dumps and restores it, and leaves nothing running', async (t) => {
  let stdout = '';
  killAfterwards(t, () => stdout);
  ({ stdout } = await promisify(execFile)(process.execPath, [AMBER, 'demo'], { timeout: 60_000 }));

  assert.match(stdout, /^kernel check \(amber check\): \d+ of \d+ features present/m);
  const [, pid, log] = /^started the counter: pid (\d+), one number every 200 ms into (\S+)$/m.exec(stdout)!;
  assert.match(stdout, new RegExp(`^asked it by injected syscalls: comm "counter"$`, 'm'));
  assert.match(stdout, /^ {2}signal handlers: SIGINT -> 0x[0-9a-f]+, SIGTERM -> 0x[0-9a-f]+$/m);

  const frozen = BigInt(/^its count, read from its memory at 0x[0-9a-f]+: (\d+)$/m.exec(stdout)![1]);
  const [, later, newLines] = /^1000 ms later, still frozen: count (\d+), (\d+) new lines? of output$/m.exec(stdout)!;
  assert.equal(BigInt(later), frozen, 'the count did not move while frozen');
  assert.equal(newLines, '0');

  const [before, afterFreeze, afterRestore] = [...stdout.matchAll(/^it prints: (.*)$/gm)].map((m) => numbers(m[1]));
  assert.deepEqual(before, [1, 2, 3, 4, 5]);
  for (const after of [afterFreeze, afterRestore]) assert.deepEqual(after, after.map((_, i) => after[0] + i), 'it counts on one by one');
  // The freeze may fall between the increment and the print of a number.
  assert.ok(afterFreeze[0] === Number(frozen) || afterFreeze[0] === Number(frozen) + 1, `counting on from ${afterFreeze[0]} after ${frozen}`);

  const lastDumped = Number(/^ {2}dumped 1 task, \d+ pages; frozen for \d+ ms; the last number it printed: (\d+)$/m.exec(stdout)![1]);
  assert.ok(lastDumped >= afterFreeze.at(-1)!);
  assert.match(stdout, new RegExp(`^the dump ended pid ${pid}: it is gone$`, 'm'));
  assert.match(stdout, /^ {2}images: \d+ files, \d+ KiB: .*\bpages-1\.img\b/m);
  assert.match(stdout, new RegExp(`^ {2}restored pid ${pid} \\(\\d+ pages\\) in \\d+ ms; its output goes on:$`, 'm'));
  assert.equal(afterRestore[0], lastDumped + 1, 'the restored counter counts on from where it was dumped');

  assert.ok(isGone(Number(pid)), `pid ${pid} is gone`);
  assert.ok(!fs.existsSync(path.dirname(log)), 'its temporary directory is removed');
});

for (const moment of ['started the counter', 'froze pid', 'its output goes on']) {
  test(`Ctrl-C after "${moment}" kills the counter`, async (t) => {
    const demo = spawn(process.execPath, [AMBER, 'demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    killAfterwards(t, () => stdout);
    const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      demo.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(moment)) resolve();
      });
      demo.on('exit', () => reject(new Error(`the demo ended before "${moment}":\n${stdout}`)));
    });
    demo.kill('SIGINT');
    assert.equal(await exited, 130);
    const [, pid, log] = /started the counter: pid (\d+), one number every 200 ms into (\S+)/.exec(stdout)!;
    assert.ok(await waitUntilGone(Number(pid)), `pid ${pid} is gone`);
    assert.ok(!fs.existsSync(path.dirname(log)), 'its temporary directory is removed');
  });
}
