import * as os from 'node:os';
import { applyLogOptions } from '../../log/cli-options';
import { flushLogs, logger } from '../../log/logger';
import { restore, type RestoreResult } from '../../restore';
import { displayRestoreStats } from '../../stats';
import type { Command } from '../command';
import { asksForHelp, criuHelp, parseRestoreCommandLine } from '../criu-options';
import { ProgressBar } from '../progress';

const log = logger('restore');

/** Ends amber the way the restored root task ended: by the same signal, else with its exit code. */
async function endLike(exit: { code: number } | { signal: number }): Promise<number> {
  if ('code' in exit) return exit.code;
  await flushLogs();
  const name = Object.entries(os.constants.signals).find(([, number]) => number === exit.signal)?.[0] as NodeJS.Signals | undefined;
  if (name !== undefined) {
    process.removeAllListeners(name);
    process.kill(process.pid, name);
  }
  return 128 + exit.signal;
}

async function run(args: string[]): Promise<number> {
  if (asksForHelp(args)) {
    process.stdout.write(`${criuHelp('restore')}\n`);
    return 0;
  }
  const { options, log: logOptions, displayStats } = parseRestoreCommandLine(args);
  applyLogOptions(logOptions);
  const progress = new ProgressBar('restore');
  // Once the tree runs, its output may go to this terminal: the bar is gone by then, and the stats shown as criu shows them.
  const onRunning = (running: RestoreResult): void => {
    progress.finish();
    if (displayStats) process.stdout.write(`${displayRestoreStats(running.stats)}\n`);
  };
  let result;
  try {
    result = await restore({ ...options, onProgress: progress.update, onRunning });
  } finally {
    progress.finish();
  }
  log.info(`${result.tasks} tasks, ${result.pagesRestored} pages restored in ${result.totalMs.toFixed(1)} ms; root task ${result.rootPid}`);
  return result.exit === undefined ? 0 : endLike(result.exit);
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a process tree from a directory of CRIU images',
  run,
};
