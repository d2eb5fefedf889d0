import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cacheFile } from '../../src/check/cache';
import { kernelFeatures } from '../../src/check/kernel-features';

const amberMain = path.resolve(__dirname, '../../src/cli/main.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function amber(...args: string[]): Run {
  const run = spawnSync(process.execPath, [amberMain, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface JsonFeature {
  name: string;
  present: boolean;
  required: boolean;
  description: string;
  consequence?: string;
  detail?: string;
}

function checkJson(...args: string[]): { run: Run; report: { ok: boolean; cached: boolean; features: JsonFeature[] } } {
  const run = amber('check', '--json', ...args);
  return { run, report: JSON.parse(run.stdout) as { ok: boolean; cached: boolean; features: JsonFeature[] } };
}

/** Soft-dirty tracking marks new mappings VM_SOFTDIRTY, which smaps shows as the "sd" flag. */
const kernelHasSoftDirty = (): boolean => /^VmFlags:.* sd( |$)/m.test(fs.readFileSync('/proc/self/smaps', 'utf8'));

test('--json lists every feature once, says what a missing one costs, and exits by the required ones', () => {
  const { run, report } = checkJson('--no-cache');
  const names = report.features.map((feature) => feature.name);
  assert.equal(new Set(names).size, names.length);
  for (const criuName of ['clone3_set_tid', 'pidfd_store', 'uffd', 'uffd-noncoop', 'mem_dirty_track', 'get_rseq_conf', 'timens']) {
    assert.ok(names.includes(criuName), criuName);
  }
  for (const feature of report.features) {
    assert.equal(typeof feature.present, 'boolean');
    assert.equal(typeof feature.required, 'boolean');
    assert.ok(feature.description.length > 0);
    assert.equal(feature.consequence !== undefined, !feature.present, feature.name);
  }
  const ok = report.features.every((feature) => feature.present || !feature.required);
  assert.equal(report.ok, ok);
  assert.equal(run.status, ok ? 0 : 1);
});

test('the text report has a line per feature and a verdict', () => {
  const { report } = checkJson();
  const run = amber('check');
  const lines = run.stdout.trimEnd().split('\n');
  for (const feature of report.features) {
    const line = lines.find((candidate) => candidate.trim().split(/\s+/)[0] === feature.name);
    assert.ok(line, feature.name);
    assert.match(line, feature.present ? /\syes$/ : /\sno\s+\S/);
  }
  assert.match(lines[lines.length - 1], report.ok ? /^Looks good/ : /^Does not look good/);
});

test('soft-dirty: the answer agrees with smaps, and -/_ spellings are the same feature', () => {
  const expected = kernelHasSoftDirty();
  for (const name of ['soft-dirty', 'soft_dirty']) {
    const run = amber('check', '--feature', name);
    assert.equal(run.status, expected ? 0 : 1, name);
    if (expected) assert.equal(run.stdout, 'soft_dirty is supported\n');
    else assert.match(run.stderr, /^soft_dirty is not supported: .+\n$/);
  }
});

test('--feature on a present feature exits 0 as criu check --feature does', () => {
  const expected = fs.existsSync('/proc/self/ns/time');
  const run = amber('check', '--feature', 'timens');
  assert.equal(run.status, expected ? 0 : 1);
  if (expected) assert.equal(run.stdout, 'timens is supported\n');
});

test('several --feature: exit 0 only when all are present', () => {
  const { report } = checkJson();
  const presentOnes = report.features.filter((feature) => feature.present).map((feature) => feature.name);
  const missing = report.features.find((feature) => !feature.present);
  assert.equal(amber('check', '--feature', presentOnes[0], '--feature', presentOnes[1]).status, 0);
  if (missing) assert.equal(amber('check', '--feature', presentOnes[0], `--feature=${missing.name}`).status, 1);
});

test('an unknown feature is a one-line error', () => {
  const run = amber('check', '--feature', 'no_such_feature');
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^amber: unknown feature 'no_such_feature' .*\n$/);
});

test('the probe is cached: the next run reuses the file untouched', () => {
  amber('check', '--no-cache');
  const written = fs.statSync(cacheFile).mtimeMs;
  const { report } = checkJson();
  assert.equal(report.cached, true);
  assert.equal(fs.statSync(cacheFile).mtimeMs, written);
});

test('a corrupt or foreign cache is ignored and rewritten', () => {
  amber('check', '--no-cache');
  const good = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { key: { bootId: string } };
  fs.writeFileSync(cacheFile, '{"key": {"bootId": 4');
  assert.equal(checkJson().report.cached, false);
  assert.deepEqual(JSON.parse(fs.readFileSync(cacheFile, 'utf8')), good);
  fs.writeFileSync(cacheFile, JSON.stringify({ ...good, key: { ...good.key, bootId: 'another boot' } }));
  assert.equal(checkJson().report.cached, false);
  assert.deepEqual(JSON.parse(fs.readFileSync(cacheFile, 'utf8')), good);
});

test('-v4 -o FILE logs one debug line per probe', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-check-'));
  try {
    const log = path.join(dir, 'check.log');
    const { report } = checkJson('--no-cache', '-v4', '-o', log);
    const probed = fs.readFileSync(log, 'utf8').split('\n').filter((line) => / debug check: probed /.test(line));
    assert.equal(probed.length, report.features.length);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test('probing leaves no process behind', async () => {
  const features = await kernelFeatures({ refresh: true });
  assert.ok(features.states.length > 0);
  const children = fs
    .readdirSync('/proc/self/task')
    .flatMap((tid) => fs.readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
  assert.deepEqual(children, []);
});
