import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsciiOut, TextSink } from '../../src/images/json/ascii-out';

/** The text an AsciiOut hands its sink, as the sink keeps it; with `reuseChunks`, copied as each chunk comes. */
function written(write: (out: AsciiOut) => void, reuseChunks = false): string {
  const kept: Buffer[] = [];
  const out = new AsciiOut((chunk) => kept.push(reuseChunks ? Buffer.from(chunk) : chunk), reuseChunks);
  write(out);
  out.end();
  return Buffer.concat(kept).toString('latin1');
}

/** Enough text to fill several of the chunks the writer hands over. */
const LONG = 'abcdefghij'.repeat(30_000);

describe('ASCII output', () => {
  it('writes numbers as JavaScript and Python print integers, after a prefix or alone', () => {
    const values = [0, 7, 10, 99, 100, 12_345, 999_999_999, 1e9, 1_000_000_007, 2 ** 53 - 1, -1, -(2 ** 53 - 1), 0.5, 2n ** 64n - 1n, -(2n ** 63n)];
    for (const value of values) {
      assert.equal(written((out) => out.number(value)), String(value));
      assert.equal(written((out) => out.numberAfter(Buffer.from(', "n": '), value)), `, "n": ${value}`);
    }
  });

  it('takes back what was written since a position, even across chunks', () => {
    const text = written((out) => {
      out.write(LONG);
      const mark = out.position;
      out.write(LONG);
      out.rewind(mark);
      out.write('end');
    });
    assert.equal(text, LONG + 'end');
  });

  it('hands over chunks a sink may keep, or one reused buffer when told the sink is done with each', () => {
    for (const reuse of [false, true]) {
      const text = written((out) => {
        for (let i = 0; i < 3; i++) {
          out.write(LONG);
          out.settle();
        }
      }, reuse);
      assert.equal(text, LONG.repeat(3));
    }
  });

  it('collects text as a string', () => {
    const sink = new TextSink();
    const out = new AsciiOut(sink.sink);
    out.write('[');
    out.byte(0x5d);
    out.end();
    assert.equal(sink.text(), '[]');
  });
});
