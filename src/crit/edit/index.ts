/** `crit edit`: change resources of a checkpoint through the model, keeping its images consistent. */
import type { Command } from '../../cli/command';
import { readCheckpoint } from '../../model';
import { helpText } from '../options';
import { writeStdout } from '../io';
import { EXIT_STATUS_HELP, EXIT_WARNINGS, editSpec, parseEditArguments } from './arguments';
import { editComm } from './comm';
import { editAddresses, editPorts, inetSockets } from './inet';
import { writeEdited } from './output';
import { editPaths } from './paths';
import type { EditPlan } from './plan';
import { rawImageWarnings } from './raw-mentions';
import { Tally } from './tally';

export type { EditPlan } from './plan';

export interface EditResult {
  /** One line per OLD=NEW argument with what it changed, counted per kind. */
  summary: string[];
  /** Images rewritten, by file name. */
  changedImages: string[];
  warnings: string[];
}

/**
 * Applies `plan` to the checkpoint in `dir` and writes it back, or to
 * `output` (a new or empty directory, which also gets the untouched files).
 * Malformed checkpoints and impossible edits throw an AmberError before
 * anything is written.
 */
export async function editCheckpoint(dir: string, plan: EditPlan, output?: string): Promise<EditResult> {
  const checkpoint = await readCheckpoint(dir);
  const edits = [...plan.addresses, ...plan.ports, ...plan.paths, ...plan.comms];
  const tally = new Tally(edits.map((edit) => edit.label));
  const sockets = inetSockets(checkpoint);
  for (const edit of plan.addresses) editAddresses(sockets, edit, tally);
  for (const edit of plan.ports) editPorts(sockets, edit, tally);
  for (const edit of plan.paths) editPaths(checkpoint, edit, tally);
  for (const edit of plan.comms) editComm(checkpoint, edit, tally);
  const warnings = [
    ...tally.unmatched().map((label) => `${label}: nothing in the checkpoint matches OLD`),
    ...(await rawImageWarnings(checkpoint, plan.addresses)),
  ];
  const changedImages = await writeEdited(checkpoint, dir, output);
  return { summary: tally.lines(), changedImages, warnings };
}

export const editCommand: Command = {
  name: editSpec.name,
  summary: editSpec.summary,
  async run(args: string[]): Promise<number> {
    const parsed = parseEditArguments(args);
    if (parsed === undefined) {
      await writeStdout(`${helpText(editSpec)}\n${EXIT_STATUS_HELP}`);
      return 0;
    }
    const result = await editCheckpoint(parsed.dir, parsed.plan, parsed.output);
    const target = parsed.output ?? parsed.dir;
    const rewritten = result.changedImages.length;
    await writeStdout([...result.summary, `${target}: ${rewritten} ${rewritten === 1 ? 'image' : 'images'} rewritten`, ''].join('\n'));
    for (const warning of result.warnings) process.stderr.write(`amber: crit edit: warning: ${warning}\n`);
    return result.warnings.length === 0 ? 0 : EXIT_WARNINGS;
  },
};
