import { entryLayout } from './framing/image';
import type { DecodedImage } from './image';
import { JsonOut, layout, writeMessage, writePlain } from './json/render';

/** Exactly the text `crit decode` writes to a file (`--pretty`: indented, with crit's field display rules). No final newline. */
export function toCritJson(image: DecodedImage, options: { pretty: boolean }): string {
  const out = new JsonOut(options.pretty);
  const top = layout(out.pretty, 0);
  out.write(`{${top.first}"magic": `);
  writePlain(out, image.kind.name, 1);
  out.write(`${top.between}"entries": `);
  const list = layout(out.pretty, 1);
  image.entries.forEach((entry, index) => {
    out.write(index === 0 ? '[' + list.first : list.between);
    writeMessage(out, entryLayout(image.kind, index).type, entry, 2, entry.extra);
  });
  out.write(image.entries.length === 0 ? '[]' : list.last + ']');
  out.write(top.last + '}');
  return out.text();
}
