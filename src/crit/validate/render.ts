/** Findings as the command prints them: one line each, or one JSON document. */
import type { Finding } from './findings';

/** "error: fdinfo-2.img entry 1 id: fd 1 points at file 9, which files.img lacks" */
export function findingLine(finding: Finding): string {
  const where = [finding.image, finding.entry === undefined ? undefined : `entry ${finding.entry}`, finding.field].filter((part) => part !== undefined);
  return `${finding.severity}: ${where.join(' ')}: ${finding.message}`;
}

const count = (findings: readonly Finding[], severity: Finding['severity']): number => findings.filter((f) => f.severity === severity).length;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function textReport(directory: string, findings: readonly Finding[]): string {
  const errors = count(findings, 'error');
  const verdict = errors === 0 ? 'restorable' : 'not restorable';
  const summary = `${directory}: ${verdict} (${plural(errors, 'error')}, ${plural(count(findings, 'warning'), 'warning')})`;
  return [...findings.map(findingLine), summary, ''].join('\n');
}

export function jsonReport(directory: string, findings: readonly Finding[]): string {
  const errors = count(findings, 'error');
  return `${JSON.stringify({ directory, restorable: errors === 0, errors, warnings: count(findings, 'warning'), findings }, null, 2)}\n`;
}
