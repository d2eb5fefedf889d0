/**
 * The page writer thread of pipelined-copy.ts: it writes each slot the
 * filling thread (amber's main thread or the copy thread) fills into its
 * pages file while that thread reads the next ones from the task, so that
 * the two copies of every page run on two CPUs at once. A failed write
 * stops it, its errno left in the ring for the filling thread.
 */
import { workerData } from 'node:worker_threads';
import { PageRing, RingCell, type PageRingData } from './page-ring';

const EIO = 5;

const ring = PageRing.attach(workerData as PageRingData);

ring.set(RingCell.Ready, 1);
// It lives as long as amber does, mostly asleep waiting for the next filled slot.
for (let sequence = ring.get(RingCell.Written); ; ) {
  if (ring.get(RingCell.Filled) <= sequence) {
    ring.waitWhile(RingCell.Filled, sequence, Infinity);
    continue;
  }
  try {
    ring.writeDescribed(sequence);
  } catch (e) {
    ring.set(RingCell.Failed, Math.abs((e as NodeJS.ErrnoException).errno ?? EIO));
    break;
  }
  ring.set(RingCell.Written, ++sequence);
}
