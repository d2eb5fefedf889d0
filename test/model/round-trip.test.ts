import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { asFd, asPid, fileAt, findTask, readCheckpoint, writeCheckpoint, type RegularFile } from '../../src/model';
import { fixturesRoot, workloads } from '../crit/fixtures';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-model-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The files `criu dump` wrote: images, raw pages and the stats image, not the logs and JSON next to them. */
function dumpedFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.img') || name === 'stats-dump')
    .sort();
}

/** The model without what it does not describe, as dump builds it. */
function withoutRemainders<T>(value: T): T {
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, withoutRemainders(item)])) as T;
  if (Array.isArray(value)) return value.map(withoutRemainders) as T;
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  const entries = Object.entries(value).filter(([key]) => key !== 'unmodeled');
  return Object.fromEntries(entries.map(([key, item]) => [key, withoutRemainders(item)])) as T;
}

describe('readCheckpoint then writeCheckpoint', () => {
  for (const workload of workloads()) {
    it(`gives back ${workload}'s images byte for byte`, async () => {
      const source = path.join(fixturesRoot, workload);
      const target = path.join(scratch, workload);
      await writeCheckpoint(await readCheckpoint(source), target);
      assert.deepEqual(fs.readdirSync(target).sort(), dumpedFiles(source));
      for (const name of dumpedFiles(source)) {
        assert.ok(fs.readFileSync(path.join(target, name)).equals(fs.readFileSync(path.join(source, name))), `${workload}/${name} differs`);
      }
    });
  }

  for (const workload of workloads()) {
    it(`writes ${workload} from the typed model alone`, async () => {
      const model = withoutRemainders(await readCheckpoint(path.join(fixturesRoot, workload)));
      const target = path.join(scratch, `${workload}-typed`);
      await writeCheckpoint(model, target);
      assert.deepEqual(withoutRemainders(await readCheckpoint(target)), { ...model, rawImages: { ...model.rawImages, directory: target } });
    });
  }

  it('writes what the model says, not what it read', async () => {
    const checkpoint = await readCheckpoint(path.join(fixturesRoot, 'files'));
    const file = fileAt(checkpoint, asPid(25423), asFd(3)) as RegularFile;
    file.position = 99n;
    file.flags = { ...file.flags, append: true };
    const target = path.join(scratch, 'files-edited');
    await writeCheckpoint(checkpoint, target);
    const reread = fileAt(await readCheckpoint(target), asPid(25423), asFd(20)) as RegularFile;
    assert.equal(reread.position, 99n);
    assert.equal(reread.flags.append, true);
    assert.equal(reread.flags.readWrite, true);
  });

  it("writes a thread's edited registers and signal stack", async () => {
    const checkpoint = await readCheckpoint(path.join(fixturesRoot, 'threads'));
    const worker = findTask(checkpoint, asPid(25244)).threads[2];
    assert.ok(worker.cpu && worker.core?.signalStack);
    worker.cpu.registers.rip = 0x1234n;
    worker.core.signalStack.size = 4096n;
    const target = path.join(scratch, 'threads-edited');
    await writeCheckpoint(checkpoint, target);
    const reread = findTask(await readCheckpoint(target), asPid(25244)).threads[2];
    assert.equal(reread.tid, 25247);
    assert.equal(reread.cpu?.registers.rip, 0x1234n);
    assert.deepEqual(reread.core?.signalStack, { address: 0x5639c8760000n, size: 4096n, flags: 0 });
  });
});
