/** What the memory maps' colours, fill and scale mean. */
import { html, type Html } from './html';
import { VMA_KIND_LEGEND, VMA_KINDS } from './vma-kind';

export function memoryLegend(): Html {
  return html`<section id="legend"><h2>Reading the memory maps</h2><div class="legend">${VMA_KINDS.map(
    (kind) => html`<span><span class="swatch kind-${kind}"></span>${VMA_KIND_LEGEND[kind]}</span>`,
  )}
<p>The dark part at the bottom of each mapping is the share of its pages the checkpoint holds (its pagemap pages); hover over a mapping for its range, protection, flags and file.</p>
<p>Scale: the address space is cut into rows wherever the hole before a mapping is larger than everything already in its row. Each row is linear on its own (its span is printed above it), so within a row every mapping's width is proportional to its size; the larger holes between rows are not drawn, only labelled with their size.</p></div></section>`;
}
