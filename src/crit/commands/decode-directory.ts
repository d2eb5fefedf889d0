import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AmberError } from '../../errors';

/** One image for a worker to decode into a file. */
export interface DecodeJob {
  file: string;
  out: string;
  pretty: boolean;
}

/** A worker's answer to a batch of jobs: nothing when all went well. */
export interface JobDone {
  error?: string;
}

const WORKER = path.join(__dirname, 'decode-worker.js');
/** Batches per worker: enough that a worker slowed by other load leaves little for the end, few enough that messages cost nothing. */
const BATCHES_PER_WORKER = 8;

/** Jobs waiting, the biggest images first, handed out in batches of about `batchBytes` of input. */
class JobQueue {
  private readonly jobs: { job: DecodeJob; size: number }[];
  readonly batchBytes: number;

  constructor(jobs: readonly DecodeJob[], workers: number) {
    this.jobs = jobs.map((job) => ({ job, size: fs.statSync(job.file).size })).sort((a, b) => b.size - a.size);
    this.batchBytes = this.jobs.reduce((sum, { size }) => sum + size, 0) / (workers * BATCHES_PER_WORKER);
  }

  /** The next batch: at least one job, if any are left. */
  take(): DecodeJob[] {
    const batch: DecodeJob[] = [];
    for (let bytes = 0; this.jobs.length > 0 && (batch.length === 0 || bytes < this.batchBytes); ) {
      const { job, size } = this.jobs.shift() as { job: DecodeJob; size: number };
      batch.push(job);
      bytes += size;
    }
    return batch;
  }

  clear(): void {
    this.jobs.length = 0;
  }
}

/** Has `worker` take batches from `queue` until it is empty; the first problem empties it. */
function work(worker: Worker, queue: JobQueue): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error): void => {
      queue.clear();
      reject(e);
    };
    const next = (): void => {
      const batch = queue.take();
      if (batch.length === 0) resolve();
      else worker.postMessage(batch);
    };
    worker.on('message', ({ error }: JobDone) => (error === undefined ? next() : fail(new AmberError(error))));
    worker.on('error', fail);
    next();
  });
}

/**
 * Decodes each image of `dir` (file names `images`) into `outDir` as
 * NAME.json, on a worker thread per core: images are independent, so the
 * work spreads across cores.
 */
export async function decodeImagesInParallel(dir: string, images: readonly string[], outDir: string, pretty: boolean): Promise<void> {
  const jobs = images.map((name) => ({ file: path.join(dir, name), out: path.join(outDir, `${name}.json`), pretty }));
  const workers = Array.from({ length: Math.min(os.availableParallelism(), jobs.length) }, () => new Worker(WORKER));
  const queue = new JobQueue(jobs, workers.length);
  try {
    await Promise.all(workers.map((worker) => work(worker, queue)));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
