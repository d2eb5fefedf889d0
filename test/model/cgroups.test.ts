import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeImage, encodeImage, type Message } from '../../src/images';
import { CGROUP_IMAGE, cgroupImage, cgroupsOf, recordedDirectories, topCgroups } from '../../src/model/cgroups';

const perms = (mode: number): Message => ({ mode, uid: 0, gid: 0 });

/** A cgroup.img entry as CRIU writes one: a v1 set with a cgroup-namespace prefix, directories with a property. */
const ENTRY: Message = {
  sets: [{ id: 2, ctls: [{ name: '', path: '/ct/app' }, { name: 'cpu,cpuacct', path: '/ct/app', cgns_prefix: 3 }] }],
  controllers: [
    { cnames: [''], dirs: [{ dir_name: 'ct/app', dir_perms: perms(0o40755) }] },
    {
      cnames: ['cpu', 'cpuacct'],
      dirs: [{ dir_name: 'ct/app', children: [{ dir_name: 'worker', dir_perms: perms(0o40700) }], properties: [{ name: 'cpu.shares', value: '512' }], dir_perms: perms(0o40755) }],
    },
  ],
};

function decoded(entry: Message) {
  const image = decodeImage(encodeImage({ magic: 'CGROUP', entries: [entry] }, CGROUP_IMAGE), CGROUP_IMAGE);
  return cgroupsOf({ otherImages: new Map([[CGROUP_IMAGE, image]]) });
}

test('cgroup.img: sets, members and nested directories as the model; unmodeled properties survive a round trip', () => {
  const cgroups = decoded(ENTRY);
  assert.ok(cgroups !== undefined);
  assert.deepEqual(cgroups.sets[0].members.map((member) => [member.hierarchy, member.path, member.namespacePrefix]), [
    ['', '/ct/app', undefined],
    ['cpu,cpuacct', '/ct/app', 3],
  ]);
  assert.deepEqual(
    recordedDirectories(cgroups.hierarchies[1]).map((directory) => [directory.path, directory.permissions?.mode]),
    [['/ct/app', 0o40755], ['/ct/app/worker', 0o40700]],
  );
  const written = cgroupImage(cgroups);
  assert.deepEqual(encodeImage({ magic: 'CGROUP', entries: written.entries }, CGROUP_IMAGE), encodeImage({ magic: 'CGROUP', entries: [ENTRY] }, CGROUP_IMAGE));
});

test('a checkpoint without cgroup.img has no cgroups; a top directory at the root is the root', () => {
  assert.equal(cgroupsOf({ otherImages: new Map() }), undefined);
  const cgroups = decoded({ controllers: [{ cnames: ['pids'], dirs: [{ dir_name: '', children: [{ dir_name: 'a' }] }] }] });
  assert.deepEqual(recordedDirectories(cgroups!.hierarchies[0]).map((directory) => directory.path), ['/', '/a']);
});

test('the top cgroups of a hierarchy: none lies below another', () => {
  assert.deepEqual(topCgroups(['/a/b', '/a', '/c', '/ab', '/a/b']), ['/a', '/c', '/ab']);
  assert.deepEqual(topCgroups(['/x', '/']), ['/']);
});
