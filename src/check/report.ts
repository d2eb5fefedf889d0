import type { Feature } from './feature';
import { features } from './features';
import type { FeatureState } from './probe-all';

/** A feature with what the probe found. */
export interface CheckedFeature {
  feature: Feature;
  state: FeatureState;
}

export function checkedFeatures(states: readonly FeatureState[], list: readonly Feature[] = features): CheckedFeature[] {
  return list.flatMap((feature) => {
    const state = states.find((candidate) => candidate.name === feature.name);
    return state === undefined ? [] : [{ feature, state }];
  });
}

export const missingRequired = (checked: readonly CheckedFeature[]): CheckedFeature[] =>
  checked.filter(({ feature, state }) => feature.required && !state.present);

/** One line per feature (with what goes wrong when it is missing), then a verdict. */
export function textReport(checked: readonly CheckedFeature[]): string {
  const width = Math.max(...checked.map(({ feature }) => feature.name.length));
  const lines = checked.map(({ feature, state }) => {
    const name = `  ${feature.name.padEnd(width)}  `;
    if (state.present) return `${name}yes`;
    return `${name}no   ${feature.required ? 'needed: ' : ''}${feature.consequence}`;
  });
  return [...lines, '', verdict(checked)].join('\n');
}

function verdict(checked: readonly CheckedFeature[]): string {
  const blocking = missingRequired(checked);
  if (blocking.length > 0) return `Does not look good: dump and restore need ${blocking.map(({ feature }) => feature.name).join(', ')}.`;
  const optional = checked.filter(({ state }) => !state.present).length;
  if (optional === 0) return 'Looks good: every feature amber uses is present.';
  return `Looks good: dump and restore have what they need; ${optional} optional feature${optional === 1 ? ' is' : 's are'} missing.`;
}

/** The same as the text report, as one JSON document; `ok` is the verdict the exit status gives. */
export function jsonReport(checked: readonly CheckedFeature[], ok: boolean, cached: boolean): string {
  const report = {
    ok,
    cached,
    features: checked.map(({ feature, state }) => ({
      name: feature.name,
      present: state.present,
      required: feature.required,
      description: feature.description,
      ...(state.present ? {} : { consequence: feature.consequence }),
      ...(state.detail === undefined ? {} : { detail: state.detail }),
    })),
  };
  return JSON.stringify(report, null, 2);
}
