import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queuedPacketEntry } from '../../src/model/shared';

describe('a queued message of sk-queues.img', () => {
  it('reads the file ids of its SCM_RIGHTS and its credentials, and writes the same entry back', () => {
    const entry = { id_for: 7, length: 2, scm: [{ type: 1, rights: [3, 9] }], ucred: { uid: 1000, gid: 100, pid: 42 }, extra: Buffer.from('hi').toString('base64') };
    const packet = queuedPacketEntry.read(structuredClone(entry));
    assert.deepEqual([packet.data.toString(), packet.filesInFlight, packet.sender], ['hi', [3, 9], { uid: 1000, gid: 100, pid: 42 }]);
    assert.deepEqual(queuedPacketEntry.write(packet), entry);
  });

  it('writes no scm or ucred field for a message that had none', () => {
    const packet = queuedPacketEntry.read({ id_for: 7, length: 0 });
    assert.deepEqual([packet.filesInFlight, packet.sender], [[], undefined]);
    assert.deepEqual(Object.keys(queuedPacketEntry.write(packet)).sort(), ['extra', 'id_for', 'length']);
  });

  it('refuses ancillary data other than SCM_RIGHTS', () => {
    assert.throws(() => queuedPacketEntry.read({ id_for: 7, length: 0, scm: [{ type: 2, rights: [] }] }), /not SCM_RIGHTS/);
  });
});
