/** Every socket of the checkpoint in one table: family, type, state, both addresses, and who holds it. */
import type { OpenFile, UnixSocket } from '../../model';
import { socketValueName } from '../x/socket-names';
import type { ReportData } from './gather';
import { holderLinks } from './holders';
import { html, type Html } from './html';
import { inetSocketOf } from './inet-socket';
import { unixAddress } from './socket-address';

/** Image fd types of sockets, the unix and inet ones included. */
const SOCKET_TYPES = new Set(['UNIXSK', 'INETSK', 'NETLINKSK', 'PACKETSK']);

export function isSocket(file: OpenFile): boolean {
  return file.kind === 'unix-socket' || (file.kind === 'other' && SOCKET_TYPES.has(file.type));
}

export function socketAnchor(file: OpenFile): string {
  return `socket-${file.id}`;
}

/** A socket's facts as the table and the fd lists show them. */
export interface SocketFacts {
  family: string;
  type: string;
  state: string;
  local: string;
  remote: Html;
}

function unixPeer(socket: UnixSocket, data: ReportData): Html {
  if (socket.peerInode === undefined) return html`<span class="none">not connected</span>`;
  const peer = data.unixSockets.get(socket.peerInode);
  if (peer === undefined) return html`inode ${socket.peerInode} (outside the checkpoint)`;
  return html`<a href="#${socketAnchor(peer)}">${unixAddress(peer.name)}</a> (inode ${peer.inode})`;
}

export function socketFacts(data: ReportData, file: OpenFile): SocketFacts {
  if (file.kind === 'unix-socket') {
    return {
      family: 'UNIX',
      type: socketValueName('type', file.socketType),
      state: socketValueName('state', file.state),
      local: `${unixAddress(file.name)} (inode ${file.inode})`,
      remote: unixPeer(file, data),
    };
  }
  const inet = file.kind === 'other' ? inetSocketOf(file) : undefined;
  if (inet === undefined) return { family: file.kind === 'other' ? file.type : file.kind, type: '', state: '', local: '', remote: html`` };
  return {
    family: socketValueName('family', inet.family),
    type: `${socketValueName('type', inet.type)} / ${socketValueName('proto', inet.protocol)}`,
    state: socketValueName('state', inet.state),
    local: inet.local,
    remote: html`${inet.remote}`,
  };
}

export function socketTable(data: ReportData): Html {
  const sockets = [...data.checkpoint.files.values()].filter(isSocket);
  if (sockets.length === 0) return html`<section id="sockets"><h2>Sockets</h2><p class="none">No sockets.</p></section>`;
  const rows = sockets.map((file) => {
    const row = socketFacts(data, file);
    return html`<tr id="${socketAnchor(file)}"><td>${file.id}</td><td>${row.family}</td><td>${row.type}</td><td>${row.state}</td><td class="address">${row.local}</td><td class="address">${row.remote}</td><td>${holderLinks(data, [file.id])}</td></tr>`;
  });
  return html`<section id="sockets"><h2>Sockets</h2><table class="sockets"><thead><tr><th>file id</th><th>family</th><th>type</th><th>state</th><th>local address</th><th>peer</th><th>held by</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
