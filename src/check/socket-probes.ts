/** Describing sockets through sock_diag, and TCP repair mode. */
import {
  AF_INET,
  AF_INET6,
  IPPROTO_RAW,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SOCK_CLOEXEC,
  SOCK_STREAM,
  SOL_TCP,
  TCP_REPAIR,
} from '../sys/constants';
import { native } from '../sys/native';
import { absent, present, type Feature, type ProbeOutcome } from './feature';
import { inetRequest, netlinkRequest, packetRequest, sockDiagAnswers, unixRequest } from './sock-diag';


/** The first failing answer among several requests, named, or present when all answer. */
function allAnswer(requests: Record<string, Buffer>): ProbeOutcome {
  for (const [what, request] of Object.entries(requests)) {
    const outcome = sockDiagAnswers(request);
    if (!outcome.present) return absent(`${what}: ${outcome.detail}`);
  }
  return present();
}

export const sockDiagUnix: Feature = {
  name: 'sock_diag_unix',
  description: 'sock_diag for unix sockets',
  required: true,
  consequence: 'tasks with unix sockets cannot be dumped',
  probe: async () => sockDiagAnswers(unixRequest()),
};

export const sockDiagInet: Feature = {
  name: 'sock_diag_inet',
  description: 'sock_diag for TCP and UDP over IPv4',
  required: true,
  consequence: 'tasks with IPv4 sockets cannot be dumped',
  probe: async () => allAnswer({ tcp: inetRequest(AF_INET, IPPROTO_TCP), udp: inetRequest(AF_INET, IPPROTO_UDP) }),
};

export const sockDiagInet6: Feature = {
  name: 'sock_diag_inet6',
  description: 'sock_diag for TCP and UDP over IPv6',
  required: false,
  consequence: 'tasks with IPv6 sockets cannot be dumped',
  probe: async () => allAnswer({ tcp6: inetRequest(AF_INET6, IPPROTO_TCP), udp6: inetRequest(AF_INET6, IPPROTO_UDP) }),
};

export const netDiagRaw: Feature = {
  name: 'net_diag_raw',
  description: 'sock_diag for raw IPv4 and IPv6 sockets',
  required: false,
  consequence: 'tasks with raw sockets cannot be dumped',
  probe: async () => allAnswer({ raw: inetRequest(AF_INET, IPPROTO_RAW), raw6: inetRequest(AF_INET6, IPPROTO_RAW) }),
};

export const sockDiagPacket: Feature = {
  name: 'sock_diag_packet',
  description: 'sock_diag for packet sockets',
  required: false,
  consequence: 'tasks with packet sockets cannot be dumped',
  probe: async () => sockDiagAnswers(packetRequest()),
};

export const sockDiagNetlink: Feature = {
  name: 'sock_diag_netlink',
  description: 'sock_diag for netlink sockets',
  required: false,
  consequence: 'tasks with netlink sockets cannot be dumped',
  probe: async () => sockDiagAnswers(netlinkRequest()),
};

export const tcpRepair: Feature = {
  name: 'tcp_repair',
  description: 'TCP_REPAIR socket option',
  required: true,
  consequence: 'tasks with TCP connections cannot be dumped (needs CAP_NET_ADMIN)',
  probe: async () => {
    const fd = native().socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    try {
      const on = Buffer.alloc(4);
      on.writeInt32LE(1);
      native().setsockopt(fd, SOL_TCP, TCP_REPAIR, on);
      return present();
    } finally {
      native().close(fd);
    }
  },
};
