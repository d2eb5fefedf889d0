import type { Command } from '../cli/command';
import type { LazyCommand } from '../cli/commands';
import { AmberError } from '../errors';

/** crit's sub-commands, in the order `amber crit --help` lists them. */
const critCommands: readonly LazyCommand[] = [
  { name: 'decode', load: async () => (await import('./commands/decode')).decodeCommand },
  { name: 'encode', load: async () => (await import('./commands/encode')).encodeCommand },
  { name: 'info', load: async () => (await import('./commands/info')).infoCommand },
  { name: 'x', load: async () => (await import('./x')).xCommand },
  { name: 'show', load: async () => (await import('./commands/show')).showCommand },
  { name: 'validate', load: async () => (await import('./validate/command')).validateCommand },
  { name: 'core', load: async () => (await import('./core/command')).coreCommand },
  { name: 'report', load: async () => (await import('./report/command')).reportCommand },
  { name: 'edit', load: async () => (await import('./edit')).editCommand },
];

async function critUsage(): Promise<string> {
  const loaded: Command[] = await Promise.all(critCommands.map((c) => c.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  return [
    'usage: amber crit COMMAND [ARGS...]',
    '',
    'CRIU image tool: reads and writes CRIU image files as JSON, as CRIU\'s crit does.',
    '',
    'commands:',
    ...loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "'amber crit COMMAND --help' describes one command.",
    '',
  ].join('\n');
}

/** Runs `crit COMMAND ARGS...`; resolves to the exit status. */
export async function runCrit(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(await critUsage());
    return name === undefined ? 1 : 0;
  }
  const command = critCommands.find((c) => c.name === name);
  if (command === undefined) throw new AmberError(`crit: unknown command '${name}' (choose one of ${critCommands.map((c) => c.name).join(', ')})`);
  return (await command.load()).run(rest);
}
