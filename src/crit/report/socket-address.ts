/** A unix socket's bound name as text: "@name" for the abstract namespace (a leading NUL), the path otherwise. */

/** Bytes outside printable ASCII as \xNN. */
function printable(bytes: Buffer): string {
  return [...bytes].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('');
}

export function unixAddress(name: Buffer): string {
  if (name.length === 0) return '(unbound)';
  if (name[0] === 0) return `@${printable(name.subarray(1))}`;
  // A path bound with a full-size sockaddr_un keeps its terminating NUL.
  const end = name.indexOf(0);
  return printable(end === -1 ? name : name.subarray(0, end));
}
