#!/usr/bin/env node
import { AmberError, describeError } from '../errors';
import { flushLogsSync } from '../log/logger';
import { commands } from './commands';

/** Loads every command, for its summary. */
async function usage(): Promise<string> {
  const loaded = await Promise.all(commands.map((c) => c.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  const lines = loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: amber COMMAND [ARGS...]', '', 'commands:', ...lines, '', "'amber COMMAND --help' describes one command."].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await usage()) + '\n');
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) throw new AmberError(`unknown command '${name}' (see 'amber --help')`);
  return (await command.load()).run(rest);
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
