/** Validation findings: all of them at the top of the page, and each task's next to that task. */
import type { Task } from '../../model';
import type { Finding } from '../validate';
import { html, type Html } from './html';
import { concernsTask, taskOfFinding } from './finding-tasks';
import { taskAnchor } from './anchors';
import { counted } from './format';

function where(finding: Finding): string {
  const entry = finding.entry === undefined ? '' : ` entry ${finding.entry}`;
  const field = finding.field === undefined ? '' : ` ${finding.field}`;
  return `${finding.image}${entry}${field}`;
}

function findingItem(finding: Finding, task: Task | undefined): Html {
  const link = task === undefined ? '' : html` <a href="#${taskAnchor(task.pid)}">task ${task.pid}</a>`;
  return html`<li class="finding ${finding.severity}"><span class="severity">${finding.severity}</span> <code>${where(finding)}</code>: ${finding.message}${link}</li>`;
}

/** Warnings beyond this many start folded, so that errors and the tree stay near the top. */
const OPEN_WARNINGS = 10;

/** The summary at the top: every finding, linked to its task; errors first. */
export function findingsSection(findings: readonly Finding[], tasks: readonly Task[]): Html {
  if (findings.length === 0) return html`<section id="findings" class="findings clean"><h2>Validation</h2><p>No problems found.</p></section>`;
  const item = (finding: Finding): Html => findingItem(finding, taskOfFinding(finding, tasks));
  const errors = findings.filter((finding) => finding.severity === 'error');
  const warnings = findings.filter((finding) => finding.severity === 'warning');
  const errorList = errors.length === 0 ? '' : html`<ul>${errors.map(item)}</ul>`;
  const warningList =
    warnings.length === 0 ? '' : html`<details${warnings.length <= OPEN_WARNINGS ? html` open` : ''}><summary>${counted(warnings.length, 'warning')}</summary><ul>${warnings.map(item)}</ul></details>`;
  return html`<section id="findings" class="findings${errors.length > 0 ? ' has-errors' : ''}"><h2>Validation: ${counted(errors.length, 'error')}, ${counted(warnings.length, 'warning')}</h2>${errorList}${warningList}</section>`;
}

/** The findings about one task, shown in its section (nothing when there are none). */
export function taskFindings(findings: readonly Finding[], task: Task): Html {
  const own = findings.filter((finding) => concernsTask(finding, task));
  if (own.length === 0) return html``;
  return html`<ul class="task-findings">${own.map((finding) => findingItem(finding, undefined))}</ul>`;
}

/** How many findings concern a task, by severity: the tree marks such tasks. */
export function findingBadge(findings: readonly Finding[], task: Task): Html {
  const own = findings.filter((finding) => concernsTask(finding, task));
  if (own.length === 0) return html``;
  const severity = own.some((finding) => finding.severity === 'error') ? 'error' : 'warning';
  return html` <span class="badge ${severity}" title="${counted(own.length, 'finding')}">${own.length} ${severity === 'error' ? '✖' : '⚠'}</span>`;
}
