/** `crit validate DIR [--system] [--json]`: exits 0 when the checkpoint has no errors, 1 otherwise. */
import type { Command } from '../../cli/command';
import { writeStdout } from '../io';
import type { SubcommandSpec } from '../options';
import { subcommand } from '../subcommand';
import { hasErrors } from './findings';
import { jsonReport, textReport } from './render';
import { validateCheckpoint, type ValidateOptions } from './validate';

const spec: SubcommandSpec = {
  name: 'validate',
  summary: 'check, without changing anything, that a checkpoint directory can be restored',
  options: [
    { key: 'dir', names: [], metavar: 'DIR', help: 'the checkpoint directory' },
    { key: 'system', names: ['--system'], flag: true, help: 'also check this system: files by path, free pids, kernel features' },
    { key: 'json', names: ['--json'], flag: true, help: 'print the findings as JSON' },
  ],
};

/** What the command prints for `directory`, and its exit status. */
export async function validationReport(directory: string, options: ValidateOptions & { json?: boolean }): Promise<{ output: string; status: number }> {
  const findings = await validateCheckpoint(directory, options);
  const output = options.json === true ? jsonReport(directory, findings) : textReport(directory, findings);
  return { output, status: hasErrors(findings) ? 1 : 0 };
}

export const validateCommand: Command = subcommand(spec, async (options) => {
  const { output, status } = await validationReport(options.dir as string, { system: options.system === true, json: options.json === true });
  await writeStdout(output);
  return status;
});
