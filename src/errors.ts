/**
 * An error meant for the user: its message is one line that names the thing
 * (file, task, fd, option) and the problem. The CLI prints it as
 * `amber: <message>` and exits with `exitCode`, never with a stack trace.
 */
export class AmberError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'AmberError';
  }
}

/** A one-line description of any thrown value, for the CLI's last resort. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const { code, syscall } = e as Error & { code?: unknown; syscall?: unknown };
    if (typeof syscall === 'string' && typeof code === 'string' && !e.message.includes(code)) {
      return `${e.message} (${syscall}: ${code})`.replace(/\s*\n\s*/g, ' ');
    }
    return e.message.replace(/\s*\n\s*/g, ' ');
  }
  return String(e);
}

/** What a failed file-system call says in a one-line error: its errno name ("ENOENT"), else its message. */
export function fsErrorName(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}
