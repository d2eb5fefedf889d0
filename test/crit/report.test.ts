/**
 * `amber crit report`: pages for CRIU fixtures and for a dump of a running
 * program, rendered in headless Chromium; the rendered DOM must show every
 * task in the tree and one memory-map shape per VMA, drawn to scale.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildReport } from '../../src/crit/report/command';
import { dump } from '../../src/dump';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../../src/model';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { fixturesRoot } from './fixtures';
import { addInetSockets } from './inet-sockets';
import { killAndWaitGone } from '../harness/processes';

const CHROMIUM = '/usr/bin/chromium';
/** Reports and screenshots stay here after the run, to be looked at. */
const OUTPUT_DIR = path.join(os.tmpdir(), 'amber-report-test');
const RENDER_TIMEOUT_MS = 120_000;
const FIXTURES = ['tree', 'pipes', 'unix'];
/** A directory name a page must show as text, not as markup. */
const AWKWARD_NAME = 'amber-report-<em>&"q"-';

interface Rendered {
  dom: string;
  screenshot: string;
}

/** Writes the report of `dir` as NAME.html in the output directory and renders it: DOM and a screenshot. */
async function renderReport(t: TestContext, dir: string, name: string): Promise<Rendered> {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the report tests`);
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const page = path.join(OUTPUT_DIR, `${name}.html`);
  const screenshot = path.join(OUTPUT_DIR, `${name}.png`);
  fs.rmSync(screenshot, { force: true });
  fs.writeFileSync(page, await buildReport(dir));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-report-chromium-'));
  t.after(() => fs.rmSync(profile, { recursive: true, force: true }));
  const started = performance.now();
  const { stdout } = await promisify(execFile)(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, '--window-size=1280,2000', `--screenshot=${screenshot}`, '--dump-dom', pathToFileURL(page).href],
    { timeout: RENDER_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 },
  );
  t.diagnostic(`${page}: ${fs.statSync(page).size} bytes, rendered in ${Math.round(performance.now() - started)} ms; screenshot ${screenshot}`);
  return { dom: stdout, screenshot };
}

/** Each memory-map SVG of the DOM by pid, with its rows of VMA shapes (size in bytes, drawn width). */
function memoryMaps(dom: string): Map<number, { size: bigint; width: number }[][]> {
  const maps = new Map<number, { size: bigint; width: number }[][]>();
  for (const svg of dom.matchAll(/<svg class="memory-map" data-pid="(\d+)"[^>]*>([\s\S]*?)<\/svg>/g)) {
    const rows = svg[2].split('<g class="row">').slice(1);
    maps.set(
      Number(svg[1]),
      rows.map((row) =>
        [...row.matchAll(/<g class="vma [^"]*" data-start="[^"]*" data-size="(\d+)"><title>[^<]+<\/title><rect class="area" x="[^"]*" y="[^"]*" width="([^"]*)"/g)].map(
          (shape) => ({ size: BigInt(shape[1]), width: Number(shape[2]) }),
        ),
      ),
    );
  }
  return maps;
}

function checkRendered(rendered: Rendered, checkpoint: Checkpoint): void {
  const { dom } = rendered;
  for (const task of checkpoint.tasks) assert.match(dom, new RegExp(`<details class="task-node[^"]*" data-pid="${task.pid}"`), `the tree shows task ${task.pid}`);
  const maps = memoryMaps(dom);
  assert.deepEqual([...maps.keys()].sort(), checkpoint.tasks.map((task) => task.pid).sort(), 'one memory map per task');
  for (const task of checkpoint.tasks) {
    const rows = maps.get(task.pid) ?? [];
    assert.equal(rows.flat().length, task.memory?.vmas.length ?? 0, `task ${task.pid}: one shape per VMA`);
    assert.equal(dom.split(`data-pid="${task.pid}"`).length - 1, 3, `task ${task.pid}: one tree node, one section, one map`);
    for (const row of rows) {
      const total = row.reduce((sum, shape) => sum + Number(shape.size), 0);
      const drawn = row.reduce((sum, shape) => sum + shape.width, 0);
      for (const shape of row) {
        assert.ok(Math.abs(shape.width - (Number(shape.size) / total) * drawn) < 0.02, `task ${task.pid}: a ${shape.size}-byte VMA is ${shape.width} wide, not in proportion`);
      }
    }
  }
  assert.ok(fs.statSync(rendered.screenshot).size > 0, `${rendered.screenshot} is empty`);
}

test('report pages of CRIU fixtures render with the whole tree and every VMA', async (t) => {
  t.diagnostic(`reports and screenshots: ${OUTPUT_DIR}`);
  for (const workload of FIXTURES) {
    const dir = path.join(fixturesRoot, workload);
    checkRendered(await renderReport(t, dir, workload), await readCheckpoint(dir));
  }
});

test('validation findings are listed at the top and next to the task they concern', async (t) => {
  const checkpoint = await readCheckpoint(path.join(fixturesRoot, 'tree'));
  const damaged = checkpoint.tasks[1];
  const vmas = damaged.memory?.vmas ?? [];
  [vmas[0], vmas[1]] = [vmas[1], vmas[0]];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-report-damaged-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await writeCheckpoint(checkpoint, dir);

  const page = await buildReport(dir);
  const [top, ...sections] = page.split('<section class="task" ');
  const error = /<li class="finding error">.*?mm-(\d+)\.img entry 0 vmas\.1.*?<\/li>/.exec(top);
  assert.ok(error !== null, 'the summary lists the error in the swapped VMAs');
  assert.equal(Number(error[1]), damaged.pid);
  assert.match(error[0], new RegExp(`href="#task-${damaged.pid}"`), 'the summary links the error to its task');
  assert.match(top, new RegExp(`data-pid="${damaged.pid}" open><summary>.*?<span class="badge error"`), 'the tree marks the task');
  for (const section of sections) {
    const pid = Number(/data-pid="(\d+)"/.exec(section)?.[1]);
    assert.equal(section.includes('class="task-findings"'), pid === damaged.pid, `task ${pid}: findings shown only with the task they concern`);
  }
});

test('a checkpoint amber cannot read gets a page with the findings that say why', async (t) => {
  const fixture = path.join(fixturesRoot, 'tree');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-report-unreadable-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const missing = `core-${(await readCheckpoint(fixture)).tasks[1].pid}.img`;
  for (const name of fs.readdirSync(fixture).filter((name) => name.endsWith('.img') && name !== missing)) fs.copyFileSync(path.join(fixture, name), path.join(dir, name));

  const page = await buildReport(dir);
  assert.ok(page.includes(`<li class="finding error"><span class="severity">error</span> <code>${missing}</code>`), `the page says ${missing} is missing`);
  assert.doesNotMatch(page, /<svg/, 'no memory maps without a model');
});

test('the socket table shows inet sockets with family, protocol, state and both endpoints', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-report-inet-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(path.join(fixturesRoot, 'unix'), dir, { recursive: true });
  const sockets = addInetSockets(dir);

  const page = await buildReport(dir);
  for (const socket of sockets) {
    const row = new RegExp(`<tr id="socket-${socket.id}">(.*?)</tr>`).exec(page)?.[1] ?? '';
    const cells = [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => cell[1]);
    const endpoint = ([address, port]: [string, number]): string => (socket.family === 'ipv6' ? `[${address}]:${port}` : `${address}:${port}`);
    assert.deepEqual(
      cells.slice(1, 6),
      [socket.family === 'ipv6' ? 'INET6' : 'INET', `${socket.protocol === 'tcp' ? 'STREAM' : 'DGRAM'} / ${socket.protocol.toUpperCase()}`, socket.state.toUpperCase(), endpoint(socket.source), endpoint(socket.destination)],
      `socket ${socket.id}`,
    );
  }
});



test('the report of an amber dump shows its paths as text, whatever characters they hold', async (t) => {
  const start = usePrograms(t);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), AWKWARD_NAME));
  const images = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-report-dump-'));
  t.after(() => [work, images].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const program = await start('dump-tree', [work]);
  const child = Number(program.infoValue('child'));
  t.after(() => killAndWaitGone(child));
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: true, shellJob: false });

  const rendered = await renderReport(t, images, 'amber-dump');
  checkRendered(rendered, await readCheckpoint(images));
  const shownPath = path.join(work, 'append.txt').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  assert.ok(rendered.dom.includes(shownPath), `the page shows ${path.join(work, 'append.txt')} as text`);
  assert.ok(!rendered.dom.includes('<em>'), 'no markup comes from a path');
});
