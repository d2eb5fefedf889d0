/**
 * Writing an edited checkpoint: every image is written to a scratch
 * directory in the target first; only the images whose bytes changed
 * then move into place, each with one rename, so an edit that fails part-way
 * leaves the checkpoint as it was. Page contents are never copied for an
 * edit in place.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AmberError } from '../../errors';
import { writeCheckpoint, type Checkpoint } from '../../model';

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([a, b].map((file) => fsp.readFile(file).catch(() => undefined)));
  return first !== undefined && second !== undefined && first.equals(second);
}

/** An output directory must be new or empty: mixing two checkpoints would make neither. */
async function prepareOutput(output: string): Promise<void> {
  const existing = await fsp.readdir(output).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw new AmberError(`${output}: cannot read the output directory: ${e.code ?? e.message}`);
  });
  if (existing.length > 0) throw new AmberError(`${output}: the output directory is not empty`);
  await fsp.mkdir(output, { recursive: true });
}

/** Copies every file of `source` but the `skipped` ones: pages, logs and whatever else lies there. */
async function copyOthers(source: string, output: string, skipped: ReadonlySet<string>): Promise<void> {
  for (const entry of await fsp.readdir(source, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    await fsp.cp(path.join(source, entry.name), path.join(output, entry.name), { recursive: true, preserveTimestamps: true });
  }
}

/**
 * Writes `checkpoint`, read from `source`, into `output` (`source` itself
 * when undefined). Resolves to the names of the images that changed.
 */
export async function writeEdited(checkpoint: Checkpoint, source: string, output: string | undefined): Promise<string[]> {
  const target = output ?? source;
  if (output !== undefined) await prepareOutput(output);
  // Inside the target, so that renames never cross file systems; image readers skip directories.
  const scratch = await fsp.mkdtemp(path.join(target, '.amber-edit-'));
  try {
    await writeCheckpoint({ ...checkpoint, rawImages: { directory: scratch, names: [] } }, scratch);
    const changed: string[] = [];
    for (const name of (await fsp.readdir(scratch)).sort()) {
      if (!(await sameBytes(path.join(scratch, name), path.join(source, name)))) changed.push(name);
    }
    if (output !== undefined) await copyOthers(source, output, new Set(changed));
    for (const name of changed) await fsp.rename(path.join(scratch, name), path.join(target, name));
    return changed;
  } finally {
    await fsp.rm(scratch, { recursive: true, force: true });
  }
}
