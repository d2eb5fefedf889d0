/** The whole report: one self-contained HTML document. */
import * as path from 'node:path';
import { findingsSection } from './findings';
import { counted } from './format';
import type { ReportData, UnreadableCheckpoint } from './gather';
import { html, type Html } from './html';
import { memoryLegend } from './legend';
import { socketTable } from './sockets';
import { STYLE } from './style';
import { taskSection } from './task-section';
import { processTree } from './tree';

function document(directory: string, facts: string, body: Html): string {
  const where = path.resolve(directory);
  const title = `amber checkpoint report: ${path.basename(where)}`;
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head>
<body><h1>${title}</h1><p class="facts"><span class="path">${where}</span> · ${facts}</p>
${body}
</body></html>
`.markup;
}

export function renderPage(data: ReportData): string {
  const { checkpoint, findings } = data;
  const facts = `${counted(checkpoint.tasks.length, 'task')}, ${counted(checkpoint.files.size, 'open file description')}, image version ${checkpoint.inventory.imageVersion}`;
  return document(
    data.directory,
    facts,
    html`${findingsSection(findings, checkpoint.tasks)}
${processTree(checkpoint.tasks, findings)}
${socketTable(data)}
${memoryLegend()}
${checkpoint.tasks.map((task) => taskSection(data, task))}`,
  );
}

/** The page of a checkpoint amber cannot read: the findings, and the reason nothing else is shown. */
export function renderUnreadablePage(data: UnreadableCheckpoint): string {
  return document(data.directory, 'unreadable', html`${findingsSection(data.findings, [])}<p class="missing">Only the validation findings are shown: ${data.problem}</p>`);
}
