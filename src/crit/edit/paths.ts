/**
 * File paths by prefix: regular files (which also name cwd, root, the
 * executable, mapped files, FIFOs, terminals and remapped or ghost files,
 * all by file id), bound unix socket names, inotify and fanotify paths,
 * mount points and the inode-to-path cache.
 */
import { AmberError } from '../../errors';
import { decodeQuotedPrintable, encodeQuotedPrintable } from '../../images';
import type { Checkpoint, Entry, OpenFile } from '../../model';
import type { PathEdit } from './plan';
import type { Tally } from './tally';

/** sun_path's size (unix(7)). */
const MAX_UNIX_NAME_BYTES = 108;

/** Where paths sit in decoded entries the model keeps whole; a list on the way is walked item by item. */
interface PathField {
  fields: readonly string[];
  kind: string;
}

const FANOTIFY_MARK_PATHS: PathField[] = [
  { fields: ['ie', 'f_handle', 'path'], kind: 'fanotify mark path' },
  { fields: ['me', 'path'], kind: 'fanotify mark path' },
];
const UNIX_NAME_DIR: PathField = { fields: ['name_dir'], kind: 'unix socket directory' };

/** Paths in the files.img entries of kinds the model does not describe, by fd type. */
const OTHER_FILE_PATHS: Readonly<Record<string, PathField[]>> = {
  FANOTIFY: FANOTIFY_MARK_PATHS.map(({ fields, kind }) => ({ fields: ['ffy', 'mark', ...fields], kind })),
};

/** Paths in images the model keeps as entries, by image kind (older checkpoints keep some file kinds in images of their own). */
const IMAGE_PATHS: Readonly<Record<string, PathField[]>> = {
  REG_FILES: [{ fields: ['name'], kind: 'regular file path' }],
  UNIXSK: [UNIX_NAME_DIR],
  INOTIFY_WD: [{ fields: ['f_handle', 'path'], kind: 'inotify watch path' }],
  FANOTIFY_MARK: FANOTIFY_MARK_PATHS,
  MNTS: [{ fields: ['mountpoint'], kind: 'mount point' }],
  IRMAP_CACHE: [{ fields: ['path'], kind: 'cached inode path' }],
};

/** `path` with the prefix replaced, or undefined when the prefix does not match at a component boundary. */
function rewrite(edit: PathEdit, path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  if (path === edit.from || (edit.from === '' && path === '/')) return edit.to === '' ? '/' : edit.to;
  if (path.startsWith(`${edit.from}/`)) return edit.to + path.slice(edit.from.length);
  return undefined;
}

class PathRewriter {
  /** The edit with each path as one character per UTF-8 byte, to rewrite raw socket names byte for byte. */
  private readonly byteEdit: PathEdit;

  constructor(
    private readonly edit: PathEdit,
    private readonly tally: Tally,
  ) {
    const asBytes = (text: string): string => Buffer.from(text).toString('latin1');
    this.byteEdit = { ...edit, from: asBytes(edit.from), to: asBytes(edit.to) };
  }

  text(path: string | undefined, kind: string): string | undefined {
    const changed = path === undefined ? undefined : rewrite(this.edit, path);
    if (changed === undefined) return path;
    this.tally.add(this.edit.label, kind);
    return changed;
  }

  /** A bound unix socket name: a path up to the first NUL (an abstract name starts with one), then whatever padding it was bound with. */
  socketName(name: Buffer): Buffer {
    const end = name.indexOf(0);
    const path = name.subarray(0, end < 0 ? name.length : end).toString('latin1');
    const changed = rewrite(this.byteEdit, path);
    if (changed === undefined) return name;
    const renamed = Buffer.concat([Buffer.from(changed, 'latin1'), name.subarray(path.length)]);
    if (renamed.length > MAX_UNIX_NAME_BYTES) {
      throw new AmberError(`crit edit: ${this.edit.label}: unix socket ${path} would get a ${renamed.length}-byte name, more than sun_path's ${MAX_UNIX_NAME_BYTES}`);
    }
    this.tally.add(this.edit.label, 'unix socket name');
    return renamed;
  }

  /** Rewrites the string fields `at` names under `node`. */
  fields(node: unknown, at: PathField, depth = 0): void {
    if (Array.isArray(node)) return node.forEach((item) => this.fields(item, at, depth));
    if (typeof node !== 'object' || node === null) return;
    const entry = node as Entry;
    const key = at.fields[depth];
    if (depth < at.fields.length - 1) return this.fields(entry[key], at, depth + 1);
    if (typeof entry[key] === 'string') entry[key] = this.text(entry[key], at.kind);
  }

  openFile(file: OpenFile): void {
    if (file.kind === 'regular') file.path = this.text(file.path, 'regular file path') as string;
    else if (file.kind === 'inotify') for (const watch of file.watches) watch.path = this.text(watch.path, 'inotify watch path');
    else if (file.kind === 'unix-socket') {
      file.name = this.socketName(file.name);
      this.fields(file.unmodeled?.usk, UNIX_NAME_DIR);
    } else if (file.kind === 'other') for (const at of OTHER_FILE_PATHS[file.type] ?? []) this.fields(file.unmodeled, at);
  }

  image(kind: string, entries: Entry[]): void {
    for (const at of IMAGE_PATHS[kind] ?? []) this.fields(entries, at);
    if (kind !== 'UNIXSK') return;
    for (const entry of entries) {
      if (typeof entry.name === 'string') entry.name = encodeQuotedPrintable(this.socketName(decodeQuotedPrintable(entry.name)));
    }
  }
}

export function editPaths(checkpoint: Checkpoint, edit: PathEdit, tally: Tally): void {
  const rewriter = new PathRewriter(edit, tally);
  for (const file of checkpoint.files.values()) rewriter.openFile(file);
  for (const image of checkpoint.otherImages.values()) rewriter.image(image.kind.name, image.entries);
}
