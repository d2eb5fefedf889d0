/** Sockets: a unix socket's peer is in the checkpoint (or marked external), queued messages belong to a socket and carry files it has. */
import { EXTERNAL_UNIX_SOCKET } from '../../../model/files';
import { FILES, SK_QUEUES } from '../../../model/image-names';
import { fileEntryIndex, fileType, type CheckContext } from '../context';
import { error, warning, type Finding } from '../findings';

const SOCKET_TYPES = new Set(['UNIXSK', 'INETSK', 'PACKETSK', 'NETLINKSK']);

function checkUnixPeers(context: CheckContext): Finding[] {
  const sockets = [...context.checkpoint.files.values()].flatMap((file) => (file.kind === 'unix-socket' ? [file] : []));
  const inodes = new Set(sockets.map((socket) => socket.inode));
  return sockets.flatMap((socket) => {
    if (socket.peerInode === undefined || inodes.has(socket.peerInode)) return [];
    const place = { entry: fileEntryIndex(context, socket.id), field: 'usk.peer' };
    if ((socket.criuFlags & EXTERNAL_UNIX_SOCKET) !== 0) {
      return [warning(FILES, `unix socket ${socket.id} is connected to ${socket.peerInode} outside the checkpoint: restore needs --ext-unix-sk`, place)];
    }
    return [error(FILES, `unix socket ${socket.id} is connected to ${socket.peerInode}, which no socket of the checkpoint is`, place)];
  });
}

function checkQueues(context: CheckContext): Finding[] {
  return context.checkpoint.socketQueues.flatMap((packet, entry) => {
    const type = fileType(context, packet.socket);
    // Files in flight (SCM_RIGHTS) are opened on restore like any other: each must be a file of the checkpoint.
    const missing = packet.filesInFlight.filter((id) => fileType(context, id) === undefined);
    const inFlight = missing.map((id) => error(SK_QUEUES, `carries file ${id} in flight (SCM_RIGHTS), which ${FILES} lacks`, { entry, field: 'scm' }));
    if (type === undefined) return [error(SK_QUEUES, `queued for file ${packet.socket}, which ${FILES} lacks`, { entry, field: 'id_for' }), ...inFlight];
    return SOCKET_TYPES.has(type) ? inFlight : [error(SK_QUEUES, `queued for file ${packet.socket}, which is a ${type}, not a socket`, { entry, field: 'id_for' }), ...inFlight];
  });
}

export function checkSockets(context: CheckContext): Finding[] {
  return [...checkUnixPeers(context), ...checkQueues(context)];
}
