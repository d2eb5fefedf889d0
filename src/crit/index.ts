import type { Command } from '../cli/command';
import { AmberError } from '../errors';
import { decodeCommand } from './commands/decode';
import { encodeCommand } from './commands/encode';
import { infoCommand } from './commands/info';
import { showCommand } from './commands/show';
import { xCommand } from './x';

/** crit's sub-commands, in the order `amber crit --help` lists them. */
export const critCommands: readonly Command[] = [decodeCommand, encodeCommand, infoCommand, xCommand, showCommand];

export function critUsage(): string {
  const width = Math.max(...critCommands.map((c) => c.name.length));
  return [
    'usage: amber crit COMMAND [ARGS...]',
    '',
    'CRIU image tool: reads and writes CRIU image files as JSON, as CRIU\'s crit does.',
    '',
    'commands:',
    ...critCommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "'amber crit COMMAND --help' describes one command.",
    '',
  ].join('\n');
}

/** Runs `crit COMMAND ARGS...`; resolves to the exit status. */
export async function runCrit(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(critUsage());
    return name === undefined ? 1 : 0;
  }
  const command = critCommands.find((c) => c.name === name);
  if (command === undefined) throw new AmberError(`crit: unknown command '${name}' (choose one of ${critCommands.map((c) => c.name).join(', ')})`);
  return command.run(rest);
}
