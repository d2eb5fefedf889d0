#!/usr/bin/env node
import { AmberError, describeError } from '../errors';
import { flushLogsSync } from '../log/logger';
import type { Command } from './command';
import { commands } from './commands';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: amber COMMAND [ARGS...]', '', 'commands:', ...lines, '', "'amber COMMAND --help' describes one command."].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 1 : 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (command === undefined) throw new AmberError(`unknown command '${name}' (see 'amber --help')`);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    // Messages logged before the failure come first.
    flushLogsSync();
    process.stderr.write(`amber: ${describeError(e)}\n`);
    if (process.env.AMBER_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e instanceof AmberError ? e.exitCode : 1;
  },
);
