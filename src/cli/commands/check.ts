import { findFeature, features } from '../../check/features';
import { kernelFeatures } from '../../check/kernel-features';
import { checkedFeatures, jsonReport, missingRequired, textReport, type CheckedFeature } from '../../check/report';
import { AmberError } from '../../errors';
import { applyLogOptions, logOptionsHelp, takeLogOptions } from '../../log/cli-options';
import type { Command } from '../command';

interface CheckOptions {
  json: boolean;
  refresh: boolean;
  /** Features named with --feature; empty checks all. */
  only: string[];
}

function help(): string {
  return [
    'usage: amber check [--json] [--no-cache] [--feature NAME]...',
    '',
    'Probes the kernel features amber relies on and says what is missing and what',
    'that costs. Exits 0 when everything plain dump and restore need is there.',
    '',
    '  --feature NAME   answer for one feature only (repeatable; CRIU names work): exit 0 when present',
    '  --json           print the result as JSON',
    '  --no-cache       probe again instead of using the results kept in /run/amber',
    '  --all, --extra, --experimental',
    '                   accepted as criu accepts them; amber always checks every feature',
    ...logOptionsHelp,
    '',
    'features:',
    ...features.map((feature) => `  ${feature.name.padEnd(18)} ${feature.description}${feature.required ? ' (required)' : ''}`),
  ].join('\n');
}

function parseArgs(args: readonly string[]): CheckOptions {
  const options: CheckOptions = { json: false, refresh: false, only: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--no-cache') options.refresh = true;
    else if (arg === '--all' || arg === '--extra' || arg === '--experimental') continue;
    else if (arg.startsWith('--feature=')) options.only.push(arg.slice('--feature='.length));
    else if (arg === '--feature') {
      const name = args[++i];
      if (name === undefined) throw new AmberError('option --feature needs a feature name');
      options.only.push(name);
    } else throw new AmberError(`check: unknown argument '${arg}' (see 'amber check --help')`);
  }
  return options;
}

async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${help()}\n`);
    return 0;
  }
  const { log, rest } = takeLogOptions(args);
  applyLogOptions(log);
  const options = parseArgs(rest);
  const selected = options.only.map((name) => {
    const feature = findFeature(name);
    if (feature === undefined) throw new AmberError(`unknown feature '${name}' (see 'amber check --help')`);
    return feature;
  });
  const kernel = await kernelFeatures({ refresh: options.refresh });
  const checked = checkedFeatures(kernel.states, selected.length > 0 ? selected : features);
  const ok = selected.length > 0 ? checked.every(({ state }) => state.present) : missingRequired(checked).length === 0;
  if (options.json) process.stdout.write(`${jsonReport(checked, ok, kernel.cached)}\n`);
  else if (selected.length > 0) writeAnswers(checked);
  else process.stdout.write(`${textReport(checked)}\n`);
  return ok ? 0 : 1;
}

/** As `criu check --feature`: "NAME is supported" on stdout, or why not on stderr. */
function writeAnswers(checked: readonly CheckedFeature[]): void {
  for (const { feature, state } of checked) {
    if (state.present) process.stdout.write(`${feature.name} is supported\n`);
    else process.stderr.write(`${feature.name} is not supported: ${feature.consequence}\n`);
  }
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'probe the kernel features amber relies on (as criu check)',
  run,
};
