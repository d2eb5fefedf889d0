import { AmberError, describeError } from '../errors';
import { logger } from '../log/logger';
import { cacheFile, currentCacheKey, readCache, writeCache } from './cache';
import { features, findFeature } from './features';
import { probeAll, type FeatureState } from './probe-all';

/** The kernel features amber relies on, as `amber check` found them. */
export interface KernelFeatures {
  readonly states: readonly FeatureState[];
  /** The states were probed by an earlier run of amber on this boot. */
  readonly cached: boolean;
  /** Whether feature `name` (CRIU's name or amber's) is present. */
  has(name: string): boolean;
}

const log = logger('check');

let known: KernelFeatures | undefined;

/**
 * Probes the kernel once per boot: the results are kept in /run and in
 * memory, so later commands and later calls do not pay again. `refresh`
 * probes anew and replaces the cache.
 */
export async function kernelFeatures(options: { refresh?: boolean } = {}): Promise<KernelFeatures> {
  if (known !== undefined && !options.refresh) return known;
  const key = currentCacheKey();
  const names = features.map((feature) => feature.name);
  const cachedStates = options.refresh ? undefined : readCache(key, names);
  const states = cachedStates ?? (await probeAll(features));
  if (cachedStates === undefined) {
    try {
      writeCache(key, states);
    } catch (e) {
      log.warn('cannot cache the kernel probe; the next command will probe again', { file: cacheFile, error: describeError(e) });
    }
  }
  known = { states, cached: cachedStates !== undefined, has: (name) => stateOf(states, name).present };
  return known;
}

function stateOf(states: readonly FeatureState[], name: string): FeatureState {
  const feature = findFeature(name);
  const state = states.find((candidate) => candidate.name === feature?.name);
  if (state === undefined) throw new AmberError(`unknown kernel feature '${name}'`);
  return state;
}
