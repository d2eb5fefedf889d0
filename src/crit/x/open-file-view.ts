/** What one open file description is, for `crit x DIR files`: a line of text and the same facts as JSON. */
import { formatIpAddress, parseIpAddress } from '../../images/json/ip-address';
import { fdsUsing, ghostOf, type Checkpoint, type Entry, type FileId, type OpenFile, type OpenFlags, type UnixSocket } from '../../model';
import { holderText, otherHolders, otherPipeEnds, type Holder } from './holders';
import { socketValueName } from './socket-names';

/** The facts of one description, by kind; `kind` is the model's name or the image's fd type. */
export type FileFacts = { kind: string } & Record<string, unknown>;

export interface OpenFileView {
  facts: FileFacts;
  text: string;
}

const IPV6_FAMILY = 10;

function access(flags: OpenFlags): string {
  if (flags.readWrite) return 'read-write';
  return flags.writeOnly ? 'write' : 'read';
}

/** `also held by PID:FD, ...` when other fds share the description. */
function alsoHeldBy(holders: Holder[]): string {
  return holders.length === 0 ? '' : `, also held by ${holderText(holders)}`;
}

function pathOf(checkpoint: Checkpoint, id: FileId | undefined): string | undefined {
  const file = id === undefined ? undefined : checkpoint.files.get(id);
  return file?.kind === 'regular' ? file.path : undefined;
}

/** A bound name as ss(8) shows it: an abstract name with a leading '@', trailing NULs dropped. */
function socketNameText(name: Buffer): string {
  const text = name.toString('latin1').replace(/\0+$/, '');
  return text.startsWith('\0') ? `@${text.slice(1)}` : text;
}

/** A connected unix socket's peer: its inode and the fds holding it, none when it is outside the checkpoint. */
interface UnixPeer {
  inode: number;
  holders: Holder[];
}

function unixPeer(checkpoint: Checkpoint, socket: UnixSocket): UnixPeer | undefined {
  if (socket.peerInode === undefined) return undefined;
  const peer = [...checkpoint.files.values()].find((file) => file.kind === 'unix-socket' && file.inode === socket.peerInode);
  return { inode: socket.peerInode, holders: peer === undefined ? [] : fdsUsing(checkpoint, peer.id) };
}

function peerText(peer: UnixPeer | undefined): string {
  if (peer === undefined) return '';
  const where = peer.holders.length === 0 ? 'outside the checkpoint' : `held by ${holderText(peer.holders)}`;
  return `, peer unix[${peer.inode}] ${where}`;
}

/** The first three words of an IPv4-mapped IPv6 address (RFC 4291 2.5.5.2), ::ffff:a.b.c.d. */
const MAPPED_PREFIX = (parseIpAddress('::ffff:0.0.0.0') as number[]).slice(0, 3);

/** An address as text; an IPv4-mapped one with its IPv4 part dotted, as ss(8) shows it. */
function addressText(words: readonly number[]): string {
  const mapped = words.length === 4 && MAPPED_PREFIX.every((word, i) => words[i] === word);
  return mapped ? `::ffff:${formatIpAddress(words.slice(3))}` : formatIpAddress(words);
}

function endpoint(family: number, words: unknown, port: unknown): string {
  const address = Array.isArray(words) && words.length > 0 ? addressText(words as number[]) : '*';
  return family === IPV6_FAMILY ? `[${address}]:${String(port)}` : `${address}:${String(port)}`;
}

function inetView(socket: Entry): OpenFileView {
  const family = Number(socket.family);
  const facts = {
    kind: 'inet-socket',
    inode: socket.ino,
    family: socketValueName('family', family).toLowerCase(),
    type: socketValueName('type', Number(socket.type)).toLowerCase(),
    protocol: socketValueName('proto', Number(socket.proto)).toLowerCase(),
    state: socketValueName('state', Number(socket.state)).toLowerCase(),
    source: endpoint(family, socket.src_addr, socket.src_port),
    destination: endpoint(family, socket.dst_addr, socket.dst_port),
  };
  return { facts, text: `${facts.protocol} ${facts.family} ${facts.state} ${facts.source} -> ${facts.destination}` };
}

/** The description `file` as fd `self` sees it. */
export function openFileView(checkpoint: Checkpoint, file: OpenFile, self: Holder): OpenFileView {
  const shared = otherHolders(checkpoint, file.id, self);
  const view = kindView(checkpoint, file);
  return { facts: { ...view.facts, id: file.id, sharedWith: shared }, text: view.text + alsoHeldBy(shared) };
}

function kindView(checkpoint: Checkpoint, file: OpenFile): OpenFileView {
  switch (file.kind) {
    case 'regular': {
      const deleted = ghostOf(checkpoint, file.id) !== undefined;
      const facts = { kind: file.kind, path: file.path, access: access(file.flags), append: file.flags.append, position: Number(file.position), deleted };
      const mode = facts.access + (facts.append ? ', append' : '');
      return { facts, text: `${file.path}${deleted ? ' (deleted)' : ''} ${mode}, position ${facts.position}` };
    }
    case 'pipe':
    case 'fifo': {
      const otherEnds = otherPipeEnds(checkpoint, file.pipe, file.id);
      const path = file.kind === 'fifo' ? pathOf(checkpoint, file.pathFile) : undefined;
      const end = file.kind === 'pipe' ? `${access(file.flags)} end` : `fifo ${path ?? '(unknown path)'}`;
      const facts = { kind: file.kind, pipe: file.pipe, ...(file.kind === 'pipe' ? { end: access(file.flags) } : { path }), otherEnds };
      return { facts, text: `pipe[${file.pipe}] ${end}, other ends: ${otherEnds.length === 0 ? 'none' : holderText(otherEnds)}` };
    }
    case 'unix-socket': {
      const name = socketNameText(file.name);
      const peer = unixPeer(checkpoint, file);
      const type = socketValueName('type', file.socketType).toLowerCase();
      const state = socketValueName('state', file.state).toLowerCase();
      const facts = { kind: file.kind, inode: file.inode, type, state, name, peer };
      return { facts, text: `unix[${file.inode}] ${type} ${state}${name === '' ? '' : ` ${name}`}${peerText(peer)}` };
    }
    case 'eventfd':
      return { facts: { kind: file.kind, counter: Number(file.counter) }, text: `eventfd counter ${file.counter}` };
    case 'timerfd':
      return { facts: { kind: file.kind, clock: file.clock, ticks: Number(file.ticks) }, text: `timerfd clock ${file.clock}` };
    case 'signalfd':
      return { facts: { kind: file.kind, signals: `0x${file.signals.toString(16)}` }, text: `signalfd signals 0x${file.signals.toString(16)}` };
    case 'inotify': {
      const watches = file.watches.map((watch) => watch.path ?? `inode ${watch.inode}`);
      return { facts: { kind: file.kind, watches }, text: `inotify watching ${watches.length === 0 ? 'nothing' : watches.join(', ')}` };
    }
    case 'epoll': {
      const targets = file.targets.map((target) => target.fd);
      return { facts: { kind: file.kind, targets }, text: `epoll on fds ${targets.length === 0 ? 'none' : targets.join(', ')}` };
    }
    case 'other': {
      const socket = file.unmodeled?.isk;
      if (file.type === 'INETSK' && typeof socket === 'object' && socket !== null) return inetView(socket as Entry);
      return { facts: { kind: file.type }, text: `${file.type}.${file.id}` };
    }
  }
}
