import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { AmberError } from '../../src/errors';
import { PAGE_SIZE, encodeImage, iterateImageEntries, readImageFile, readPages } from '../../src/images';
import { fixturesRoot } from '../crit/fixtures';

const loop = path.join(fixturesRoot, 'loop');

describe('streaming an image file', () => {
  it('reads a 128 MiB image entry by entry without holding the file in memory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-images-'));
    const file = path.join(dir, 'pipes-data.img');
    try {
      const data = Buffer.alloc(256 * 1024, 0x5a);
      const oneEntry = encodeImage({ magic: 'PIPES_DATA', entries: [{ pipe_id: 1, bytes: data.length, size: data.length, extra: data.toString('base64') }] }, file);
      const header = oneEntry.subarray(0, 8);
      const record = oneEntry.subarray(8);
      const fileSize = 128 * 2 ** 20;
      const count = fileSize / data.length;
      const fd = fs.openSync(file, 'w');
      fs.writeSync(fd, header);
      for (let i = 0; i < count; i++) fs.writeSync(fd, record);
      fs.closeSync(fd);

      const before = process.memoryUsage().arrayBuffers;
      let peak = 0;
      let entries = 0;
      for await (const entry of iterateImageEntries(file)) {
        assert.equal(entry.bytes, data.length);
        entries++;
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      }
      assert.equal(entries, count);
      // Entries already read wait for the garbage collector, so growth of a few dozen MiB is noise;
      // a reader that held the file would grow by all of it.
      assert.ok(peak < fileSize / 2, `buffers grew by ${peak} bytes`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a damaged entry with the file, entry index and offset', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-images-'));
    const file = path.join(dir, 'files.img');
    try {
      const files = fs.readFileSync(path.join(loop, 'files.img'));
      fs.writeFileSync(file, files.subarray(0, files.length - 3));
      await assert.rejects(readImageFile(file), (e: unknown) => e instanceof AmberError && e.message.startsWith(`${file}: entry 6 at byte `));
      await assert.rejects(readImageFile(path.join(dir, 'missing.img')), /missing\.img: cannot open: ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reading pages', () => {
  interface PagemapEntry {
    vaddr: number;
    nr_pages: number;
  }

  /** The index in pages-N.img of the first page of the pagemap entry that holds `address`. */
  async function pageIndexOf(address: number): Promise<number> {
    const [, ...entries] = (await readImageFile(path.join(loop, 'pagemap-24631.img'))).entries as unknown as PagemapEntry[];
    let index = 0;
    for (const entry of entries) {
      if (address >= entry.vaddr && address < entry.vaddr + entry.nr_pages * PAGE_SIZE) return index + (address - entry.vaddr) / PAGE_SIZE;
      index += entry.nr_pages;
    }
    throw new Error(`no page holds ${address.toString(16)}`);
  }

  it('finds the loop workload\'s marker page and its counter', async () => {
    const page = await readPages(loop, 1, await pageIndexOf(0x200000000000), 1);
    assert.equal(page.length, PAGE_SIZE);
    assert.equal(page.subarray(0, 16).toString('latin1').replace(/\0+$/, ''), 'CRIU-WL-LOOP');
    assert.equal(page.readBigUInt64LE(16), 7n);
    assert.equal(page.readBigUInt64LE(24), 0x7f38d4a65010n);
    assert.equal(page.readBigUInt64LE(32), 4194304n);
  });

  it('reads a range of the 4 MiB pattern buffer (byte i is i % 251)', async () => {
    const buffer = 0x7f38d4a65010;
    const firstPage = buffer - (buffer % PAGE_SIZE);
    const pages = await readPages(loop, 1, await pageIndexOf(firstPage + 100 * PAGE_SIZE), 3);
    const offset = firstPage + 100 * PAGE_SIZE - buffer;
    for (let i = 0; i < pages.length; i++) assert.equal(pages[i], (offset + i) % 251, `byte ${i}`);
  });

  it('refuses a range past the end of the file', async () => {
    const size = fs.statSync(path.join(loop, 'pages-1.img')).size;
    await assert.rejects(readPages(loop, 1, size / PAGE_SIZE - 1, 2), /pages-1\.img: pages \d+\.\.\d+ run past the end of the file \(1 pages read\)/);
  });
});
