import type { Command } from '../command';
import { checkCommand } from './check';
import { critCommand } from './crit';

/** Every sub-command, in the order `amber --help` lists them. */
export const commands: Command[] = [
  checkCommand,
  critCommand,
];
