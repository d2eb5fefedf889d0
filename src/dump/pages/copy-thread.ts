/**
 * The page copy thread of page-copy.ts: it fills the page ring from the
 * frozen tasks' memory (pipelined-copy.ts), job after job, while amber's
 * main thread goes on reading the rest of their state by injection. Each
 * job's end is counted in shared memory and its outcome posted back.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { PAGE_SIZE } from '../../proc/pagemap';
import { CopyCell, type CopyJobResult, type CopyThreadData } from './copy-cells';
import { RingCell } from './page-ring';
import { attachPageRing, copyPages, type PagesCopy } from './pipelined-copy';

const { ring, cells, port } = workerData as CopyThreadData & { port: MessagePort };
attachPageRing(ring);
const PAGE = Number(PAGE_SIZE);

port.on('message', (job: PagesCopy[]) => {
  let result: CopyJobResult = { error: null, writerFailed: false };
  try {
    const cancelled = (): boolean => Atomics.load(cells, CopyCell.Cancel) !== 0;
    for (const copy of job) copyPages(copy, (bytes) => Atomics.add(cells, CopyCell.Pages, bytes / PAGE), cancelled);
  } catch (e) {
    // From the shared cell: the copy that saw the failure has already let go of its ring.
    result = { error: e instanceof Error ? e.message : String(e), writerFailed: Atomics.load(ring.cells, RingCell.Failed) !== 0 };
  }
  port.postMessage(result);
  Atomics.add(cells, CopyCell.JobsDone, 1);
  Atomics.notify(cells, CopyCell.JobsDone);
  // The ring it filled has no writer any more: the main thread starts a new ring and thread.
  if (result.writerFailed) port.close();
});
Atomics.store(cells, CopyCell.Ready, 1);
