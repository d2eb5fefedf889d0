import { parentPort } from 'node:worker_threads';
import { AmberError } from '../../errors';
import { decodeFile } from './decode-file';
import type { DecodeJob, JobDone } from './decode-directory';

/** Decodes a batch of images; stops at the first problem of the input and names it. */
async function decodeBatch(jobs: readonly DecodeJob[]): Promise<JobDone> {
  for (const job of jobs) {
    try {
      await decodeFile(job.file, job.out, job.pretty);
    } catch (e) {
      // Anything but a problem of the input is a bug: it ends the worker with its stack.
      if (!(e instanceof AmberError)) throw e;
      return { error: e.message };
    }
  }
  return {};
}

/** A worker thread of decode-directory.ts: answers each batch it is sent once it is done. */
const port = parentPort;
port?.on('message', (jobs: DecodeJob[]) => {
  void decodeBatch(jobs).then((done) => port.postMessage(done));
});
