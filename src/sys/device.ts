/**
 * Device numbers come packed two ways. stat(2)'s st_dev and st_rdev use
 * glibc's makedev(3): minor bits 0-7 and 20-31, major bits 8-19 and 32-43.
 * The kernel's own dev_t (include/linux/kdev_t.h), which fdinfo prints and
 * CRIU's images keep, is major << 20 | minor.
 */

/** A device number split the way userspace sees it. */
export interface Device {
  major: number;
  minor: number;
}

const KERNEL_MINOR_BITS = 20n;
const KERNEL_MINOR_MASK = (1n << KERNEL_MINOR_BITS) - 1n;

/** Major and minor of a dev_t packed as glibc's makedev(3) packs it. */
export function userDeviceParts(value: number | bigint): Device {
  const dev = BigInt.asUintN(64, BigInt(value));
  return {
    major: Number(((dev & 0xfff00n) >> 8n) | ((dev & 0xfffff00000000000n) >> 32n)),
    minor: Number((dev & 0xffn) | ((dev & 0xffffff00000n) >> 12n)),
  };
}

/** The inverse of userDeviceParts: stat(2)'s st_dev for a device. */
export function userDevice({ major, minor }: Device): bigint {
  const umajor = BigInt.asUintN(32, BigInt(major));
  const uminor = BigInt.asUintN(32, BigInt(minor));
  return ((umajor & 0xfffn) << 8n) | ((umajor & 0xfffff000n) << 32n) | (uminor & 0xffn) | ((uminor & 0xffffff00n) << 12n);
}

/** Major and minor of the kernel's dev_t. */
export function kernelDeviceParts(value: number | bigint): Device {
  const dev = BigInt(value);
  return { major: Number(dev >> KERNEL_MINOR_BITS), minor: Number(dev & KERNEL_MINOR_MASK) };
}

/** The inverse of kernelDeviceParts: the kernel's dev_t, as images store it. */
export const kernelDevice = ({ major, minor }: Device): number => major * 2 ** Number(KERNEL_MINOR_BITS) + minor;
