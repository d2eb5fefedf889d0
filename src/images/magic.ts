/**
 * The kinds of image file a CRIU 4.x checkpoint directory can hold, and how
 * each one is laid out on disk.
 *
 * An image file is: an optional 32-bit prefix magic, the 32-bit magic of its
 * kind, then entries. Each entry is a 32-bit little-endian size, a protobuf
 * message of that size and, for some kinds, a raw payload whose length the
 * message tells. Raw images (page data, tarballs, `ip` dumps) have none of
 * this: no magic, no entries.
 */

/** Which word precedes the kind's own magic. */
export type MagicPrefix = 'common' | 'service' | 'none';

/** Written before every image except the inventory and the service files. */
export const IMG_COMMON_MAGIC = 0x54564319;
/** Written before the service files: dump/restore statistics and the irmap cache. */
export const IMG_SERVICE_MAGIC = 0x55105940;

/** Raw bytes that follow an entry's message, and how long they are. */
export type ExtraPayload =
  /**
   * One blob whose length is the sum of the named message fields, zero-padded
   * to `align` bytes; none at all when the boolean `elsewhereField` is set
   * (crit then shows an empty blob).
   */
  | { kind: 'length-field'; fields: readonly string[]; align?: number; elsewhereField?: string }
  /** Several blobs back to back, each as long as its field says; shown as an object keyed by `key`. */
  | { kind: 'named-blobs'; blobs: readonly { key: string; lengthField: string }[] }
  /** `countField` native-endian u16 values, zero-padded to `align` bytes; shown as a list of numbers. */
  | { kind: 'u16-array'; countField: string; align: number }
  /**
   * `countField` sub-entries, each a size-prefixed `message` followed by as many
   * bytes as its `lengthField`, zero-padded to `align`; shown as message, data, message, data...
   */
  | { kind: 'sub-entries'; countField: string; message: string; lengthField: string; align: number }
  /** Everything up to the end of the file, unless the boolean `unlessField` of the message is set. */
  | { kind: 'rest-of-file'; unlessField?: string };

export interface ImageKind {
  /** The name crit prints as "magic". */
  name: string;
  /** The kind's own 32-bit magic, the second word of the file when there is a prefix. */
  magic: number;
  prefix: MagicPrefix;
  /** Message type of the entries (after the header entry, if any). */
  message: string;
  /** Message type of the first entry, when it differs from the rest. */
  header?: string;
  /** Raw payload after the header entry. */
  headerExtra?: ExtraPayload;
  /** Raw payload after each entry. */
  extra?: ExtraPayload;
  /** File names CRIU gives this kind; %u, %lu and %x take an id, pid or hex number. */
  fileNames: readonly string[];
}

/** An image with no magic and no entries: its bytes are the data itself. */
export interface RawImageKind {
  name: string;
  fileNames: readonly string[];
  /** What the bytes are. */
  contents: string;
}

function kind(
  name: string,
  magic: number,
  message: string,
  fileNames: readonly string[],
  rest: Partial<Pick<ImageKind, 'prefix' | 'header' | 'headerExtra' | 'extra'>> = {},
): ImageKind {
  return { name, magic, prefix: rest.prefix ?? 'common', message, fileNames, ...rest };
}

const lengthField = (...fields: string[]): ExtraPayload => ({ kind: 'length-field', fields });

/** Every protobuf image kind of CRIU 4.2, in the order of CRIU's magic list. */
export const IMAGE_KINDS: readonly ImageKind[] = [
  kind('INVENTORY', 0x58313116, 'inventory_entry', ['inventory.img'], { prefix: 'none' }),
  kind('PSTREE', 0x50273030, 'pstree_entry', ['pstree.img']),
  kind('FDINFO', 0x56213732, 'fdinfo_entry', ['fdinfo-%u.img']),
  // Shared-memory pagemaps use the same magic and the same layout.
  kind('PAGEMAP', 0x56084025, 'pagemap_entry', ['pagemap-%lu.img', 'pagemap-shmem-%lu.img'], {
    header: 'pagemap_head',
  }),
  kind('CORE', 0x55053847, 'core_entry', ['core-%u.img']),
  kind('IDS', 0x54432030, 'task_kobj_ids_entry', ['ids-%u.img']),
  kind('VMAS', 0x54123737, 'vma_entry', ['vmas-%u.img']),
  kind('PIPES', 0x56513555, 'pipe_entry', ['pipes.img']),
  kind('PIPES_DATA', 0x56453709, 'pipe_data_entry', ['pipes-data.img'], { extra: lengthField('bytes') }),
  kind('FIFO', 0x58364939, 'fifo_entry', ['fifo.img']),
  kind('FIFO_DATA', 0x59333054, 'pipe_data_entry', ['fifo-data.img'], { extra: lengthField('bytes') }),
  kind('SIGACT', 0x55344201, 'sa_entry', ['sigacts-%u.img']),
  kind('UNIXSK', 0x54373943, 'unix_sk_entry', ['unixsk.img']),
  kind('INETSK', 0x56443851, 'inet_sk_entry', ['inetsk.img']),
  kind('PACKETSK', 0x60454618, 'packet_sock_entry', ['packetsk.img']),
  kind('ITIMERS', 0x57464056, 'itimer_entry', ['itimers-%u.img']),
  kind('POSIX_TIMERS', 0x52603957, 'posix_timer_entry', ['posix-timers-%u.img']),
  kind('SK_QUEUES', 0x56264026, 'sk_packet_entry', ['sk-queues.img'], { extra: lengthField('length') }),
  kind('UTSNS', 0x54473203, 'utsns_entry', ['utsns-%u.img']),
  kind('CREDS', 0x54023547, 'creds_entry', ['creds-%u.img']),
  kind('IPC_VAR', 0x53115007, 'ipc_var_entry', ['ipcns-var-%u.img']),
  kind('IPCNS_SHM', 0x46283044, 'ipc_shm_entry', ['ipcns-shm-%u.img'], {
    // CRIU 4 keeps a segment's contents in pagemap-shmem-ID.img and pages-N.img instead (in_pagemaps).
    extra: { kind: 'length-field', fields: ['size'], align: 4, elsewhereField: 'in_pagemaps' },
  }),
  kind('IPCNS_MSG', 0x55453737, 'ipc_msg_entry', ['ipcns-msg-%u.img'], {
    extra: { kind: 'sub-entries', countField: 'qnum', message: 'ipc_msg', lengthField: 'msize', align: 8 },
  }),
  kind('IPCNS_SEM', 0x59573019, 'ipc_sem_entry', ['ipcns-sem-%u.img'], {
    extra: { kind: 'u16-array', countField: 'nsems', align: 8 },
  }),
  kind('REG_FILES', 0x50363636, 'reg_file_entry', ['reg-files.img']),
  kind('EXT_FILES', 0x59255641, 'ext_file_entry', ['ext-files.img']),
  kind('FS', 0x51403912, 'fs_entry', ['fs-%u.img']),
  kind('MM', 0x57492820, 'mm_entry', ['mm-%u.img']),
  kind('REMAP_FPATH', 0x59133954, 'remap_file_path_entry', ['remap-fpath.img']),
  // Small ghosts carry their contents after the header; chunked ones (header
  // field `chunks`) follow it with one chunk entry per stretch of data.
  kind('GHOST_FILE', 0x52583605, 'ghost_chunk_entry', ['ghost-file-%x.img'], {
    header: 'ghost_file_entry',
    headerExtra: { kind: 'rest-of-file', unlessField: 'chunks' },
    extra: lengthField('len'),
  }),
  kind('TCP_STREAM', 0x51465506, 'tcp_stream_entry', ['tcp-stream-%x.img'], {
    extra: {
      kind: 'named-blobs',
      blobs: [
        { key: 'inq', lengthField: 'inq_len' },
        { key: 'outq', lengthField: 'outq_len' },
      ],
    },
  }),
  kind('EVENTFD_FILE', 0x44523722, 'eventfd_file_entry', ['eventfd.img']),
  kind('EVENTPOLL_FILE', 0x45023858, 'eventpoll_file_entry', ['eventpoll.img']),
  kind('EVENTPOLL_TFD', 0x44433746, 'eventpoll_tfd_entry', ['eventpoll-tfd.img']),
  kind('SIGNALFD', 0x57323820, 'signalfd_entry', ['signalfd.img']),
  kind('INOTIFY_FILE', 0x48424431, 'inotify_file_entry', ['inotify.img']),
  kind('INOTIFY_WD', 0x54562009, 'inotify_wd_entry', ['inotify-wd.img']),
  kind('MNTS', 0x55563928, 'mnt_entry', ['mountpoints-%u.img']),
  kind('NETDEV', 0x57373951, 'net_device_entry', ['netdev-%u.img']),
  kind('NETNS', 0x55933752, 'netns_entry', ['netns-%u.img']),
  kind('TTY_FILES', 0x59433025, 'tty_file_entry', ['tty.img']),
  kind('TTY_INFO', 0x59453036, 'tty_info_entry', ['tty-info.img']),
  kind('TTY_DATA', 0x59413026, 'tty_data_entry', ['tty-data.img']),
  kind('FILE_LOCKS', 0x54323616, 'file_lock_entry', ['filelocks.img']),
  kind('RLIMIT', 0x57113925, 'rlimit_entry', ['rlimit-%u.img']),
  kind('FANOTIFY_FILE', 0x55096122, 'fanotify_file_entry', ['fanotify.img']),
  kind('FANOTIFY_MARK', 0x56506035, 'fanotify_mark_entry', ['fanotify-mark.img']),
  // Shared (signal-s) and per-thread (signal-p) pending signals of old images.
  kind('SIGNAL', 0x59255647, 'siginfo_entry', ['signal-s-%u.img', 'signal-p-%u.img']),
  kind('NETLINK_SK', 0x58005614, 'netlink_sk_entry', ['netlinksk.img']),
  kind('NS_FILES', 0x61394011, 'ns_file_entry', ['ns-files.img']),
  kind('TUNFILE', 0x57143751, 'tunfile_entry', ['tunfile.img']),
  kind('CGROUP', 0x59383330, 'cgroup_entry', ['cgroup.img']),
  kind('TIMERFD', 0x50493712, 'timerfd_entry', ['timerfd.img']),
  kind('CPUINFO', 0x61404013, 'cpuinfo_entry', ['cpuinfo.img']),
  kind('USERNS', 0x55474906, 'userns_entry', ['userns-%u.img']),
  kind('SECCOMP', 0x64413049, 'seccomp_entry', ['seccomp.img']),
  kind('BINFMT_MISC', 0x67343323, 'binfmt_misc_entry', ['binfmt-misc.img', 'binfmt-misc-%u.img']),
  kind('AUTOFS', 0x49353943, 'autofs_entry', ['autofs-%u.img']),
  kind('FILES', 0x56303138, 'file_entry', ['files.img']),
  kind('MEMFD_INODE', 0x48453499, 'memfd_inode_entry', ['memfd.img']),
  kind('TIMENS', 0x43114433, 'timens_entry', ['timens-%u.img']),
  kind('PIDNS', 0x61157326, 'pidns_entry', ['pidns-%u.img']),
  kind('BPFMAP_FILE', 0x57506142, 'bpfmap_file_entry', ['bpfmap-file.img']),
  kind('BPFMAP_DATA', 0x64324033, 'bpfmap_data_entry', ['bpfmap-data.img'], {
    extra: lengthField('keys_bytes', 'values_bytes'),
  }),
  kind('APPARMOR', 0x59423047, 'apparmor_entry', ['apparmor.img']),
  kind('STATS', 0x57093306, 'stats_entry', ['stats-dump', 'stats-restore'], { prefix: 'service' }),
  kind('IRMAP_CACHE', 0x57004059, 'irmap_cache_entry', ['irmap-cache'], { prefix: 'service' }),
];

/** Images CRIU writes without magic or framing. */
export const RAW_IMAGE_KINDS: readonly RawImageKind[] = [
  { name: 'PAGES', fileNames: ['pages-%u.img'], contents: 'page contents, in the order of the pagemap entries' },
  { name: 'IFADDR', fileNames: ['ifaddr-%u.img'], contents: '`ip addr save` output' },
  { name: 'ROUTE', fileNames: ['route-%u.img'], contents: '`ip -4 route save` output' },
  { name: 'ROUTE6', fileNames: ['route6-%u.img'], contents: '`ip -6 route save` output' },
  { name: 'RULE', fileNames: ['rule-%u.img'], contents: '`ip rule save` output' },
  { name: 'IPTABLES', fileNames: ['iptables-%u.img'], contents: '`iptables-save` output' },
  { name: 'IP6TABLES', fileNames: ['ip6tables-%u.img'], contents: '`ip6tables-save` output' },
  { name: 'NFTABLES', fileNames: ['nftables-%u.img'], contents: '`nft list ruleset` output' },
  { name: 'NETNF_CT', fileNames: ['netns-ct-%u.img'], contents: 'conntrack entries (netlink messages)' },
  { name: 'NETNF_EXP', fileNames: ['netns-exp-%u.img'], contents: 'conntrack expectations (netlink messages)' },
  { name: 'TMPFS_IMG', fileNames: ['tmpfs-%u.tar.gz'], contents: 'gzipped tar of a tmpfs mount' },
  { name: 'TMPFS_DEV', fileNames: ['tmpfs-dev-%u.tar.gz'], contents: 'gzipped tar of a devtmpfs-like tmpfs' },
];

const byMagic = new Map(IMAGE_KINDS.map((k) => [k.magic, k]));
const byName = new Map(IMAGE_KINDS.map((k) => [k.name, k]));

/** The kind whose own magic is `magic` (the word after any prefix). */
export function imageKindByMagic(magic: number): ImageKind | undefined {
  return byMagic.get(magic >>> 0);
}

/** The kind crit calls `name`, e.g. "PAGEMAP". */
export function imageKindByName(name: string): ImageKind | undefined {
  return byName.get(name);
}

/** The prefix word a kind's files start with, or undefined when there is none. */
export function prefixMagic(kind: ImageKind): number | undefined {
  if (kind.prefix === 'common') return IMG_COMMON_MAGIC;
  if (kind.prefix === 'service') return IMG_SERVICE_MAGIC;
  return undefined;
}
