/** Files on the kernel's anonymous inode, which /proc/PID/fd shows as "anon_inode:[NAME]" (or "anon_inode:NAME"). */
import { AmberError } from '../../errors';
import type { Fdinfo } from '../../proc/fdinfo';
import type { FdSubject } from './kind';

export function isAnonInode(link: string, name: string): boolean {
  return link === `anon_inode:[${name}]` || link === `anon_inode:${name}`;
}

/** The subject's fdinfo as the decoder of its kind read it; anything else means the kernel printed what amber does not know. */
export function infoOfKind<K extends Fdinfo['kind']>(subject: FdSubject, kind: K): Extract<Fdinfo, { kind: K }> {
  if (subject.info.kind !== kind) throw new AmberError(`task ${subject.pid} fd ${subject.fd}: its fdinfo does not describe a ${kind}`);
  return subject.info as Extract<Fdinfo, { kind: K }>;
}
