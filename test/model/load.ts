import * as path from 'node:path';
import { readCheckpoint, type Checkpoint } from '../../src/model';
import { fixturesRoot } from '../crit/fixtures';

const loaded = new Map<string, Promise<Checkpoint>>();

/** The model of one fixture workload, read once per test file. */
export function checkpointOf(workload: string): Promise<Checkpoint> {
  let checkpoint = loaded.get(workload);
  if (checkpoint === undefined) loaded.set(workload, (checkpoint = readCheckpoint(path.join(fixturesRoot, workload))));
  return checkpoint;
}
