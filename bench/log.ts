/**
 * Cost of amber's logging: one debug message written to a file (tmpfs and
 * the regular disk, text and JSON), and one debug call when debug is off.
 * "floor" writes the same bytes with plain 64 KiB writes in the same run:
 * the least any logger pays for the I/O. Wall time counts the wait for the
 * data to reach the file; CPU time (every thread of amber) is the steadier
 * number on a busy machine. Each case runs after a warm-up, five times;
 * the table shows medians.
 *
 *   node dist/bench/log.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LogFormat } from '../src/log/format';
import type { Verbosity } from '../src/log/level';
import { configureLogging, flushLogs, logger } from '../src/log/logger';

interface Case {
  name: string;
  dir: string;
  level: Verbosity;
  format: LogFormat;
  messages: number;
}

/** Nanoseconds per message. */
interface Cost {
  wall: number;
  cpu: number;
}

const repeats = 5;
const log = logger('mm');

async function timed(messages: number, work: () => Promise<void> | void): Promise<Cost> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await work();
  const wall = (performance.now() - start) * 1e6;
  const { user, system } = process.cpuUsage(cpuBefore);
  return { wall: wall / messages, cpu: ((user + system) * 1e3) / messages };
}

/** Logs `messages` debug lines the way a dump logs its VMAs, until they are written. */
function logMessages(c: Case, file: string, messages: number): Promise<Cost> {
  configureLogging({ file, level: c.level, format: c.format });
  return timed(messages, async () => {
    for (let i = 0; i < messages; i++) log.debug('dumping vma', { pid: 4242, start: 0x7f3a2c000000n, len: i, prot: 'rw-p' });
    await flushLogs();
  });
}

/** Writes `bytes` to a fresh file in 64 KiB writes. */
function writeFloor(file: string, bytes: number, messages: number): Promise<Cost> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return timed(messages, () => {
    const fd = fs.openSync(file, 'w', 0o600);
    for (let done = 0; done < bytes; done += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - done));
    fs.closeSync(fd);
  });
}

async function medianOf(run: () => Promise<Cost>): Promise<Cost> {
  const costs: Cost[] = [];
  for (let i = 0; i < repeats; i++) costs.push(await run());
  const middle = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { wall: middle(costs.map((cost) => cost.wall)), cpu: middle(costs.map((cost) => cost.cpu)) };
}

async function measure(c: Case): Promise<{ logging: Cost; floor: Cost | undefined; bytesPerMessage: number }> {
  const file = path.join(c.dir, `amber-bench-${process.pid}.log`);
  try {
    await logMessages(c, file, Math.ceil(c.messages / 10));
    const logging = await medianOf(() => logMessages(c, file, c.messages));
    configureLogging({ file: null, level: 2 });
    const bytes = fs.statSync(file).size;
    const floor = bytes > 0 ? await medianOf(() => writeFloor(file, bytes, c.messages)) : undefined;
    return { logging, floor, bytesPerMessage: bytes / c.messages };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function row(cells: string[]): string {
  const widths = [30, 11, 11, 12, 8, 11, 11];
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('');
}

async function main(): Promise<void> {
  const disk = os.tmpdir();
  const cases: Case[] = [
    { name: 'debug off', dir: '/dev/shm', level: 2, format: 'text', messages: 20_000_000 },
    { name: 'debug text, tmpfs', dir: '/dev/shm', level: 4, format: 'text', messages: 500_000 },
    { name: 'debug json, tmpfs', dir: '/dev/shm', level: 4, format: 'json', messages: 500_000 },
    { name: `debug text, disk (${disk})`, dir: disk, level: 4, format: 'text', messages: 500_000 },
    { name: `debug json, disk (${disk})`, dir: disk, level: 4, format: 'json', messages: 500_000 },
  ];
  console.log(row(['case', 'wall ns', 'cpu ns', 'messages/s', 'MB/s', 'floor wall', 'floor cpu']));
  for (const c of cases) {
    const { logging, floor, bytesPerMessage } = await measure(c);
    const perSecond = 1e9 / logging.wall;
    console.log(
      row([
        c.name,
        logging.wall.toFixed(1),
        logging.cpu.toFixed(1),
        perSecond.toExponential(2),
        floor === undefined ? '-' : ((bytesPerMessage * perSecond) / 1e6).toFixed(0),
        floor === undefined ? '-' : floor.wall.toFixed(1),
        floor === undefined ? '-' : floor.cpu.toFixed(1),
      ]),
    );
  }
}

void main();
