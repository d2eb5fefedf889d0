/** One image file to be written: its name, its kind (crit's "magic") and its entries. */
import type { Entry } from './fields';

export interface ImageToWrite {
  name: string;
  kind: string;
  entries: Entry[];
}
