/** What one log message carries besides its level, time and subsystem. */

/** A named value attached to a message. bigints (addresses, masks) are written in hex. */
export type FieldValue = string | number | bigint | boolean | null | undefined | Error | readonly (string | number | bigint)[];

/**
 * Named fields of a message. `pid` and `tid` name the task the message is
 * about and are written in a fixed place; undefined fields are left out.
 * The names the record itself uses cannot be fields.
 */
export interface LogFields {
  pid?: number;
  tid?: number;
  level?: never;
  time?: never;
  subsystem?: never;
  msg?: never;
  [name: string]: FieldValue;
}

/** A message, or a function building it that runs only when the level is enabled. */
export type Message = string | (() => string);
