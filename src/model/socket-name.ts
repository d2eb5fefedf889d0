/** A unix socket's bound name: the images API renders it quoted-printable, as crit does. */
import { decodeQuotedPrintable, encodeQuotedPrintable } from '../images';
import { text } from './codecs';
import { FieldError, type Codec } from './fields';

export const socketName: Codec<Buffer> = {
  read(value) {
    try {
      return decodeQuotedPrintable(text.read(value));
    } catch (e) {
      if (e instanceof FieldError) throw e;
      throw new FieldError((e as Error).message);
    }
  },
  write: (name) => encodeQuotedPrintable(name),
};
