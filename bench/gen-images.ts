/**
 * Builds a large checkpoint directory for benchmarks out of the entries of
 * a real CRIU dump: many tasks, each with core, mm, pagemap, ids, fs and
 * fdinfo images, one shared files.img, and one task with a huge pagemap.
 * Page contents (pages-N.img) are not written: image decoders never read them.
 *
 * Standalone: node dist/bench/gen-images.js DIR [TASKS]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeImage, readImageFile } from '../src/images';
import { fixturesRoot } from './lib/fixtures';

export interface ImageSetShape {
  tasks: number;
  vmasPerTask: number;
  pagemapEntriesPerTask: number;
  fdsPerTask: number;
  /** Pagemap entries of the first task, on top of its usual ones. */
  hugePagemapEntries: number;
}

export const defaultShape: ImageSetShape = {
  tasks: 1000,
  vmasPerTask: 1500,
  pagemapEntriesPerTask: 1500,
  fdsPerTask: 64,
  hugePagemapEntries: 1 << 20,
};

/** The images written, every one decodable by `crit decode`. */
export interface ImageSet {
  dir: string;
  files: string[];
  bytes: number;
}

type Entry = Record<string, unknown>;

/** One entry of each kind, taken from the root task of the `tree` workload. */
interface Templates {
  inventory: Entry;
  core: Entry;
  mm: Entry;
  vmas: Entry[];
  pagemapRange: Entry;
  ids: Entry;
  fs: Entry;
  fdinfo: Entry;
  files: Entry[];
}

const SOURCE = 'tree';
const SOURCE_PID = 24825;
const FIRST_PID = 1000;
const CHILDREN_PER_TASK = 4;
const PAGE = 4096;
const VMA_PAGES = 4;
const VMA_STRIDE = 0x10000;
const MAPPINGS_BASE = 0x7f0000000000;
const HUGE_BASE = 0x100000000000;
/** Mapped-file ids that generated fds use are numbered from here, past the source's own files. */
const FIRST_OPEN_FILE_ID = 1000;

export async function generateImageSet(dir: string, shape: ImageSetShape = defaultShape): Promise<ImageSet> {
  const templates = await readTemplates();
  const writer = new ImageWriter(dir);
  writer.write('inventory.img', 'INVENTORY', [templates.inventory]);
  writer.write('pstree.img', 'PSTREE', pstree(shape.tasks));
  writer.write('files.img', 'FILES', [...templates.files, ...openFiles(templates, shape)]);
  for (let task = 0; task < shape.tasks; task++) {
    const pid = FIRST_PID + task;
    const extra = task === 0 ? shape.hugePagemapEntries : 0;
    const vmas = taskVmas(templates, shape.vmasPerTask, extra);
    writer.write(`core-${pid}.img`, 'CORE', [{ ...templates.core, tc: { ...(templates.core.tc as Entry), comm: `bench-${task}` } }]);
    writer.write(`mm-${pid}.img`, 'MM', [{ ...templates.mm, vmas }]);
    writer.write(`pagemap-${pid}.img`, 'PAGEMAP', pagemap(templates, task, vmas, shape.pagemapEntriesPerTask, extra));
    writer.write(`ids-${pid}.img`, 'IDS', [{ ...templates.ids, files_id: task + 1 }]);
    writer.write(`fs-${pid}.img`, 'FS', [templates.fs]);
    writer.write(`fdinfo-${task + 1}.img`, 'FDINFO', fds(templates, task, shape.fdsPerTask));
  }
  return { dir, files: writer.files, bytes: writer.bytes };
}

async function readTemplates(): Promise<Templates> {
  const entries = async (name: string): Promise<Entry[]> =>
    (await readImageFile(path.join(fixturesRoot, SOURCE, name))).entries as Entry[];
  const one = async (name: string): Promise<Entry> => (await entries(name))[0] as Entry;
  const mm = await one(`mm-${SOURCE_PID}.img`);
  const ids = await one(`ids-${SOURCE_PID}.img`);
  return {
    inventory: await one('inventory.img'),
    core: await one(`core-${SOURCE_PID}.img`),
    mm,
    vmas: mm.vmas as Entry[],
    pagemapRange: (await entries(`pagemap-${SOURCE_PID}.img`))[1] as Entry,
    ids,
    fs: await one(`fs-${SOURCE_PID}.img`),
    fdinfo: (await entries(`fdinfo-${ids.files_id}.img`))[0] as Entry,
    files: await entries('files.img'),
  };
}

/** A bushy tree: every task has up to CHILDREN_PER_TASK children. */
function pstree(tasks: number): Entry[] {
  return Array.from({ length: tasks }, (_, task) => {
    const pid = FIRST_PID + task;
    const ppid = task === 0 ? 0 : FIRST_PID + Math.floor((task - 1) / CHILDREN_PER_TASK);
    return { pid, ppid, pgid: FIRST_PID, sid: FIRST_PID, threads: [pid] };
  });
}

/** The source's VMAs, cycled over a regular grid of addresses; a huge pagemap gets one VMA of its own. */
function taskVmas(templates: Templates, count: number, hugePages: number): Entry[] {
  const vmas = Array.from({ length: count }, (_, n) => {
    const start = MAPPINGS_BASE + n * VMA_STRIDE;
    return { ...templates.vmas[n % templates.vmas.length], start, end: start + VMA_PAGES * PAGE };
  });
  if (hugePages > 0) vmas.unshift({ ...templates.vmas[0], start: HUGE_BASE, end: HUGE_BASE + 2 * hugePages * PAGE });
  return vmas;
}

/** The pages-id header, then ranges inside the VMAs; every other page of the huge VMA. */
function pagemap(templates: Templates, task: number, vmas: Entry[], count: number, hugeRanges: number): Entry[] {
  const ranges: Entry[] = [{ pages_id: task + 1 }];
  for (let n = 0; n < hugeRanges; n++) ranges.push({ ...templates.pagemapRange, vaddr: HUGE_BASE + 2 * n * PAGE, nr_pages: 1 });
  const mapped = vmas.slice(hugeRanges > 0 ? 1 : 0);
  for (let n = 0; n < count; n++) {
    const vma = mapped[n % mapped.length] as Entry;
    ranges.push({ ...templates.pagemapRange, vaddr: vma.start, nr_pages: 1 + (n % VMA_PAGES) });
  }
  return ranges;
}

function fds(templates: Templates, task: number, count: number): Entry[] {
  return Array.from({ length: count }, (_, fd) => ({ ...templates.fdinfo, fd, id: openFileId(task, fd, count) }));
}

/** Every task's fds refer to regular files of their own, described in files.img. */
function openFiles(templates: Templates, shape: ImageSetShape): Entry[] {
  const regular = templates.files.find((f) => f.reg !== undefined) as Entry;
  const files: Entry[] = [];
  for (let task = 0; task < shape.tasks; task++) {
    for (let fd = 0; fd < shape.fdsPerTask; fd++) {
      const id = openFileId(task, fd, shape.fdsPerTask);
      files.push({ ...regular, id, reg: { ...(regular.reg as Entry), id, name: `/var/bench/task-${task}/file-${fd}` } });
    }
  }
  return files;
}

function openFileId(task: number, fd: number, fdsPerTask: number): number {
  return FIRST_OPEN_FILE_ID + task * fdsPerTask + fd;
}

class ImageWriter {
  readonly files: string[] = [];
  bytes = 0;

  constructor(private readonly dir: string) {}

  write(name: string, magic: string, entries: Entry[]): void {
    const file = path.join(this.dir, name);
    const image = encodeImage({ magic, entries }, name);
    fs.writeFileSync(file, image);
    this.files.push(file);
    this.bytes += image.length;
  }
}

if (require.main === module) {
  const [dir, tasks] = process.argv.slice(2);
  if (dir === undefined) {
    process.stderr.write('usage: node dist/bench/gen-images.js DIR [TASKS]\n');
    process.exit(2);
  }
  fs.mkdirSync(dir, { recursive: true });
  const shape = tasks === undefined ? defaultShape : { ...defaultShape, tasks: Number(tasks) };
  generateImageSet(dir, shape).then((set) => {
    process.stdout.write(`${set.files.length} images, ${(set.bytes / 1e6).toFixed(1)} MB in ${dir}\n`);
  });
}
