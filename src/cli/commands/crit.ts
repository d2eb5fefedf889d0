import { runCrit } from '../../crit';
import type { Command } from '../command';

/** `amber crit ...`: CRIU's image tool. */
export const critCommand: Command = {
  name: 'crit',
  summary: 'decode, encode, show and explore CRIU image files (like CRIU\'s crit)',
  run: runCrit,
};
