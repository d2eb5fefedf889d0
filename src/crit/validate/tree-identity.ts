/**
 * Pids and tids that pstree.img gives twice. The model reads each core image
 * once, so these are looked for in the decoded entries before it is built.
 */
import type { DecodedImage, Message } from '../../images';
import { fromEntry } from '../../model/fields';
import { PSTREE } from '../../model/image-names';
import { treeEntryRules, type TreeEntry } from '../../model/task';
import { error, type Finding } from './findings';

function treeEntry(entry: Message): TreeEntry | undefined {
  try {
    return fromEntry(entry, treeEntryRules);
  } catch {
    // Reading the model reports the malformed entry.
    return undefined;
  }
}

export function checkTreeIdentity(pstree: DecodedImage | undefined): Finding[] {
  const findings: Finding[] = [];
  /** Which entry each pid or tid belongs to. */
  const owners = new Map<number, number>();
  pstree?.entries.forEach((raw, index) => {
    const task = treeEntry(raw);
    if (task === undefined) return;
    const owner = owners.get(task.pid);
    if (owner !== undefined) findings.push(error(PSTREE, `pid ${task.pid} is already taken by entry ${owner}`, { entry: index, field: 'pid' }));
    else owners.set(task.pid, index);
    const listed = new Set<number>();
    for (const tid of task.threadIds) {
      // The main thread is the task itself, which the pid check covers; a zombie's thread is 0.
      if (tid === 0 || tid === task.pid) continue;
      const threadOwner = owners.get(tid);
      if (listed.has(tid)) findings.push(error(PSTREE, `thread ${tid} is listed twice`, { entry: index, field: 'threads' }));
      else if (threadOwner !== undefined && threadOwner !== index) {
        findings.push(error(PSTREE, `thread ${tid} is already taken by entry ${threadOwner}`, { entry: index, field: 'threads' }));
      }
      listed.add(tid);
      owners.set(tid, threadOwner ?? index);
    }
  });
  return findings;
}
