/** /proc/PID/ns/*: the namespaces of a process, identified by inode (namespaces(7)). */
import * as fs from 'node:fs';
import { FieldError, unsigned64 } from './fields';
import { atLine } from './lines';
import { type Inode, type Pid, procPath } from './types';

export interface NamespaceLink {
  /** The link's name: "net", "pid_for_children", ... */
  name: string;
  /** The namespace type in the target: "net", "pid", ... */
  type: string;
  inode: Inode;
}

/** Parses a link target such as "net:[4026531840]". */
export function parseNamespaceLink(name: string, target: string, file = `/proc/PID/ns/${name}`): NamespaceLink {
  return atLine(file, 1, () => {
    const match = /^(\w+):\[(\d+)\]$/.exec(target);
    if (match === null) throw new FieldError(`link target is not "type:[inode]": "${target}"`);
    return { name, type: match[1], inode: unsigned64(match[2], 'namespace inode') };
  });
}

export function readNamespaces(pid: Pid): NamespaceLink[] {
  const dir = procPath(pid, 'ns');
  return fs.readdirSync(dir).map((name) => {
    const file = `${dir}/${name}`;
    return parseNamespaceLink(name, fs.readlinkSync(file), file);
  });
}
