import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AmberError } from '../../src/errors';
import { encodeImage, readImageFile } from '../../src/images';
import { readCheckpoint } from '../../src/model';
import { fixturesRoot } from '../crit/fixtures';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-model-errors-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A private copy of a fixture's images to break. */
function copyOf(workload: string, name: string): string {
  const target = path.join(scratch, name);
  fs.cpSync(path.join(fixturesRoot, workload), target, { recursive: true, filter: (source) => !source.endsWith('.json') });
  return target;
}

async function rewriteImage(file: string, edit: (entries: Record<string, unknown>[]) => void): Promise<void> {
  const image = await readImageFile(file);
  edit(image.entries);
  fs.writeFileSync(file, encodeImage({ magic: image.kind.name, entries: image.entries }, file));
}

function rejectsWith(dir: string, message: RegExp): Promise<void> {
  return assert.rejects(readCheckpoint(dir), (e: unknown) => e instanceof AmberError && message.test(e.message) && !e.message.includes('\n'));
}

describe('readCheckpoint on bad directories', () => {
  it('names the core image of a thread the tree lists but the directory lacks', async () => {
    const dir = copyOf('threads', 'no-core');
    fs.rmSync(path.join(dir, 'core-25247.img'));
    await rejectsWith(dir, /no-core\/core-25247\.img: missing, but pstree\.img lists thread 25247 of task 25244$/);
  });

  it("names a live task's missing memory image", async () => {
    const dir = copyOf('loop', 'no-mm');
    fs.rmSync(path.join(dir, 'mm-24631.img'));
    await rejectsWith(dir, /no-mm\/mm-24631\.img: missing, but task 24631 is alive$/);
  });

  it('names an image of the wrong kind', async () => {
    const dir = copyOf('loop', 'wrong-kind');
    fs.copyFileSync(path.join(dir, 'fs-24631.img'), path.join(dir, 'mm-24631.img'));
    await rejectsWith(dir, /wrong-kind\/mm-24631\.img: a FS image where a MM image belongs$/);
  });

  it('names the file, entry and field of a malformed entry', async () => {
    const dir = copyOf('files', 'bad-entry');
    await rewriteImage(path.join(dir, 'files.img'), (entries) => {
      (entries[5].reg as Record<string, unknown>).id = 99;
    });
    await rejectsWith(dir, /bad-entry\/files\.img: entry 5: reg\.id 99 differs from id 6$/);
  });

  it('names the field of an entry the model cannot take', async () => {
    const dir = copyOf('loop', 'odd-auxv');
    await rewriteImage(path.join(dir, 'mm-24631.img'), (entries) => {
      (entries[0].mm_saved_auxv as unknown[]).push(7);
    });
    await rejectsWith(dir, /odd-auxv\/mm-24631\.img: entry 0: mm_saved_auxv: has an odd number of words \(\d+\)$/);
  });

  it('names a directory that is not there', async () => {
    await rejectsWith(path.join(scratch, 'absent'), /absent: cannot read the checkpoint directory: ENOENT$/);
  });
});
