/** Reads a command line by the option table, as getopt_long reads criu's. */
import { AmberError } from '../../errors';
import { criuOptions, type CriuOption } from './option-table';
import { defaultSettings, type CriuCommand, type CriuSettings } from './settings';

export interface ParsedCriuArgs {
  settings: CriuSettings;
  /** The arguments that are not options, in order (everything after `--` too). */
  positional: string[];
}

interface Found {
  option: CriuOption;
  negated: boolean;
}

function findLong(name: string): Found | undefined {
  const exact = criuOptions.find((option) => option.long === name);
  if (exact !== undefined) return { option: exact, negated: false };
  const positive = name.startsWith('no-') ? name.slice(3) : undefined;
  const negatable = criuOptions.find((option) => option.long === positive && option.negatable === true);
  return negatable === undefined ? undefined : { option: negatable, negated: true };
}

const findShort = (letter: string): CriuOption | undefined => criuOptions.find((option) => option.short === letter);

export function parseCriuArgs(command: CriuCommand, args: readonly string[]): ParsedCriuArgs {
  const settings = defaultSettings();
  const positional: string[] = [];
  const seeHelp = `(see 'amber ${command} --help')`;

  const use = (spelled: string, { option, negated }: Found, value: string | undefined): void => {
    if (!option.commands.includes(command)) throw new AmberError(`option '${spelled}' is for 'amber ${option.commands.join("' and 'amber ")}' only ${seeHelp}`);
    if ('apply' in option) option.apply(settings, value, negated);
    else if (!negated) throw new AmberError(`option '${spelled}' is not supported by amber yet: ${option.refused}`);
  };
  const needed = (spelled: string, value: string | undefined): string => {
    if (value === undefined) throw new AmberError(`option '${spelled}' needs a value ${seeHelp}`);
    return value;
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const spelled = equals < 0 ? arg : arg.slice(0, equals);
      const attached = equals < 0 ? undefined : arg.slice(equals + 1);
      const found = findLong(spelled.slice(2));
      if (found === undefined) throw new AmberError(`unknown option '${spelled}' ${seeHelp}`);
      const { arity } = found.option;
      if ((arity === 'flag' || found.negated) && attached !== undefined) throw new AmberError(`option '${spelled}' takes no value ${seeHelp}`);
      use(spelled, found, arity === 'value' ? needed(spelled, attached ?? args[++i]) : attached);
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short options (-Rj), the last of which may take the rest or the next argument as its value (-t42, -t 42).
      for (let j = 1; j < arg.length; j++) {
        const spelled = `-${arg[j]}`;
        const option = findShort(arg[j]);
        if (option === undefined) throw new AmberError(`unknown option '${spelled}' ${seeHelp}`);
        if (option.arity === 'flag') {
          use(spelled, { option, negated: false }, undefined);
          continue;
        }
        const rest = arg.slice(j + 1);
        const value = rest !== '' ? rest : option.arity === 'value' ? needed(spelled, args[++i]) : undefined;
        use(spelled, { option, negated: false }, value);
        break;
      }
    } else {
      positional.push(arg);
    }
  }
  return { settings, positional };
}
