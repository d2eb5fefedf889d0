/**
 * Inet sockets added to a copy of a fixture. The CRIU 4.2 fixtures hold
 * none (they were dumped without --tcp-established), so the tests that need
 * some add them the way CRIU lays them out: an INETSK entry in files.img, an
 * fd pointing at it, a tcp-stream image per established TCP socket (named
 * after its inode, in hex) and an `ip addr save` image naming an address.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeImage, encodeImage, type Message } from '../../src/images';
import { parseIpAddress } from '../../src/images/json/ip-address';

/** One added socket, as a user would describe it. */
export interface AddedSocket {
  id: number;
  fd: number;
  inode: number;
  family: 'ipv4' | 'ipv6';
  protocol: 'tcp' | 'udp';
  state: 'established' | 'listen' | 'close';
  source: [address: string, port: number];
  destination: [address: string, port: number];
}

type SocketShape = Omit<AddedSocket, 'id' | 'fd' | 'inode'>;

const FAMILY = { ipv4: 2, ipv6: 10 };
const PROTOCOL = { tcp: { type: 1, proto: 6 }, udp: { type: 2, proto: 17 } };
const STATE = { established: 1, close: 7, listen: 10 };
const FIRST_INODE = 500001;
const FIRST_FD = 30;

/** A listener with both sides of a loopback connection, a UDP socket on ::1, and a dual-stack connection. */
const SOCKETS: SocketShape[] = [
  { family: 'ipv4', protocol: 'tcp', state: 'listen', source: ['127.0.0.1', 8080], destination: ['0.0.0.0', 0] },
  { family: 'ipv4', protocol: 'tcp', state: 'established', source: ['127.0.0.1', 40000], destination: ['127.0.0.1', 8080] },
  { family: 'ipv4', protocol: 'tcp', state: 'established', source: ['127.0.0.1', 8080], destination: ['127.0.0.1', 40000] },
  { family: 'ipv6', protocol: 'udp', state: 'close', source: ['::1', 5353], destination: ['::', 0] },
  { family: 'ipv6', protocol: 'tcp', state: 'established', source: ['::ffff:10.0.0.9', 8443], destination: ['::ffff:192.168.1.20', 50000] },
];

/** The raw `ip addr save` image added, and the address it holds. */
export const IFADDR_IMAGE = 'ifaddr-9.img';
export const IFADDR_ADDRESS = '10.0.0.9';

export const tcpStreamImage = (inode: number): string => `tcp-stream-${inode.toString(16)}.img`;

function rewrite(file: string, change: (entries: Message[]) => void): void {
  const image = decodeImage(fs.readFileSync(file), file);
  change(image.entries);
  fs.writeFileSync(file, encodeImage({ magic: image.kind.name, entries: image.entries }, file));
}

function words(address: string): number[] {
  const parsed = parseIpAddress(address);
  if (parsed === undefined) throw new Error(`bad test address ${address}`);
  return parsed;
}

function socketEntry(socket: AddedSocket, template: Message): Message {
  return {
    id: socket.id,
    ino: socket.inode,
    family: FAMILY[socket.family],
    ...PROTOCOL[socket.protocol],
    state: STATE[socket.state],
    src_port: socket.source[1],
    dst_port: socket.destination[1],
    flags: 2,
    backlog: socket.state === 'listen' ? 16 : 0,
    src_addr: words(socket.source[0]),
    dst_addr: words(socket.destination[0]),
    fown: template.fown,
    opts: template.opts,
  };
}

/** A TCP repair state with a few bytes queued each way. */
function tcpStream(): Message {
  const inq = Buffer.from('queued for reading');
  const outq = Buffer.from('queued for sending');
  return {
    inq_len: inq.length,
    inq_seq: 1000,
    outq_len: outq.length,
    outq_seq: 2000,
    opt_mask: 7,
    snd_wscale: 7,
    mss_clamp: 65483,
    rcv_wscale: 7,
    extra: { inq: inq.toString('base64'), outq: outq.toString('base64') },
  };
}

/** An RTM_NEWADDR-like record whose IFA_ADDRESS attribute is IFADDR_ADDRESS, enough for a byte search. */
function ifaddrImage(): Buffer {
  const header = Buffer.from([0x28, 0, 0, 0, 0x14, 0, 0, 0]);
  const attribute = Buffer.from([8, 0, 1, 0]);
  return Buffer.concat([header, attribute, Buffer.from(IFADDR_ADDRESS.split('.').map(Number))]);
}

/**
 * Adds the sockets to the single-process checkpoint in `dir` (a copy of a
 * fixture), as fds of its only task; resolves to what was added.
 */
export function addInetSockets(dir: string): AddedSocket[] {
  const filesImage = path.join(dir, 'files.img');
  const files = decodeImage(fs.readFileSync(filesImage), filesImage).entries;
  const template = (files.find((file) => file.usk !== undefined)?.usk ?? files.find((file) => file.reg !== undefined)?.reg) as Message;
  const firstId = Math.max(...files.map((file) => Number(file.id))) + 1;
  const added = SOCKETS.map((shape, i) => ({ ...shape, id: firstId + i, fd: FIRST_FD + i, inode: FIRST_INODE + i }));
  rewrite(filesImage, (entries) => entries.push(...added.map((socket) => ({ type: 'INETSK', id: socket.id, isk: socketEntry(socket, template) }))));
  const [fdinfo] = fs.readdirSync(dir).filter((name) => /^fdinfo-\d+\.img$/.test(name));
  rewrite(path.join(dir, fdinfo as string), (entries) => entries.push(...added.map((socket) => ({ id: socket.id, flags: 0, type: 'INETSK', fd: socket.fd }))));
  for (const socket of added.filter((candidate) => candidate.protocol === 'tcp' && candidate.state === 'established')) {
    const file = path.join(dir, tcpStreamImage(socket.inode));
    fs.writeFileSync(file, encodeImage({ magic: 'TCP_STREAM', entries: [tcpStream()] }, file));
  }
  fs.writeFileSync(path.join(dir, IFADDR_IMAGE), ifaddrImage());
  return added;
}
