import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeImage, encodeImage, toCritJson, parseCritJson } from '../../src/images';

/** Encodes an image built here, decodes it back, and checks both directions agree. */
function roundTrip(json: { magic: string; entries: unknown[] }): Buffer {
  const bytes = encodeImage(json, `${json.magic}.json`);
  const decoded = decodeImage(bytes, `${json.magic}.img`);
  assert.equal(decoded.kind.name, json.magic);
  assert.deepEqual(decoded.entries, json.entries);
  for (const pretty of [true, false]) {
    assert.ok(encodeImage(parseCritJson(toCritJson(decoded, { pretty })), 'again').equals(bytes), `${json.magic} pretty=${pretty}`);
  }
  return bytes;
}

const desc = { key: 1, uid: 0, gid: 0, cuid: 0, cgid: 0, mode: 0o600, id: 7 };
const base64 = (text: string): string => Buffer.from(text).toString('base64') + '\n';

describe('image framing, on images built from scratch', () => {
  it('a pagemap starts with its header entry', () => {
    const bytes = roundTrip({
      magic: 'PAGEMAP',
      entries: [{ pages_id: 3 }, { vaddr: 0x400000, compat_nr_pages: 0, flags: 4, nr_pages: 2 }],
    });
    assert.equal(bytes.readUInt32LE(8), 2, 'the header entry is 2 bytes: pages_id = 3');
  });

  it('stats files start with the service magic, the inventory with no prefix', () => {
    const stats = encodeImage({ magic: 'STATS', entries: [{}] }, 'stats.json');
    const inventory = encodeImage({ magic: 'INVENTORY', entries: [] }, 'inventory.json');
    assert.equal(stats.readUInt32LE(0), 0x55105940);
    assert.equal(inventory.length, 4);
  });

  it('a ghost file keeps its contents after the header, or in chunks when `chunks` is set', () => {
    const header = { uid: 0, gid: 0, mode: 0o100644 };
    roundTrip({ magic: 'GHOST_FILE', entries: [{ ...header, extra: base64('small ghost\n') }] });
    roundTrip({
      magic: 'GHOST_FILE',
      entries: [{ ...header, chunks: true }, { len: 3, off: 0, extra: base64('abc') }, { len: 2, off: 4096, extra: base64('de') }],
    });
  });

  it('payloads: padded shared memory, semaphores as numbers, message queues, TCP queues', () => {
    const shm = roundTrip({ magic: 'IPCNS_SHM', entries: [{ desc, size: 5, extra: base64('12345') }] });
    assert.equal(shm.length, 8 + 4 + shm.readUInt32LE(8) + 8, 'five bytes padded to eight');
    const sem = roundTrip({ magic: 'IPCNS_SEM', entries: [{ desc, nsems: 3, extra: [1, 2, 65535] }] });
    assert.equal(sem.length, 8 + 4 + sem.readUInt32LE(8) + 8, 'three u16 padded to eight bytes');
    roundTrip({
      magic: 'IPCNS_MSG',
      entries: [{ desc, qbytes: 100, qnum: 2, extra: [{ mtype: 1, msize: 3 }, base64('one'), { mtype: 2, msize: 9 }, base64('two three')] }],
    });
    roundTrip({
      magic: 'TCP_STREAM',
      entries: [
        { inq_len: 2, inq_seq: 1, outq_len: 0, outq_seq: 9, opt_mask: 0, snd_wscale: 7, mss_clamp: 1460, extra: { inq: base64('in'), outq: '' } },
      ],
    });
  });
});
