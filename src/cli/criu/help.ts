/** `amber dump --help` and `amber restore --help`, generated from the option table. */
import { criuOptions, type CriuOption, type HonouredOption } from './option-table';
import type { CriuCommand } from './settings';

const HELP_COLUMN = 28;
const WIDTH = 100;

const usages: Record<CriuCommand, string[]> = {
  dump: [
    'usage: amber dump PID [DIR] [OPTIONS]',
    '       amber dump -t PID [-D DIR] [OPTIONS]',
    '',
    'Checkpoints the process tree rooted at PID into DIR (default: the current directory).',
  ],
  restore: [
    'usage: amber restore [DIR] [OPTIONS]',
    '       amber restore [-D DIR] [OPTIONS]',
    '',
    'Restores the process tree checkpointed in DIR (default: the current directory).',
  ],
};

function spelling(option: CriuOption): string {
  const long = `--${option.negatable === true ? '[no-]' : ''}${option.long}`;
  const value = option.valueName === undefined ? '' : option.arity === 'optional' ? `[=${option.valueName}]` : ` ${option.valueName}`;
  return `${option.short === undefined ? '' : `-${option.short}, `}${long}${value}`;
}

/** "  NAME   TEXT", TEXT on a line of its own when NAME reaches into its column. */
function helpLine(names: string, text: string): string {
  const name = `  ${names}`;
  return name.length < HELP_COLUMN ? `${name.padEnd(HELP_COLUMN)}${text}` : `${name}\n${' '.repeat(HELP_COLUMN)}${text}`;
}

/** Words joined with ", " into lines no wider than WIDTH, each indented by two spaces. */
function wrapList(words: readonly string[]): string[] {
  const lines: string[] = [];
  let line = ' ';
  for (const word of words) {
    if (line.length + word.length + 2 > WIDTH) {
      lines.push(line.trimEnd());
      line = ' ';
    }
    line += ` ${word},`;
  }
  lines.push(line.replace(/,$/, ''));
  return lines;
}

export function criuHelp(command: CriuCommand): string {
  const ours = criuOptions.filter((option) => option.commands.includes(command));
  const honoured = ours.filter((option): option is HonouredOption => 'apply' in option);
  const refused = ours.filter((option) => !('apply' in option));
  return [
    ...usages[command],
    'The options are criu\'s: a command line written for `criu ' + command + '` works unchanged.',
    '',
    'options:',
    ...honoured.map((option) => helpLine(spelling(option), option.help)),
    helpLine('-h, --help', 'this text'),
    '',
    'criu options amber refuses for now (using one says why):',
    ...wrapList(refused.map((option) => `--${option.long}`)),
    '',
  ].join('\n');
}
