/** The sun_path bytes a unix socket was bound with (unix(7)): empty when unbound, a leading NUL for the abstract namespace. */

export const isAbstractName = (name: Buffer): boolean => name.length > 0 && name[0] === 0;

/** The file a path name leads to: sun_path stops at its first NUL, which binders may pass along. */
export function socketFilePath(name: Buffer): string {
  const end = name.indexOf(0);
  return name.subarray(0, end < 0 ? name.length : end).toString();
}

/** The name for messages: a path, or "@name" for an abstract one. */
export const printableName = (name: Buffer): string => (isAbstractName(name) ? `@${name.subarray(1).toString()}` : socketFilePath(name));
