/** "pid 12 fd 3" links to the tasks holding an open file description. */
import type { FdUser, FileId } from '../../model';
import { taskAnchor } from './anchors';
import type { ReportData } from './gather';
import { html, type Html } from './html';

function holderLink(holder: FdUser): Html {
  return html`<a class="holder" href="#${taskAnchor(holder.pid)}">pid ${holder.pid} fd ${holder.fd}</a>`;
}

/** The holders of `files` other than `self`, as a comma-separated list of links; "nobody" when there are none. */
export function holderLinks(data: ReportData, files: readonly FileId[], self?: FdUser): Html {
  const holders = files
    .flatMap((file) => data.holders.get(file) ?? [])
    .filter((holder) => self === undefined || holder.pid !== self.pid || holder.fd !== self.fd);
  if (holders.length === 0) return html`<span class="none">nobody</span>`;
  return html`${holders.map((holder, index) => html`${index === 0 ? '' : ', '}${holderLink(holder)}`)}`;
}
