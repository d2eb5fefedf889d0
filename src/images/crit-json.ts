import { decodeAt } from './framing/messages';
import { entryLayout, hasPayloads, imageStartIn, readRecords } from './framing/image';
import { decodeImage, type DecodedImage } from './image';
import { TextSink, type ChunkSink } from './json/ascii-out';
import { JsonOut, layout, writeMessage, writePlain } from './json/render';
import { FALL_BACK, wireRenderer, type WireRender } from './json/wire-render';
import type { ImageKind } from './magic';
import type { MessageType } from './schema/registry';
import { WireError, WireReader } from './wire/reader';

/** How deep entries sit in the text: inside the top object's "entries" list. */
const ENTRY_DEPTH = 2;

export interface CritJsonOptions {
  /** Indented, with crit's field display rules (hex, flags, devices). */
  pretty: boolean;
  /** The sink is done with each chunk of text when it returns (it writes it out, say): one buffer then serves for all. */
  reuseChunks?: boolean;
}

/** Writes `{"magic": ..., "entries": [`; `openEntry` then goes before each entry, `closeImage` after the last. */
function openImage(out: JsonOut, kind: ImageKind): void {
  const top = layout(out.pretty, 0);
  out.write(`{${top.first}"magic": `);
  writePlain(out, kind.name, 1);
  out.write(`${top.between}"entries": `);
}

function openEntry(out: JsonOut, index: number): void {
  const list = layout(out.pretty, 1);
  out.write(index === 0 ? '[' + list.first : list.between);
}

function closeImage(out: JsonOut, entries: number): void {
  out.write(entries === 0 ? '[]' : layout(out.pretty, 1).last + ']');
  out.write(layout(out.pretty, 0).last + '}');
  out.end();
}

/** Returns the count of entries. */
function writeDecodedImage(out: JsonOut, image: DecodedImage): number {
  openImage(out, image.kind);
  image.entries.forEach((entry, index) => {
    openEntry(out, index);
    writeMessage(out, entryLayout(image.kind, index).type, entry, ENTRY_DEPTH, entry.extra);
    out.settle();
  });
  closeImage(out, image.entries.length);
  return image.entries.length;
}

/** Exactly the text `crit decode` writes to a file, for a decoded image. No final newline. */
export function toCritJson(image: DecodedImage, options: CritJsonOptions): string {
  const text = new TextSink();
  writeDecodedImage(new JsonOut(options.pretty, text.sink), image);
  return text.text();
}

/**
 * Exactly the text `crit decode` writes to a file, for the image file
 * `bytes`, handed to `sink` in pieces. Entries go from their protobuf bytes
 * straight to text; only those in an unusual wire form become objects first.
 * Returns the count of entries; throws an AmberError naming the file, entry
 * and byte offset of bad input.
 */
export function writeCritJson(bytes: Buffer, fileName: string, options: CritJsonOptions, sink: ChunkSink): number {
  const out = new JsonOut(options.pretty, sink, options.reuseChunks);
  const start = imageStartIn(fileName, bytes);
  if (hasPayloads(start.kind)) return writeDecodedImage(out, decodeImage(bytes, fileName));
  openImage(out, start.kind);
  let entries = 0;
  const reader = new WireReader(bytes, 0, 0);
  let last: { type: MessageType; render: WireRender } | undefined;
  readRecords(fileName, bytes, start, (type, messageStart, messageEnd) => {
    openEntry(out, entries++);
    const mark = out.position;
    if (last?.type !== type) last = { type, render: wireRenderer(type, out.pretty, false, ENTRY_DEPTH) };
    try {
      reader.moveTo(messageStart, messageEnd);
      last.render(reader, out);
    } catch (e) {
      if (e !== FALL_BACK && !(e instanceof WireError)) throw e;
      // The object decoder handles every wire form, and names the problem in a damaged one.
      out.rewind(mark);
      writeMessage(out, type, decodeAt(type, bytes, 0, messageStart, messageEnd), ENTRY_DEPTH);
    }
    out.settle();
  });
  closeImage(out, entries);
  return entries;
}

/** writeCritJson's text, as one string. */
export function critJsonOf(bytes: Buffer, fileName: string, options: CritJsonOptions): string {
  const text = new TextSink();
  writeCritJson(bytes, fileName, options, text.sink);
  return text.text();
}
