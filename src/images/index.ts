/** amber's reader and writer of CRIU image files. */
export { UNKNOWN_FIELDS, type Message } from './codec/decode';
export { critJsonOf, toCritJson, writeCritJson, type CritJsonOptions } from './crit-json';
export { encodeImage, encodeMessageOf } from './encode-image';
export { decodeImage, type DecodedImage } from './image';
export { iterateImageEntries, readImageFile } from './image-file';
export { IMAGE_KINDS, RAW_IMAGE_KINDS, imageKindByMagic, imageKindByName, type ImageKind } from './magic';
export { PAGE_SIZE, readPages } from './pages';
export { parseCritJson } from './json/parse';
export { decodeQuotedPrintable, encodeQuotedPrintable } from './json/quoted-printable';
