/**
 * The demo's checkpoint: dump the counter into a directory of images (which
 * ends it), restore it from them, and let the caller watch it count on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from '../dump';
import { restore } from '../restore';
import type { Counter } from './counter';
import type { Say } from './say';

function describeImages(dir: string): string {
  const names = fs.readdirSync(dir).sort();
  const bytes = names.reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
  return `${names.length} files, ${(bytes / 1024).toFixed(0)} KiB: ${names.join(' ')}`;
}

/** Resolves to how many numbers the counter had printed when it was dumped. */
export async function checkpointTour(counter: Counter, imagesDir: string, say: Say): Promise<number> {
  const { pid } = counter;
  say(`amber dump ${pid} ${imagesDir}`);
  const dumped = await dump({ pid, imagesDir, leaveRunning: false, shellJob: false });
  const printed = counter.counts().length;
  say(`  dumped ${dumped.tasks} task${dumped.tasks === 1 ? '' : 's'}, ${dumped.pagesWritten} pages; frozen for ${dumped.frozenMs.toFixed(0)} ms; the last number it printed: ${counter.counts().at(-1)}`);
  say(`  images: ${describeImages(imagesDir)}`);
  await counter.waitUntilGone();
  say(`the dump ended pid ${pid}: it is gone`);
  say(`amber restore --restore-detached ${imagesDir}`);
  const restored = await restore({ imagesDir, detached: true, shellJob: false });
  counter.cameBack();
  say(`  restored pid ${restored.rootPid} (${restored.pagesRestored} pages) in ${restored.totalMs.toFixed(0)} ms; its output goes on:`);
  return printed;
}
