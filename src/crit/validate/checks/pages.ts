/**
 * Page files: each pages-N.img holds exactly the pages its pagemap stores
 * here (present and not in a parent checkpoint), back to back, and belongs to
 * one pagemap, since each pagemap reads its file from the start.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { isStoredHere, type PageMap } from '../../../model';
import { FieldError, fromEntry, type Entry } from '../../../model/fields';
import { pagemapImage } from '../../../model/image-names';
import { pageMapHeaderRules, pageRangeRules } from '../../../model/pagemap';
import type { CheckContext } from '../context';
import { error, warning, type Finding } from '../findings';
import { pagesImage } from '../image-names';
import { PAGE } from './addresses';

const SHMEM_PAGEMAP = /^pagemap-shmem-\d+\.img$/;
const PAGES_FILE = /^pages-(\d+)\.img$/;

/** A shared-memory pagemap, which the model keeps whole, read as the tasks' are. */
function sharedPageMap(name: string, entries: readonly Entry[]): PageMap | Finding {
  const [header, ...ranges] = entries;
  let entry = 0;
  try {
    const { pagesId } = fromEntry(header ?? {}, pageMapHeaderRules);
    return {
      pagesId,
      ranges: ranges.map((range, i) => {
        entry = i + 1;
        return fromEntry(range, pageRangeRules);
      }),
    };
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    return error(name, e.message, { entry, field: e.path.join('.') });
  }
}

/** Every pagemap by image name: the tasks' from the model, shared memory's read here. */
function pageMaps(context: CheckContext, findings: Finding[]): Map<string, PageMap> {
  const maps = new Map<string, PageMap>();
  for (const task of context.checkpoint.tasks) if (task.pageMap !== undefined) maps.set(pagemapImage(task.pid), task.pageMap);
  for (const [name, image] of context.images) {
    if (!SHMEM_PAGEMAP.test(name)) continue;
    const read = sharedPageMap(name, image.entries);
    if ('severity' in read) findings.push(read);
    else maps.set(name, read);
  }
  return maps;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return undefined;
  }
}

export async function checkPageFiles(context: CheckContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const owners = new Map<number, string>();
  for (const [name, pageMap] of pageMaps(context, findings)) {
    const { pagesId } = pageMap;
    const owner = owners.get(pagesId);
    if (owner !== undefined) {
      findings.push(error(name, `${pagesImage(pagesId)} is already the pages file of ${owner}`, { entry: 0, field: 'pages_id' }));
      continue;
    }
    owners.set(pagesId, name);
    const stored = pageMap.ranges.filter(isStoredHere).reduce((sum, range) => sum + BigInt(range.pageCount), 0n);
    const size = await sizeOf(path.join(context.directory, pagesImage(pagesId)));
    if (size === undefined) {
      if (stored > 0n) findings.push(error(name, `stores ${stored} pages in ${pagesImage(pagesId)}, which is missing`, { entry: 0, field: 'pages_id' }));
    } else if (BigInt(size) !== stored * PAGE) {
      findings.push(error(pagesImage(pagesId), `holds ${size} bytes, but ${name} stores ${stored} pages (${stored * PAGE} bytes) in it`));
    }
  }
  const used = new Set([...owners.keys()].map(pagesImage));
  for (const name of context.rawFiles) {
    if (PAGES_FILE.test(name) && !used.has(name)) findings.push(warning(name, 'no pagemap stores its pages here'));
  }
  return findings;
}
