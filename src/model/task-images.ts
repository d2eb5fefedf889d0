/** A task to and from its images: its pstree.img entry, core-TID.img per thread, ids, fs, mm and pagemap. */
import { AmberError } from '../errors';
import { fromEntry, group, toEntry, type Entry, type Modeled, type Rules } from './fields';
import type { ImageDirectory } from './image-directory';
import { coreImage, fsImage, idsImage, mmImage, pagemapImage, PSTREE } from './image-names';
import type { ImageToWrite } from './image-set';
import { memoryRules } from './memory';
import { pageMapHeaderRules, pageRangeDefaults, pageRangeRules, type PageMap } from './pagemap';
import { processRules, type Process } from './process';
import { fsStateRules, taskIdsRules, threadIdOf, treeEntryRules, type Task, type TreeEntry } from './task';
import { threadRules, type Thread } from './thread';

type MainCore = Omit<Thread, 'tid'> & { process: Process };

/** The main thread's core also holds the process-wide state (`tc`). */
const mainCoreRules: Rules<MainCore> = { ...threadRules, process: group('tc', processRules) };

/** The main thread's core is core-PID.img: a live task lists it by its pid, a zombie by whatever tid (see threadIdOf). */
async function readThreads(images: ImageDirectory, tree: TreeEntry): Promise<{ threads: Thread[]; process: Process }> {
  const mainName = coreImage(tree.pid, tree.pid);
  const mainEntry = await images.readOne(mainName, 'CORE', `${PSTREE} lists task ${tree.pid}`);
  const { process, ...mainThread } = images.convert(mainName, 0, () => fromEntry<MainCore & Modeled>(mainEntry, mainCoreRules));
  const task = { pid: tree.pid, process };
  if (!tree.threadIds.some((tid) => threadIdOf(task, { tid }) === tree.pid)) {
    throw new AmberError(`${images.pathOf(PSTREE)}: task ${tree.pid}: its thread list ${JSON.stringify(tree.threadIds)} lacks the task itself`);
  }
  const threads: Thread[] = [];
  for (const tid of tree.threadIds) {
    if (threadIdOf(task, { tid }) === tree.pid) {
      threads.push({ tid, ...mainThread });
      continue;
    }
    const name = coreImage(tree.pid, tid);
    const entry = await images.readOne(name, 'CORE', `${PSTREE} lists thread ${tid} of task ${tree.pid}`);
    threads.push({ tid, ...images.convert(name, 0, () => fromEntry(entry, threadRules)) });
  }
  return { threads, process };
}

/** A pagemap image (a task's, or a shared memory object's): its header, then its ranges. */
export async function readPageMap(images: ImageDirectory, name: string, why: string): Promise<PageMap> {
  const [header, ...ranges] = await images.read(name, 'PAGEMAP', why);
  if (header === undefined) throw new AmberError(`${images.pathOf(name)}: has no header entry`);
  return {
    ...images.convert(name, 0, () => fromEntry(header, pageMapHeaderRules)),
    ranges: ranges.map((range, i) => images.convert(name, i + 1, () => fromEntry(range, pageRangeRules))),
  };
}

/** The task that pstree.img entry `index` names, with everything its images say. */
export async function readTask(images: ImageDirectory, treeEntry: Entry, index: number): Promise<Task> {
  const tree = images.convert(PSTREE, index, () => fromEntry(treeEntry, treeEntryRules));
  const { pid } = tree;
  const { threads, process } = await readThreads(images, tree);
  // A zombie has nothing but its core; a live task has all of these.
  const hasMemory = process.state !== 'dead' && process.state !== 'zombie';
  const why = `task ${pid} is ${process.state}`;
  const readSingle = async <T extends Modeled>(name: string, kind: string, rules: Rules<T>): Promise<T | undefined> => {
    const entry = hasMemory ? await images.readOne(name, kind, why) : undefined;
    return entry === undefined ? undefined : images.convert(name, 0, () => fromEntry(entry, rules));
  };
  return {
    pid,
    parent: tree.parent,
    pgid: tree.pgid,
    sid: tree.sid,
    ...(tree.unmodeled === undefined ? {} : { unmodeled: tree.unmodeled }),
    threads,
    process,
    ids: await readSingle(idsImage(pid), 'IDS', taskIdsRules),
    fs: await readSingle(fsImage(pid), 'FS', fsStateRules),
    memory: await readSingle(mmImage(pid), 'MM', memoryRules),
    pageMap: hasMemory ? await readPageMap(images, pagemapImage(pid), why) : undefined,
  };
}

/** The task's pstree.img entry. */
export function treeEntryOf(task: Task): Entry {
  const { pid, parent, pgid, sid, unmodeled } = task;
  return toEntry<TreeEntry>({ pid, parent, pgid, sid, unmodeled, threadIds: task.threads.map((thread) => thread.tid) }, treeEntryRules);
}

/** The task's own images (core per thread, ids, fs, mm, pagemap). */
export function taskImages(task: Task): ImageToWrite[] {
  const images: ImageToWrite[] = task.threads.map((thread) => {
    const tid = threadIdOf(task, thread);
    const isMain = tid === task.pid;
    return {
      name: coreImage(task.pid, tid),
      kind: 'CORE',
      entries: [isMain ? toEntry<MainCore & Modeled>({ ...thread, process: task.process }, mainCoreRules) : toEntry(thread, threadRules)],
    };
  });
  const single = <T extends Modeled>(name: string, kind: string, value: T | undefined, rules: Rules<T>): void => {
    if (value !== undefined) images.push({ name, kind, entries: [toEntry(value, rules)] });
  };
  single(idsImage(task.pid), 'IDS', task.ids, taskIdsRules);
  single(fsImage(task.pid), 'FS', task.fs, fsStateRules);
  single(mmImage(task.pid), 'MM', task.memory, memoryRules);
  const { pageMap } = task;
  if (pageMap !== undefined) images.push(pageMapImage(pagemapImage(task.pid), pageMap));
  return images;
}

/** A pagemap image to write: the header naming the pages file, then the ranges. */
export function pageMapImage(name: string, pageMap: PageMap): ImageToWrite {
  const ranges = pageMap.ranges.map((range) => toEntry(range, pageRangeRules, pageRangeDefaults));
  return { name, kind: 'PAGEMAP', entries: [toEntry(pageMap, pageMapHeaderRules), ...ranges] };
}
