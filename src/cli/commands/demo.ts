import { runDemo } from '../../demo/run';
import type { Command } from '../command';

const help = [
  'usage: amber demo',
  '',
  'Builds a small counter program (examples/counter.c) with cc, starts it, and shows',
  'what amber does with it step by step. Needs root (ptrace) and a C compiler.',
].join('\n');

/** `amber demo`: amber at work on a live counter. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'show amber at work on a small counter program',
  async run(args: string[]): Promise<number> {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(`${help}\n`);
      return 0;
    }
    await runDemo((line) => process.stdout.write(`${line}\n`));
    return 0;
  },
};
