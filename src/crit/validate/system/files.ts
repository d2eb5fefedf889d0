/**
 * Regular files the checkpoint reopens by path: each must be there with the
 * size, mode and build-id recorded at dump time; a ghost needs the directory it goes back to.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { buildIdChange } from '../../../elf/build-id';
import { fsErrorName } from '../../../errors';
import type { RegularFile } from '../../../model';
import { FILES } from '../../../model/image-names';
import { fileEntryIndex, type CheckContext } from '../context';
import { error, type Finding } from '../findings';

const octal = (mode: number): string => `0${mode.toString(8)}`;

async function checkFile(context: CheckContext, file: RegularFile): Promise<Finding[]> {
  const entry = fileEntryIndex(context, file.id);
  let found;
  try {
    found = await fsp.stat(file.path);
  } catch (e) {
    return [error(FILES, `${file.path} cannot be opened here: ${fsErrorName(e)}`, { entry, field: 'reg.name' })];
  }
  const findings: Finding[] = [];
  if (file.mode !== undefined && found.mode !== file.mode) {
    findings.push(error(FILES, `${file.path} has mode ${octal(found.mode)} here, ${octal(file.mode)} at dump time`, { entry, field: 'reg.mode' }));
  }
  if (file.size !== undefined && found.isFile() && BigInt(found.size) !== file.size) {
    findings.push(error(FILES, `${file.path} is ${found.size} bytes long here, ${file.size} at dump time`, { entry, field: 'reg.size' }));
  }
  const buildChange = file.buildId === undefined ? undefined : buildIdChange(file.path, file.buildId);
  if (buildChange !== undefined) findings.push(error(FILES, buildChange, { entry, field: 'reg.build_id' }));
  return findings;
}

/** A ghost is recreated at its old path, so the directory it was in must be there. */
async function checkGhostDirectory(context: CheckContext, file: RegularFile): Promise<Finding[]> {
  const directory = path.dirname(file.path);
  try {
    if ((await fsp.stat(directory)).isDirectory()) return [];
  } catch {
    // Reported below, as for a file that is not a directory.
  }
  return [error(FILES, `${file.path} is restored from its ghost, but ${directory} is no directory here`, { entry: fileEntryIndex(context, file.id), field: 'reg.name' })];
}

/** Files with a remap are restored from a ghost or a link, not from their own path. */
export async function checkRegularFiles(context: CheckContext): Promise<Finding[]> {
  const remaps = new Map(context.checkpoint.remaps.map((remap) => [remap.file, remap.type]));
  const regular = [...context.checkpoint.files.values()].filter((file): file is RegularFile => file.kind === 'regular');
  const checks = regular.map((file) => {
    if (!remaps.has(file.id)) return checkFile(context, file);
    return remaps.get(file.id) === 'GHOST' ? checkGhostDirectory(context, file) : Promise.resolve([]);
  });
  return (await Promise.all(checks)).flat();
}
