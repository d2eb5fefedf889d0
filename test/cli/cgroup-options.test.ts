import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDumpCommandLine, parseRestoreCommandLine } from '../../src/cli/criu-options';

test('--manage-cgroups takes soft (also when bare), none, props, full and ignore, on dump and restore', () => {
  assert.equal(parseRestoreCommandLine(['-D', '/i', '--manage-cgroups']).options.manageCgroups, 'soft');
  assert.equal(parseRestoreCommandLine(['-D', '/i', '--manage-cgroups=none']).options.manageCgroups, 'none');
  assert.equal(parseRestoreCommandLine(['-D', '/i', '--manage-cgroups=props']).options.manageCgroups, 'props');
  assert.equal(parseRestoreCommandLine(['-D', '/i', '--manage-cgroups=full']).options.manageCgroups, 'full');
  assert.equal(parseDumpCommandLine(['-t', '1', '--manage-cgroups=ignore']).options.manageCgroups, 'ignore');
  assert.equal(parseRestoreCommandLine(['-D', '/i']).options.manageCgroups, undefined);
});

test('--manage-cgroups=strict is refused, an unknown mode is named', () => {
  assert.throws(() => parseRestoreCommandLine(['--manage-cgroups=strict']), { message: /^option '--manage-cgroups=strict' is not supported by amber yet/ });
  assert.throws(() => parseRestoreCommandLine(['--manage-cgroups=loose']), { message: "invalid argument for --manage-cgroups: 'loose' (expected ignore, none, props, soft, full)" });
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
