/**
 * A kind of file the model keeps as 'other' (its whole files.img entry
 * unmodeled: memfd, tty, fanotify), seen through typed rules of its own.
 */
import { fromEntry, toEntry, type Entry, type Modeled, type Rules } from './fields';
import type { OpenFile, OtherFile } from './files';
import type { FileId } from './ids';

export interface OtherKind<T> {
  /** The typed description behind a files.img entry, or undefined for other kinds. */
  of(file: OpenFile): T | undefined;
  /** The files.img entry the model keeps for it. */
  entry(value: T): OtherFile;
}

/** Files of fd type `type`, whose fields sit in the entry's `message` sub-message. */
export function otherKind<T extends Modeled & { id: FileId }>(type: string, message: string, rules: Rules<T>): OtherKind<T> {
  return {
    of: (file) => (file.kind === 'other' && file.type === type ? fromEntry((file.unmodeled?.[message] ?? {}) as Entry, rules) : undefined),
    entry: (value) => ({ kind: 'other', type, id: value.id, unmodeled: { [message]: toEntry(value, rules) } }),
  };
}
