/** What a test compares of a live process before dump and after restore. */
import * as fs from 'node:fs';

/** /proc/PID/maps as lines. */
export function mapsOf(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
}

/**
 * /proc/PID/maps, with the inode numbers of the objects a restore makes
 * anew (anonymous shared memory, memfds, unlinked files from their ghosts)
 * left out: their names, places and contents come back, their inode
 * numbers cannot.
 */
export function comparableMaps(pid: number): string[] {
  return mapsOf(pid).map((line) => (line.endsWith(' (deleted)') ? line.replace(/^(\S+ \S+ \S+ \S+ )\d+/, '$1(new inode)') : line));
}

/** Each fd of the process with what it points at and its flags line from fdinfo. */
export function fdsOf(pid: number): string[] {
  return fs
    .readdirSync(`/proc/${pid}/fd`)
    .map(Number)
    .sort((a, b) => a - b)
    .map((fd) => {
      const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      const fields = info.split('\n').filter((line) => /^(pos|flags):/.test(line));
      return `${fd} ${target.replace(/\[\d+\]$/, '')} ${fields.join(' ')}`;
    });
}
