/**
 * Branded numbers for the kernel's identifiers, so a pid cannot be passed
 * where an fd is expected. A process id is also the tid of its main thread,
 * so every `Pid` is a `Tid`.
 */
export type Tid = number & { readonly __tid: true };
export type Pid = Tid & { readonly __pid: true };
export type Fd = number & { readonly __fd: true };

/** An address in some task's address space. */
export type Address = bigint;

export const asTid = (n: number): Tid => n as Tid;
export const asPid = (n: number): Pid => n as Pid;
export const asFd = (n: number): Fd => n as Fd;
