/** userfaultfd, dirty-page tracking (PAGEMAP_SCAN, soft-dirty) and memfd. */
import * as fs from 'node:fs';
import {
  MFD_CLOEXEC,
  MFD_HUGETLB,
  O_CLOEXEC,
  O_NONBLOCK,
  PAGEMAP_SCAN,
  PAGE_SIZE,
  PM_SCAN_ARG_SIZE,
  UFFDIO_API,
  UFFD_API,
  UFFD_FEATURE_EVENT_FORK,
  UFFD_FEATURE_EVENT_REMAP,
  UFFD_FEATURE_EVENT_REMOVE,
  UFFD_FEATURE_EVENT_UNMAP,
  UFFD_FEATURE_PAGEFAULT_FLAG_WP,
  UFFD_FEATURE_WP_ASYNC,
} from '../sys/constants';
import { close, ioctlBuffer, memfdCreate, userfaultfd } from '../sys/fd';
import { asFd, type Address, type Pid } from '../sys/types';
import { readTaskMemory, writeTaskMemory } from '../sys/vm';
import { absent, outcomeOf, present, type Feature, type ProbeOutcome } from './feature';
import { firstMapping, withStoppedChild } from './probe-child';

/** clear_refs value that clears the soft-dirty bits (Documentation/admin-guide/mm/soft-dirty.rst). */
const CLEAR_SOFT_DIRTY = '4';
const PAGEMAP_SOFT_DIRTY = 1n << 55n;

/** The features UFFDIO_API reports when asked for none: everything this kernel offers. */
function userfaultfdFeatures(): bigint {
  const uffd = userfaultfd(O_CLOEXEC | O_NONBLOCK);
  try {
    const api = Buffer.alloc(24);
    api.writeBigUInt64LE(UFFD_API, 0);
    ioctlBuffer(uffd, UFFDIO_API, api);
    return api.readBigUInt64LE(8);
  } finally {
    close(uffd);
  }
}

function userfaultfdHas(wanted: bigint): ProbeOutcome {
  const features = userfaultfdFeatures();
  const seen = `UFFDIO_API features 0x${features.toString(16)}`;
  return (features & wanted) === wanted ? present(seen) : absent(seen);
}

export const uffd: Feature = {
  name: 'uffd',
  description: 'userfaultfd',
  required: false,
  consequence: 'lazy restore and lazy migration are unavailable',
  probe: async () => userfaultfdHas(0n),
};

export const uffdNoncoop: Feature = {
  name: 'uffd-noncoop',
  description: 'userfaultfd fork, remap, remove and unmap events',
  required: false,
  consequence: 'lazy restore is unavailable for tasks that fork or remap memory',
  probe: async () => userfaultfdHas(UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_EVENT_UNMAP),
};

export const uffdWp: Feature = {
  name: 'uffd_wp',
  description: 'userfaultfd write-protection',
  required: false,
  consequence: 'memory cannot be write-protected to track changes during a live migration',
  probe: async () => userfaultfdHas(UFFD_FEATURE_PAGEFAULT_FLAG_WP),
};

export const uffdWpAsync: Feature = {
  name: 'uffd_wp_async',
  description: 'asynchronous userfaultfd write-protection',
  required: false,
  consequence: 'written pages cannot be tracked with PAGEMAP_SCAN',
  probe: async () => userfaultfdHas(UFFD_FEATURE_WP_ASYNC),
};

export const pagemapScan: Feature = {
  name: 'pagemap_scan',
  description: 'PAGEMAP_SCAN ioctl on /proc/PID/pagemap',
  required: false,
  consequence: 'written pages can only be found through soft-dirty bits',
  probe: async () => {
    const pagemap = asFd(fs.openSync('/proc/self/pagemap', 'r'));
    try {
      // An empty range: the kernel only checks the arguments.
      const arg = Buffer.alloc(PM_SCAN_ARG_SIZE);
      arg.writeBigUInt64LE(BigInt(PM_SCAN_ARG_SIZE), 0);
      ioctlBuffer(pagemap, PAGEMAP_SCAN, arg);
      return present();
    } finally {
      fs.closeSync(pagemap);
    }
  },
};

/** The pagemap entry (pagemap.rst) of the page at `address` in task `pid`. */
function pagemapEntry(pid: Pid, address: Address): bigint {
  const entry = Buffer.alloc(8);
  const fd = fs.openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    fs.readSync(fd, entry, 0, 8, Number(address / BigInt(PAGE_SIZE)) * 8);
  } finally {
    fs.closeSync(fd);
  }
  return entry.readBigUInt64LE(0);
}

export const softDirty: Feature = {
  name: 'soft_dirty',
  description: 'soft-dirty page bits',
  required: false,
  consequence: 'written pages are found with PAGEMAP_SCAN and userfaultfd write-protection instead, where the kernel has them',
  probe: async () =>
    withStoppedChild((child) => {
      // Clear the bits, write a byte of the child's memory back unchanged, and see whether its page became soft-dirty.
      const page = firstMapping(child, /^rw-p/);
      fs.writeFileSync(`/proc/${child}/clear_refs`, CLEAR_SOFT_DIRTY);
      const range = [{ addr: page, len: 1 }];
      writeTaskMemory(child, range, readTaskMemory(child, range));
      return (pagemapEntry(child, page) & PAGEMAP_SOFT_DIRTY) !== 0n ? present() : absent('a written page stayed clean');
    }),
};

export const memDirtyTrack: Feature = {
  name: 'mem_dirty_track',
  description: 'tracking of written memory (soft-dirty, or PAGEMAP_SCAN with asynchronous uffd write-protection)',
  required: false,
  consequence: 'pre-dumps and incremental dumps copy all memory every time',
  probe: async () => {
    const bySoftDirty = await outcomeOf(softDirty.probe);
    if (bySoftDirty.present) return present('soft-dirty');
    const byScan = [await outcomeOf(pagemapScan.probe), await outcomeOf(uffdWpAsync.probe)];
    return byScan.every((outcome) => outcome.present) ? present('PAGEMAP_SCAN') : absent('neither soft-dirty nor PAGEMAP_SCAN with uffd_wp_async');
  },
};

function memfdProbe(flags: number): () => Promise<ProbeOutcome> {
  return async () => {
    close(memfdCreate('amber-check', MFD_CLOEXEC | flags));
    return present();
  };
}

export const memfd: Feature = {
  name: 'memfd',
  description: 'memfd_create()',
  required: false,
  consequence: 'shared anonymous memory and memfd files cannot be restored',
  probe: memfdProbe(0),
};

export const memfdHugetlb: Feature = {
  name: 'memfd_hugetlb',
  description: 'memfd_create() with MFD_HUGETLB',
  required: false,
  consequence: 'hugetlb memfd files cannot be restored',
  probe: memfdProbe(MFD_HUGETLB),
};
