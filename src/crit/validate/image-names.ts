/** Names of images the model keeps whole, which some checks read entry by entry. */
export const TTY_INFO = 'tty-info.img';
export const MEMFD_INODES = 'memfd.img';
export const CGROUPS = 'cgroup.img';
export const shmemPagemapImage = (shmid: bigint | number): string => `pagemap-shmem-${shmid}.img`;
export const pagesImage = (pagesId: number): string => `pages-${pagesId}.img`;
