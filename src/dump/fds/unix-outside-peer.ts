/**
 * Unix sockets connected to a socket outside the dumped tree. With
 * --ext-unix-sk a datagram socket may be, as with CRIU: the outside socket
 * gets an entry of its own, marked external and used by no fd, that holds
 * the name restore connects the socket to again. Half of a stream or
 * seqpacket connection cannot be dumped, nor a peer without a name.
 */
import { AmberError } from '../../errors';
import type { FileId, UnixSocket } from '../../model';
import { EXTERNAL_UNIX_SOCKET } from '../../model/files';
import { TCP_LISTEN, type UnixSocketFacts } from '../../net/unix-diag';
import { SOCK_DGRAM, SOCK_SEQPACKET } from '../../sys/constants';
import { NO_OWNER, toOpenFlags, type FileSet } from '../file-set';

const NO_OPTIONS = {
  sendBuffer: 0,
  receiveBuffer: 0,
  sendTimeout: { seconds: 0n, microseconds: 0n },
  receiveTimeout: { seconds: 0n, microseconds: 0n },
  passCredentials: undefined,
  passSecurity: undefined,
  priority: undefined,
  receiveLowWatermark: undefined,
};

/** The entry CRIU writes for an outside peer: its inode and name, listening, with no options of its own. */
function outsideEntry(id: FileId, peer: UnixSocketFacts): UnixSocket {
  return {
    kind: 'unix-socket',
    id,
    inode: peer.inode,
    socketType: SOCK_DGRAM,
    state: TCP_LISTEN,
    flags: toOpenFlags(0),
    owner: NO_OWNER,
    backlog: 0,
    peerInode: undefined,
    name: peer.name,
    criuFlags: EXTERNAL_UNIX_SOCKET,
    options: NO_OPTIONS,
    shutdown: undefined,
    filePermissions: undefined,
    netNamespace: undefined,
  };
}

/**
 * Adds the entry of `peerInode`, outside the tree, that the dumped `socket`
 * (described by `where`) is connected to, once per peer; refuses what cannot be dumped.
 */
export function dumpOutsidePeer(files: FileSet, socket: UnixSocketFacts, peerInode: number, peer: UnixSocketFacts | undefined, where: string, allowed: boolean): void {
  const outside = `connected to socket:[${peerInode}] outside the dumped tree`;
  if (socket.type !== SOCK_DGRAM) {
    const type = socket.type === SOCK_SEQPACKET ? 'seqpacket' : 'stream';
    throw new AmberError(`${where}: unix ${type} socket ${outside}; half of a connection cannot be dumped (--ext-unix-sk takes datagram sockets only)`);
  }
  if (!allowed) throw new AmberError(`${where}: unix datagram socket ${outside}; pass --ext-unix-sk to dump it and connect it to that socket's name again on restore`);
  if (peer === undefined || peer.name.length === 0) throw new AmberError(`${where}: unix datagram socket ${outside}, which has no name to connect to again`);
  const entries = files.once('outside unix peers', () => new Set<number>());
  if (entries.has(peerInode)) return;
  entries.add(peerInode);
  files.add(outsideEntry(files.newId(), peer));
}
