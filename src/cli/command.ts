/** One `amber` sub-command. */
export interface Command {
  name: string;
  /** One line for `amber --help`. */
  summary: string;
  /** Runs with the arguments after the command name; resolves to the exit status. */
  run(args: string[]): Promise<number>;
}
