import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDumpCommandLine, parseRestoreCommandLine } from '../../src/cli/criu-options';

test("--manage-cgroups takes each of CRIU's modes (soft also when bare), on dump and restore", () => {
  assert.equal(parseRestoreCommandLine(['-D', '/i', '--manage-cgroups']).options.manageCgroups, 'soft');
  for (const mode of ['none', 'props', 'soft', 'full', 'strict']) assert.equal(parseRestoreCommandLine(['-D', '/i', `--manage-cgroups=${mode}`]).options.manageCgroups, mode);
  assert.equal(parseDumpCommandLine(['-t', '1', '--manage-cgroups=ignore']).options.manageCgroups, 'ignore');
  assert.equal(parseRestoreCommandLine(['-D', '/i']).options.manageCgroups, undefined);
});

test('an unknown --manage-cgroups mode is named with the ones there are', () => {
  assert.throws(() => parseRestoreCommandLine(['--manage-cgroups=loose']), { message: "invalid argument for --manage-cgroups: 'loose' (expected ignore, none, props, soft, full, strict)" });
});

test('--cgroup-root: for one controller or all, an absolute path, restore only', () => {
  const line = parseRestoreCommandLine(['--cgroup-root', '/moved/', '--cgroup-root=pids:/p', '--cgroup-root', 'name=systemd:/s']);
  assert.deepEqual(line.options.cgroupRoots, [
    { controller: undefined, path: '/moved' },
    { controller: 'pids', path: '/p' },
    { controller: 'name=systemd', path: '/s' },
  ]);
  assert.throws(() => parseRestoreCommandLine(['--cgroup-root', 'pids:relative']), { message: "invalid argument for --cgroup-root: 'pids:relative' (expected [CONTROLLER:]/PATH)" });
  assert.throws(() => parseDumpCommandLine(['1', '--cgroup-root', '/x']), { message: /'--cgroup-root' is for 'amber restore' only/ });
});
