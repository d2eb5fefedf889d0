/** Sockets: a unix socket's peer is in the checkpoint (or marked external), queued messages belong to a socket. */
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
    if (type === undefined) return [error(SK_QUEUES, `queued for file ${packet.socket}, which ${FILES} lacks`, { entry, field: 'id_for' })];
    return SOCKET_TYPES.has(type) ? [] : [error(SK_QUEUES, `queued for file ${packet.socket}, which is a ${type}, not a socket`, { entry, field: 'id_for' })];
  });
}

export function checkSockets(context: CheckContext): Finding[] {
  return [...checkUnixPeers(context), ...checkQueues(context)];
}
