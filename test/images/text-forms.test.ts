import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDevice, parseDevice } from '../../src/images/json/device';
import { formatIpAddress, parseIpAddress } from '../../src/images/json/ip-address';
import { parseCritJson } from '../../src/images/json/parse';
import { parsePythonIntAuto } from '../../src/images/json/python-int';
import { pythonBase64, pythonHex, pythonJsonString } from '../../src/images/json/python-text';
import { decodeQuotedPrintable, encodeQuotedPrintable } from '../../src/images/json/quoted-printable';
import { decodeText, encodeText } from '../../src/images/json/surrogate-escape';

/** Expected texts below are what Python 3 prints for the same input. */
describe('text forms crit prints', () => {
  it('base64 as base64.encodebytes: 76-character lines, each ending in a newline', () => {
    const text = pythonBase64(Buffer.from(Array.from({ length: 120 }, (_, i) => i)));
    assert.deepEqual(text.split('\n').map((line) => line.length), [76, 76, 8, 0]);
    assert.equal(Buffer.from(text, 'base64').length, 120);
    assert.equal(pythonBase64(Buffer.alloc(0)), '');
    assert.equal(pythonBase64(Buffer.from('abc')), 'YWJj\n');
  });

  it('strings as json.dumps with ensure_ascii', () => {
    assert.equal(pythonJsonString('é\u2603\u{1F600}\x7f\x01"\\/'), '"\\u00e9\\u2603\\ud83d\\ude00\\u007f\\u0001\\"\\\\/"');
    assert.equal(pythonJsonString('tab\there\nnew'), '"tab\\there\\nnew"');
  });

  it('hex as "0x%x", also for 64-bit and negative values', () => {
    assert.equal(pythonHex(0), '0x0');
    assert.equal(pythonHex(0x7f38d4e66a10), '0x7f38d4e66a10');
    assert.equal(pythonHex(2n ** 64n - 4n), '0xfffffffffffffffc');
    assert.equal(pythonHex(-5), '0x-5');
  });

  it('unix socket names as quopri.encodestring', () => {
    const cases: [string, string][] = [
      ['/tmp/criu-wl/unix/listen.sock\x00', '/tmp/criu-wl/unix/listen.sock=00'],
      ['\x00criu-wl-dgram', '=00criu-wl-dgram'],
      ['a=b c\t', 'a=3Db c=09'],
      ['x'.repeat(80), 'x'.repeat(75) + '=\n' + 'x'.repeat(5)],
      ['line one \nline.two\n.', 'line one=20\nline.two\n=2E'],
      ['\xff\xfe caf\xc3\xa9 ', '=FF=FE caf=C3=A9=20'],
    ];
    for (const [raw, quoted] of cases) {
      const bytes = Buffer.from(raw, 'latin1');
      assert.equal(encodeQuotedPrintable(bytes), quoted);
      assert.ok(decodeQuotedPrintable(quoted).equals(bytes), quoted);
    }
  });

  it('IPv4 and IPv6 addresses as the ipaddress module prints them', () => {
    const cases = ['127.0.0.1', '::1', '2001:db8::1', 'fe80::1:0:0:1', '::', '1:0:0:2::3', '1:2:3:4:5:6:7:0', '::ffff:102:304'];
    for (const address of cases) assert.equal(formatIpAddress(parseIpAddress(address) as number[]), address);
    assert.deepEqual(parseIpAddress('127.0.0.1'), [0x0100007f]);
    assert.equal(formatIpAddress(parseIpAddress('::ffff:1.2.3.4') as number[]), '::ffff:102:304');
    assert.equal(parseIpAddress('1.2.3'), undefined);
    assert.equal(parseIpAddress('1::2::3'), undefined);
  });

  it('devices as major:minor in the kernel\'s and in the old glibc packing', () => {
    assert.equal(formatDevice((254 << 20) | 3, false), '254:3');
    assert.equal(parseDevice('254:3', false), BigInt((254 << 20) | 3));
    assert.equal(formatDevice(0x10305, true), '259:5');
    assert.equal(parseDevice('259:5', true), 0x10305n);
    assert.equal(formatDevice(17592187093804, true), '4099:300');
    assert.equal(parseDevice('4099:300', true), 17592187093804n);
    assert.equal(parseDevice('1:2:3', false), undefined);
  });

  it('integers as Python\'s int(text, 0) reads them', () => {
    assert.equal(parsePythonIntAuto('0x1F'), 31n);
    assert.equal(parsePythonIntAuto(' -0o17 '), -15n);
    assert.equal(parsePythonIntAuto('1_000'), 1000n);
    assert.equal(parsePythonIntAuto('0b101'), 5n);
    assert.equal(parsePythonIntAuto('0xffffffffffffffff'), 2n ** 64n - 1n);
    assert.equal(parsePythonIntAuto('010'), undefined);
    assert.equal(parsePythonIntAuto('0x'), undefined);
    assert.equal(parsePythonIntAuto('12a'), undefined);
  });

  it('string fields that are not UTF-8 keep their bytes', () => {
    const bytes = Buffer.from([0x2f, 0x61, 0xff, 0xc3, 0xa9, 0xe2, 0x82]);
    const text = decodeText(bytes);
    assert.equal(text, '/a\udcff\u00e9\udce2\udc82');
    assert.ok(encodeText(text).equals(bytes));
  });
});

describe('JSON input', () => {
  it('keeps 64-bit integers exact and reads Python\'s NaN', () => {
    const parsed = parseCritJson('{"max": 18446744073709551615, "small": 7, "neg": -9223372036854775808, "f": 1.5e3, "n": NaN}') as Record<string, unknown>;
    assert.equal(parsed.max, 18446744073709551615n);
    assert.equal(parsed.small, 7);
    assert.equal(parsed.neg, -9223372036854775808n);
    assert.equal(parsed.f, 1500);
    assert.ok(Number.isNaN(parsed.n));
  });

  it('reports where malformed JSON goes wrong', () => {
    assert.throws(() => parseCritJson('{"a": 1,\n "b" 2}'), /expected ':' at line 2 column 6/);
    assert.throws(() => parseCritJson('[1, 2'), /expected ',' or ']'/);
    assert.throws(() => parseCritJson('"abc'), /unterminated string/);
    assert.throws(() => parseCritJson('{} x'), /extra data/);
  });

  it('does not let a "__proto__" key change the object\'s prototype', () => {
    const parsed = parseCritJson('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.keys(parsed), ['__proto__']);
  });
});
