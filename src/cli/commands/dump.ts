import * as fs from 'node:fs';
import { prepareToCopyPages } from '../../dump/pages/page-copy';
import { applyLogOptions } from '../../log/cli-options';
import { logger } from '../../log/logger';
import type { Command } from '../command';
import { asksForHelp, criuHelp, parseDumpCommandLine } from '../criu-options';
import { ProgressBar } from '../progress';

const log = logger('dump');

async function run(args: string[]): Promise<number> {
  if (asksForHelp(args)) {
    process.stdout.write(`${criuHelp('dump')}\n`);
    return 0;
  }
  const { options, log: logOptions, displayStats } = parseDumpCommandLine(args);
  // The log file usually goes into the images directory.
  fs.mkdirSync(options.imagesDir, { recursive: true });
  applyLogOptions(logOptions);
  // A large tree's copy threads start before the dump code is loaded, which takes longer than they do.
  prepareToCopyPages(options.pid);
  const { dump } = await import('../../dump');
  const progress = new ProgressBar('dump');
  let result;
  try {
    result = await dump({ ...options, onProgress: progress.update });
  } finally {
    progress.finish();
  }
  if (displayStats) process.stdout.write(`${(await import('../../stats')).displayDumpStats(result.stats)}\n`);
  log.info(`${result.tasks} tasks, ${result.threads} threads, ${result.pagesWritten} pages; frozen ${result.frozenMs.toFixed(1)} ms, total ${result.totalMs.toFixed(1)} ms`);
  return 0;
}

export const dumpCommand: Command = {
  name: 'dump',
  summary: 'checkpoint a process tree into a directory of CRIU images',
  run,
};
