/** Prints one line of the demo's story. */
export type Say = (line: string) => void;
