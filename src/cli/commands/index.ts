import type { Command } from '../command';

/** A sub-command whose module loads only when it is needed: one command should not pay for loading all the others. */
export interface LazyCommand {
  name: string;
  load(): Promise<Command>;
}

/** Every sub-command, in the order `amber --help` lists them. */
export const commands: LazyCommand[] = [
  { name: 'check', load: async () => (await import('./check')).checkCommand },
  { name: 'crit', load: async () => (await import('./crit')).critCommand },
  { name: 'dump', load: async () => (await import('./dump')).dumpCommand },
  { name: 'restore', load: async () => (await import('./restore')).restoreCommand },
  { name: 'demo', load: async () => (await import('./demo')).demoCommand },
];
