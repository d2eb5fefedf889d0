import type { Command } from '../cli/command';
import { helpText, parseOptions, type ParsedOptions, type SubcommandSpec } from './options';
import { writeStdout } from './io';

/** A crit sub-command built from its option list and an action on the parsed options, which may return an exit status (0 otherwise). */
export function subcommand(spec: SubcommandSpec, action: (options: ParsedOptions) => Promise<number | void>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    async run(args: string[]): Promise<number> {
      const options = parseOptions(spec, args);
      if (options === undefined) {
        await writeStdout(helpText(spec));
        return 0;
      }
      return (await action(options)) ?? 0;
    },
  };
}

export function optionalString(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
