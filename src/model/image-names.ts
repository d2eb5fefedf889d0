/** The file names of a checkpoint directory's images. */
import { IMAGE_KINDS, RAW_IMAGE_KINDS } from '../images';
import type { Pid, Tid } from './ids';

export const INVENTORY = 'inventory.img';
export const PSTREE = 'pstree.img';
export const FILES = 'files.img';
export const FILE_LOCKS = 'filelocks.img';
export const PIPES_DATA = 'pipes-data.img';
export const FIFO_DATA = 'fifo-data.img';
export const SK_QUEUES = 'sk-queues.img';
export const REMAP_FPATH = 'remap-fpath.img';
export const SECCOMP = 'seccomp.img';

/** A zombie's thread list is [0]; its core is still named after the pid. */
export const coreImage = (pid: Pid, tid: Tid): string => `core-${tid === 0 ? pid : tid}.img`;
export const idsImage = (pid: Pid): string => `ids-${pid}.img`;
export const fsImage = (pid: Pid): string => `fs-${pid}.img`;
export const mmImage = (pid: Pid): string => `mm-${pid}.img`;
export const pagemapImage = (pid: Pid): string => `pagemap-${pid}.img`;
export const fdinfoImage = (filesId: number): string => `fdinfo-${filesId}.img`;
export const ghostImage = (remapId: number): string => `ghost-file-${remapId.toString(16)}.img`;
export const timensImage = (id: number): string => `timens-${id}.img`;

export const FDINFO_NAME = /^fdinfo-(\d+)\.img$/;
export const GHOST_NAME = /^ghost-file-([0-9a-f]+)\.img$/;
export const TIMENS_NAME = /^timens-(\d+)\.img$/;

function patternOf(fileName: string): RegExp {
  const escaped = fileName.replace(/[.]/g, '\\.').replace(/%(u|lu|x)/g, (_, conversion: string) => (conversion === 'x' ? '[0-9a-f]+' : '\\d+'));
  return new RegExp(`^${escaped}$`);
}

const imagePatterns = IMAGE_KINDS.flatMap((kind) => kind.fileNames.map(patternOf));
const rawPatterns = RAW_IMAGE_KINDS.flatMap((kind) => kind.fileNames.map(patternOf));

/** Whether a directory entry is a CRIU image, a raw image, or something else (logs, JSON). */
export function classifyFileName(name: string): 'image' | 'raw' | undefined {
  if (rawPatterns.some((pattern) => pattern.test(name))) return 'raw';
  if (imagePatterns.some((pattern) => pattern.test(name))) return 'image';
  return undefined;
}
