import { logger } from '../log/logger';
import { outcomeOf, type Feature } from './feature';

/** What one probe found, as cached and as other commands see it. */
export interface FeatureState {
  name: string;
  present: boolean;
  detail?: string;
}

const log = logger('check');

/** Probes one feature after another (several create and kill a child, which is quick). */
export async function probeAll(list: readonly Feature[]): Promise<FeatureState[]> {
  const states: FeatureState[] = [];
  for (const feature of list) {
    const started = performance.now();
    const { present, detail } = await outcomeOf(feature.probe);
    log.debug('probed', { feature: feature.name, present, detail, ms: Math.round((performance.now() - started) * 1000) / 1000 });
    states.push(detail === undefined ? { name: feature.name, present } : { name: feature.name, present, detail });
  }
  return states;
}
