/**
 * A task's memory map as SVG: one row per stretch of address space (see
 * address-rows), one shape per VMA coloured by kind, its dumped share of
 * pages filled from the bottom, its details in a hover title.
 */
import type { Checkpoint, Task, Vma } from '../../model';
import { addressRows, positionIn, type AddressRow } from './address-rows';
import { pagesOf } from './dumped-pages';
import { byteSize, hexAddress } from './format';
import { html, type Html } from './html';
import { vmaTitle } from './vma-description';
import { vmaKind } from './vma-kind';

const WIDTH = 1000;
const LABEL_HEIGHT = 16;
const BAR_HEIGHT = 28;
const HOLE_HEIGHT = 18;
const ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT;

/** A coordinate with two decimals at most. */
const at = (value: number): string => String(Math.round(value * 100) / 100);

function vmaShape(vma: Vma, row: AddressRow, top: number, checkpoint: Checkpoint, dumped: number): Html {
  const x = positionIn(row, vma.start, WIDTH);
  const width = positionIn(row, vma.end, WIDTH) - x;
  const pages = pagesOf(vma);
  // Overlapping pagemap ranges (which validation reports) could count more pages than the VMA has.
  const fill = pages === 0 ? 0 : (BAR_HEIGHT * Math.min(dumped, pages)) / pages;
  const dumpedShape = fill === 0 ? '' : html`<rect class="dumped" x="${at(x)}" y="${at(top + BAR_HEIGHT - fill)}" width="${at(width)}" height="${at(fill)}"/>`;
  return html`<g class="vma kind-${vmaKind(vma)}" data-start="${hexAddress(vma.start)}" data-size="${vma.end - vma.start}"><title>${vmaTitle(vma, checkpoint, dumped, pages)}</title><rect class="area" x="${at(x)}" y="${top}" width="${at(width)}" height="${BAR_HEIGHT}"/>${dumpedShape}</g>`;
}

function rowShapes(row: AddressRow, top: number, checkpoint: Checkpoint, dumped: ReadonlyMap<Vma, number>): Html {
  const label = `${hexAddress(row.start)} – ${hexAddress(row.end)} · ${byteSize(row.end - row.start)} across, linear`;
  const barTop = top + LABEL_HEIGHT;
  return html`<g class="row"><text class="row-label" x="0" y="${top + LABEL_HEIGHT - 4}">${label}</text><rect class="track" x="0" y="${barTop}" width="${WIDTH}" height="${BAR_HEIGHT}"/>${row.vmas.map((vma) => vmaShape(vma, row, barTop, checkpoint, dumped.get(vma) ?? 0))}</g>`;
}

function holeLabel(before: AddressRow, after: AddressRow, top: number): Html {
  return html`<text class="hole" x="${WIDTH / 2}" y="${top + HOLE_HEIGHT - 5}">⋮ hole of ${byteSize(after.start - before.end)} ⋮</text>`;
}

/** `dumped`: each mapping's pages in the pagemap (see dumped-pages). */
export function memoryMap(task: Task, checkpoint: Checkpoint, dumped: ReadonlyMap<Vma, number>): Html {
  const vmas = task.memory?.vmas ?? [];
  const rows = addressRows(vmas);
  const parts: Html[] = [];
  let top = 0;
  rows.forEach((row, index) => {
    if (index > 0) {
      parts.push(holeLabel(rows[index - 1], row, top));
      top += HOLE_HEIGHT;
    }
    parts.push(rowShapes(row, top, checkpoint, dumped));
    top += ROW_HEIGHT;
  });
  if (rows.length === 0) {
    parts.push(html`<text class="hole" x="${WIDTH / 2}" y="${LABEL_HEIGHT}">no address space (${task.memory === undefined ? 'zombie' : 'no VMAs'})</text>`);
    top = LABEL_HEIGHT + 4;
  }
  return html`<svg class="memory-map" data-pid="${task.pid}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${top}" width="100%" role="img" aria-label="memory map of task ${task.pid}">${parts}</svg>`;
}
