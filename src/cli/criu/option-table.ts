/**
 * CRIU's dump and restore options, spelled as CRIU spells them (criu(8)):
 * each is either honoured, filling in CriuSettings, or refused with the
 * reason, so that a tool written for criu learns at once what amber lacks.
 */
import { AmberError } from '../../errors';
import type { CgroupMode } from '../../model/cgroups';
import type { CgroupRoot } from '../../restore/cgroups';
import type { CriuCommand, CriuSettings } from './settings';

export type Arity =
  /** Takes no value. */
  | 'flag'
  /** Needs a value: `--name=V`, `--name V`, `-xV` or `-x V`. */
  | 'value'
  /** Takes a value only when attached: `--name=V` or `-xV`. */
  | 'optional';

interface OptionBase {
  long: string;
  short?: string;
  arity: Arity;
  /** Shown in the help, e.g. PID. */
  valueName?: string;
  /** CRIU also accepts --no-NAME, which turns the option off. */
  negatable?: boolean;
  /** The commands it belongs to. */
  commands: readonly CriuCommand[];
}

export interface HonouredOption extends OptionBase {
  help: string;
  apply: (settings: CriuSettings, value: string | undefined, negated: boolean) => void;
}

export interface RefusedOption extends OptionBase {
  /** Why amber cannot do it yet. */
  refused: string;
}

export type CriuOption = HonouredOption | RefusedOption;

const DUMP: readonly CriuCommand[] = ['dump'];
const RESTORE: readonly CriuCommand[] = ['restore'];
const BOTH: readonly CriuCommand[] = ['dump', 'restore'];

function integer(option: string, value: string | undefined, what: string, min: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min) {
    throw new AmberError(`invalid argument for --${option}: '${value ?? ''}' (expected ${what})`);
  }
  return Number(value);
}

const text = (value: string | undefined): string => value ?? '';

const SIZE_SUFFIXES: Record<string, number> = { '': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 };

/** A size as CRIU takes one: a number with an optional K, M or G suffix. */
function byteSize(option: string, value: string | undefined): number {
  const match = /^(\d+)([KMG]?)$/i.exec(value ?? '');
  if (match === null) throw new AmberError(`invalid argument for --${option}: '${value ?? ''}' (expected a size such as 512K or 1M)`);
  return Number(match[1]) * SIZE_SUFFIXES[match[2].toUpperCase()];
}

const CGROUP_MODES: readonly CgroupMode[] = ['ignore', 'none', 'props', 'soft', 'full', 'strict'];

/** --manage-cgroups[=MODE], CRIU's modes. */
function cgroupMode(value: string | undefined): CgroupMode {
  const mode = value ?? 'soft';
  if ((CGROUP_MODES as readonly string[]).includes(mode)) return mode as CgroupMode;
  throw new AmberError(`invalid argument for --manage-cgroups: '${mode}' (expected ${CGROUP_MODES.join(', ')})`);
}

/** --cgroup-root [CONTROLLER:]PATH, PATH absolute. */
function cgroupRoot(value: string | undefined): CgroupRoot {
  const given = text(value);
  const colon = given.startsWith('/') ? -1 : given.indexOf(':');
  const root = given.slice(colon + 1);
  if (!root.startsWith('/')) throw new AmberError(`invalid argument for --cgroup-root: '${given}' (expected [CONTROLLER:]/PATH)`);
  return { controller: colon < 0 ? undefined : given.slice(0, colon), path: root.replace(/(.)\/+$/, '$1') };
}

/** --ext-unix-sk takes every outside peer; CRIU's list of chosen socket inodes is refused. */
function withoutInodes(value: string | undefined): true {
  if (value !== undefined) throw new AmberError(`option '--ext-unix-sk=${value}' is not supported by amber yet: give --ext-unix-sk without inodes`);
  return true;
}

function refused(long: string, reason: string, shape: Partial<OptionBase> = {}): RefusedOption {
  return { long, arity: 'flag', commands: BOTH, ...shape, refused: reason };
}

export const criuOptions: readonly CriuOption[] = [
  {
    long: 'tree', short: 't', arity: 'value', valueName: 'PID', commands: DUMP,
    help: 'the root of the process tree to dump',
    apply: (s, v) => (s.pid = integer('tree', v, 'a process id', 1)),
  },
  {
    long: 'images-dir', short: 'D', arity: 'value', valueName: 'DIR', commands: BOTH,
    help: 'directory of the image files (default: the current directory)',
    apply: (s, v) => (s.imagesDir = text(v)),
  },
  {
    long: 'work-dir', short: 'W', arity: 'value', valueName: 'DIR', commands: BOTH,
    help: 'where relative log and pid files go (default: the images directory)',
    apply: (s, v) => (s.workDir = text(v)),
  },
  {
    long: 'log-file', short: 'o', arity: 'value', valueName: 'FILE', commands: BOTH,
    help: 'write the log to FILE (a relative name is taken from the work directory; - is stdout)',
    apply: (s, v) => s.logArgs.push('--log-file', text(v)),
  },
  {
    long: 'verbosity', short: 'v', arity: 'optional', valueName: 'N', commands: BOTH,
    help: 'log level: -v0 nothing, 1 errors, 2 warnings (default), 3 info, 4 debug; each -v adds one',
    apply: (s, v) => s.logArgs.push(`-v${v ?? ''}`),
  },
  {
    long: 'log-format', arity: 'value', valueName: 'text|json', commands: BOTH,
    help: 'one readable line, or one JSON object, per log message',
    apply: (s, v) => s.logArgs.push('--log-format', text(v)),
  },
  {
    long: 'leave-running', short: 'R', arity: 'flag', commands: DUMP,
    help: 'let the tree run on after the dump (default: kill it)',
    apply: (s) => (s.leaveRunning = true),
  },
  {
    long: 'restore-detached', short: 'd', arity: 'flag', negatable: true, commands: RESTORE,
    help: 'return once the tree runs instead of waiting for its root task to end',
    apply: (s, _v, negated) => (s.detached = !negated),
  },
  {
    long: 'daemon', arity: 'flag', negatable: true, commands: RESTORE,
    help: 'the same as --restore-detached',
    apply: (s, _v, negated) => (s.detached = !negated),
  },
  {
    long: 'shell-job', short: 'j', arity: 'flag', negatable: true, commands: BOTH,
    help: 'the tree was started from a shell: it may use its session and terminal',
    apply: (s, _v, negated) => (s.shellJob = !negated),
  },
  {
    long: 'pidfile', arity: 'value', valueName: 'FILE', commands: BOTH,
    help: 'write the root task\'s pid to FILE (relative to the work directory)',
    apply: (s, v) => (s.pidfile = text(v)),
  },
  {
    long: 'file-locks', short: 'l', arity: 'flag', negatable: true, commands: BOTH,
    help: 'dump the file locks the tree holds (restore always takes back the locks its images hold)',
    apply: (s, _v, negated) => (s.fileLocks = !negated),
  },
  {
    long: 'ghost-limit', arity: 'value', valueName: 'SIZE', commands: DUMP,
    help: 'carry unlinked files of up to SIZE bytes (K, M or G suffix; default 1M) in the checkpoint',
    apply: (s, v) => (s.ghostLimit = byteSize('ghost-limit', v)),
  },
  {
    long: 'timeout', arity: 'value', valueName: 'SECONDS', commands: DUMP,
    help: 'give up when the tree does not freeze within SECONDS',
    apply: (s, v) => (s.timeoutSeconds = integer('timeout', v, 'a number of seconds', 1)),
  },
  {
    long: 'display-stats', arity: 'flag', negatable: true, commands: BOTH,
    help: 'print the timings and page counts at the end',
    apply: (s, _v, negated) => (s.displayStats = !negated),
  },
  {
    long: 'no-default-config', arity: 'flag', commands: BOTH,
    help: 'accepted for criu\'s sake: amber reads no configuration files',
    apply: () => undefined,
  },
  refused('config', 'amber reads no configuration files; give the options on the command line', { arity: 'value', valueName: 'FILE' }),
  refused('leave-stopped', 'the tree either keeps running (-R) or is killed', { short: 's' }),
  refused('restore-sibling', 'the tree is always restored as amber\'s child', { short: 'S', negatable: true, commands: RESTORE }),
  refused('tcp-established', 'established TCP connections are not checkpointed yet', { negatable: true }),
  refused('tcp-close', 'TCP connections are not checkpointed yet', { negatable: true }),
  refused('skip-in-flight', 'TCP connections are not checkpointed yet', { negatable: true }),
  {
    long: 'ext-unix-sk', short: 'x', arity: 'optional', valueName: 'INODE', commands: BOTH,
    help: 'dump datagram unix sockets connected to a named socket outside the tree; restore connects them to that name again',
    apply: (s, v) => (s.externalUnixSockets = withoutInodes(v)),
  },
  refused('link-remap', 'open files whose name is gone are not remapped yet', { negatable: true }),
  refused('evasive-devices', 'device files must be where they were', { negatable: true }),
  {
    long: 'manage-cgroups', arity: 'optional', valueName: 'MODE', commands: BOTH,
    help: 'soft (default): restore into the recorded cgroups, making missing ones; none: they must exist; ignore: leave cgroups alone',
    apply: (s, v) => (s.manageCgroups = cgroupMode(v)),
  },
  {
    long: 'cgroup-root', arity: 'value', valueName: '[CTRL:]PATH', commands: RESTORE,
    help: "restore the tree's top cgroup of controller CTRL (of every other one without CTRL; 'unified' for cgroup v2) as PATH",
    apply: (s, v) => (s.cgroupRoots ??= []).push(cgroupRoot(v)),
  },
  refused('cgroup-props', 'cgroup properties are not checkpointed yet', { arity: 'value', valueName: 'TEXT' }),
  refused('cgroup-props-file', 'cgroup properties are not checkpointed yet', { arity: 'value', valueName: 'FILE' }),
  refused('cgroup-dump-controller', 'every controller the tasks are in is dumped; choosing some is not supported yet', { arity: 'value', valueName: 'NAME' }),
  refused('cgroup-yard', 'amber uses the cgroup mounts it finds and mounts none of its own', { arity: 'value', valueName: 'PATH' }),
  refused('freeze-cgroup', 'amber freezes with ptrace only', { arity: 'value', valueName: 'PATH' }),
  refused('pre-dump-mode', 'pre-dumps are not supported yet', { arity: 'value', valueName: 'splice|read' }),
  refused('prev-images-dir', 'incremental dumps are not supported yet', { arity: 'value', valueName: 'DIR' }),
  refused('track-mem', 'incremental dumps are not supported yet', { negatable: true }),
  refused('auto-dedup', 'incremental dumps are not supported yet', { negatable: true }),
  refused('page-server', 'pages are written to the images directory only', { negatable: true }),
  refused('address', 'the page server is not supported yet', { arity: 'value', valueName: 'ADDR' }),
  refused('port', 'the page server is not supported yet', { arity: 'value', valueName: 'PORT' }),
  refused('ps-socket', 'the page server is not supported yet', { arity: 'value', valueName: 'FD' }),
  refused('lazy-pages', 'lazy restore is not supported yet'),
  refused('stream', 'streaming images is not supported yet', { negatable: true }),
  refused('tls', 'the page server is not supported yet', { negatable: true }),
  refused('tls-cacert', 'the page server is not supported yet', { arity: 'value', valueName: 'FILE' }),
  refused('tls-cacrl', 'the page server is not supported yet', { arity: 'value', valueName: 'FILE' }),
  refused('tls-cert', 'the page server is not supported yet', { arity: 'value', valueName: 'FILE' }),
  refused('tls-key', 'the page server is not supported yet', { arity: 'value', valueName: 'FILE' }),
  refused('tls-no-cn-verify', 'the page server is not supported yet'),
  refused('external', 'external resources are not supported yet', { arity: 'value', valueName: 'RES' }),
  refused('ext-mount-map', 'mounts are not checkpointed yet', { short: 'M', arity: 'value', valueName: 'KEY:VAL' }),
  refused('skip-mnt', 'mounts are not checkpointed yet', { arity: 'value', valueName: 'PATH' }),
  refused('enable-fs', 'mounts are not checkpointed yet', { arity: 'value', valueName: 'FSNAMES' }),
  refused('root', 'restoring under another root is not supported yet', { short: 'r', arity: 'value', valueName: 'PATH' }),
  refused('join-ns', 'namespaces are not checkpointed yet', { short: 'J', arity: 'value', valueName: 'NS:FILE' }),
  refused('empty-ns', 'namespaces are not checkpointed yet', { arity: 'value', valueName: 'net' }),
  refused('veth-pair', 'network namespaces are not checkpointed yet', { arity: 'value', valueName: 'IN=OUT' }),
  refused('network-lock', 'network namespaces are not checkpointed yet', { arity: 'value', valueName: 'METHOD' }),
  refused('inherit-fd', 'inherited file descriptors are not supported yet', { arity: 'value', valueName: 'fd[N]:RES', commands: RESTORE }),
  refused('cpu-cap', 'CPU features are not compared yet', { arity: 'optional', valueName: 'CAP' }),
  refused('action-script', 'action scripts are not run yet', { arity: 'value', valueName: 'FILE' }),
  refused('exec-cmd', 'running a command after restore is not supported yet', { commands: RESTORE }),
  refused('status-fd', 'readiness notification is not supported yet', { arity: 'value', valueName: 'FD' }),
  refused('log-pid', 'amber writes one log', { negatable: true }),
  refused('force-irmap', 'inotify watches are not checkpointed yet', { negatable: true }),
  refused('irmap-scan-path', 'inotify watches are not checkpointed yet', { arity: 'value', valueName: 'PATH' }),
  refused('lsm-profile', 'LSM profiles are not restored yet', { arity: 'value', valueName: 'TYPE:NAME' }),
  refused('weak-sysctls', 'namespaced sysctls are not restored yet', { negatable: true }),
  refused('file-validation', 'file validation modes are not supported yet', { arity: 'value', valueName: 'MODE' }),
];
