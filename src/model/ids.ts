/** The identifiers a checkpoint uses to point from one object to another. */
export { asFd, asPid, asTid, type Address, type Fd, type Pid, type Tid } from '../sys/types';

/** An open file description's id: its entry in files.img, shared by every fd that points at it. */
export type FileId = number & { readonly __fileId: true };
/** A pipe's (or FIFO's) kernel identity: every end of one pipe carries the same pipe id. */
export type PipeId = number & { readonly __pipeId: true };
/** A 64-bit signal set: bit N-1 stands for signal N. */
export type SignalSet = bigint;
/** A 64-bit capability set: bit N stands for capability N. */
export type CapabilitySet = bigint;

export const asFileId = (n: number): FileId => n as FileId;
