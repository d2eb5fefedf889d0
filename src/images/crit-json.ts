import { entryLayout } from './framing/image';
import type { DecodedImage } from './image';
import { JsonWriter, renderMessage, renderPlain } from './json/render';

/** Exactly the text `crit decode` writes to a file (`--pretty`: indented, with crit's field display rules). No final newline. */
export function toCritJson(image: DecodedImage, options: { pretty: boolean }): string {
  const w = new JsonWriter(options.pretty);
  w.open('{');
  w.key(true, '"magic"');
  renderPlain(w, image.kind.name);
  w.key(false, '"entries"');
  w.open('[');
  image.entries.forEach((entry, index) => {
    w.item(index === 0);
    renderMessage(w, entryLayout(image.kind, index).type, entry, false, entry.extra);
  });
  w.close(']', image.entries.length === 0);
  w.close('}', false);
  return w.text();
}
