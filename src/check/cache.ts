import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { amberVersion } from '../version';
import type { FeatureState } from './probe-all';

/** Probe results survive between runs here, as CRIU keeps its kernel probe under /run (gone at reboot). */
export const cacheFile = '/run/amber/kernel-features.json';

/** What cached results are valid for: this boot of this kernel, probed by this version of amber as this user. */
export interface CacheKey {
  bootId: string;
  kernel: string;
  amber: string;
  /** Without root, most probes fail: a user's results are not root's. */
  uid: number;
}

interface CacheContents {
  key: CacheKey;
  features: FeatureState[];
}

export function currentCacheKey(): CacheKey {
  return {
    bootId: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    kernel: os.release(),
    amber: amberVersion(),
    uid: process.geteuid?.() ?? -1,
  };
}


/** The cached states when they were made for `key` and for exactly the features `names`; undefined when missing, stale or corrupt. */
export function readCache(key: CacheKey, names: readonly string[]): FeatureState[] | undefined {
  let contents: unknown;
  try {
    contents = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isCacheContents(contents) || !sameKey(contents.key, key)) return undefined;
  const states = contents.features;
  const sameFeatures = states.length === names.length && states.every((state, i) => state.name === names[i]);
  return sameFeatures ? states : undefined;
}

/** Replaces the cache in one rename, so a concurrent reader sees the old file or the new one, never half of one. */
export function writeCache(key: CacheKey, states: readonly FeatureState[]): void {
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  const partial = `${cacheFile}.${process.pid}`;
  fs.writeFileSync(partial, `${JSON.stringify({ key, features: states }, null, 2)}\n`);
  fs.renameSync(partial, cacheFile);
}

function sameKey(a: CacheKey, b: CacheKey): boolean {
  return a.bootId === b.bootId && a.kernel === b.kernel && a.amber === b.amber && a.uid === b.uid;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isCacheContents(value: unknown): value is CacheContents {
  if (!isObject(value) || !isObject(value.key) || !Array.isArray(value.features)) return false;
  const { bootId, kernel, amber, uid } = value.key;
  const keyOk = typeof bootId === 'string' && typeof kernel === 'string' && typeof amber === 'string' && typeof uid === 'number';
  return keyOk && value.features.every(isFeatureState);
}

function isFeatureState(value: unknown): value is FeatureState {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.present === 'boolean' &&
    (value.detail === undefined || typeof value.detail === 'string')
  );
}
