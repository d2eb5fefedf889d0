/** A task's mappings as a table, collapsed under its memory map: the same facts as the map's hover titles. */
import type { Task, Vma } from '../../model';
import { pagesOf } from './dumped-pages';
import { byteSize, counted } from './format';
import type { ReportData } from './gather';
import { html, type Html } from './html';
import { backingOf, protectionOf, rangeOf } from './vma-description';
import { vmaKind } from './vma-kind';

/** `dumped`: each mapping's pages in the pagemap (see dumped-pages). */
export function vmaTable(data: ReportData, task: Task, dumped: ReadonlyMap<Vma, number>): Html {
  const vmas = task.memory?.vmas ?? [];
  if (vmas.length === 0) return html``;
  const rows = vmas.map(
    (vma) =>
      html`<tr><td class="address">${rangeOf(vma)}</td><td class="number">${byteSize(vma.end - vma.start)}</td><td>${protectionOf(vma)}</td><td><span class="swatch kind-${vmaKind(vma)}"></span>${vmaKind(vma)}</td><td class="number">${dumped.get(vma) ?? 0} / ${pagesOf(vma)}</td><td class="path">${backingOf(vma, data.checkpoint)}</td></tr>`,
  );
  return html`<details class="vmas"><summary>${counted(vmas.length, 'mapping')} as a table</summary><table><thead><tr><th>range</th><th>size</th><th>prot</th><th>kind</th><th>dumped pages</th><th>backing</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}
