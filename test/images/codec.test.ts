import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UNKNOWN_FIELDS, decodeMessage, type Message } from '../../src/images/codec/decode';
import { encodeMessage } from '../../src/images/codec/encode';
import { parseCritJson } from '../../src/images/json/parse';
import { messageJson } from '../../src/images/json/render';
import { parseProto } from '../../src/images/schema/parse';
import { Schema, type MessageType } from '../../src/images/schema/registry';

const PROTO = `
syntax = "proto2";
import "opts.proto";

// Every scalar kind, with CRIU's display options.
message sample {
  enum color { RED = 1; GREEN = 2; }
  message point { required sint32 x = 1; optional sint64 y = 2; }
  optional int32 i32 = 1;
  optional int64 i64 = 2;
  optional uint64 u64 = 3 [(criu).hex = true];
  optional sint64 s64 = 4;
  optional fixed64 f64 = 5;
  optional sfixed32 sf32 = 6;
  optional bool flag = 7;
  optional string name = 8;
  optional bytes blob = 9;
  optional color shade = 10 [default = RED];
  repeated uint32 packed_list = 11 [packed = true];
  repeated uint32 plain_list = 12;
  optional point where = 13 [(criu).hex = true];
  repeated point path = 14;
  optional uint32 prot = 15 [(criu).flags = "mmap.prot"];
  optional uint32 dev = 16 [(criu).dev = true];
  repeated uint32 addr = 17 [(criu).ipadd = true];
  optional uint32 task_state = 18 [(criu).dict = "gen"];
  optional bytes sock_name = 19 [(criu).conv = "unix_name"];
  optional uint32 other_flags = 20 [(criu).flags = "sk.flags"];
}
`;

const schema = ((): Schema => {
  const file = parseProto(PROTO, 'sample.proto');
  return new Schema(file.messages, file.enums);
})();
const sample: MessageType = schema.message('sample');

function render(message: Message, pretty: boolean): string {
  return messageJson(sample, message, pretty);
}

function roundTrip(message: Message): { bytes: Buffer; decoded: Message } {
  const bytes = encodeMessage(sample, message);
  return { bytes, decoded: decodeMessage(sample, bytes, 0, bytes.length) };
}

describe('protobuf codec', () => {
  it('writes the wire bytes protobuf specifies', () => {
    assert.equal(encodeMessage(sample, { i32: -1 }).toString('hex'), '08ffffffffffffffffff01');
    assert.equal(encodeMessage(sample, { s64: -2 }).toString('hex'), '2003');
    assert.equal(encodeMessage(sample, { packed_list: [1, 300] }).toString('hex'), '5a0301ac02');
    assert.equal(encodeMessage(sample, { plain_list: [1, 300] }).toString('hex'), '600160ac02');
    assert.equal(encodeMessage(sample, { name: 'hi', i32: 150 }).toString('hex'), '089601' + '42026869');
  });

  it('keeps 64-bit values exact: numbers when safe, bigints beyond', () => {
    const values = { i64: -9223372036854775808n, u64: 18446744073709551615n, s64: -4611686018427387904n, f64: 2n ** 63n, sf32: -7 };
    assert.deepEqual(roundTrip(values).decoded, values);
    assert.deepEqual(roundTrip({ i64: 2 ** 53 - 1, u64: 12, s64: -(2 ** 53 - 1) }).decoded, { i64: 2 ** 53 - 1, u64: 12, s64: -(2 ** 53 - 1) });
  });

  it('gives every present field back, in field-number order, with enums by name and bytes in base64', () => {
    const message = {
      where: { x: -3 },
      shade: 'GREEN',
      blob: 'AAEC\n',
      name: 'caf\u00e9',
      flag: false,
      path: [{ x: 1, y: -1 }, { x: 2 }],
      packed_list: [],
    };
    const decoded = roundTrip(message).decoded;
    assert.deepEqual(Object.keys(decoded), ['flag', 'name', 'blob', 'shade', 'where', 'path']);
    assert.deepEqual(decoded, { flag: false, name: 'caf\u00e9', blob: 'AAEC\n', shade: 'GREEN', where: { x: -3 }, path: [{ x: 1, y: -1 }, { x: 2 }] });
  });

  it('reads repeated scalars packed or not, whatever the schema says', () => {
    const packed = Buffer.from('620301ac02', 'hex');
    const unpacked = Buffer.from('580158ac02', 'hex');
    assert.deepEqual(decodeMessage(sample, packed, 0, packed.length), { plain_list: [1, 300] });
    assert.deepEqual(decodeMessage(sample, unpacked, 0, unpacked.length), { packed_list: [1, 300] });
  });

  it('merges a message field that occurs twice, as protobuf does', () => {
    const bytes = Buffer.from('6a0208026a021002', 'hex');
    assert.deepEqual(decodeMessage(sample, bytes, 0, bytes.length), { where: { x: 1, y: 1 } });
  });

  it('keeps unknown fields and unnamed enum values out of the JSON but writes them back', () => {
    const bytes = Buffer.concat([Buffer.from('0801', 'hex'), Buffer.from('f80607', 'hex'), Buffer.from('5009', 'hex')]);
    const decoded: Message = decodeMessage(sample, bytes, 0, bytes.length);
    assert.ok(decoded[UNKNOWN_FIELDS] instanceof Buffer);
    assert.equal(JSON.stringify(decoded), '{"i32":1}');
    assert.deepEqual(decoded, { i32: 1 });
    assert.equal(encodeMessage(sample, decoded).toString('hex'), '0801f806075009');
  });

  it('requires required fields when encoding', () => {
    assert.throws(() => encodeMessage(sample, { where: {} }), /missing required field 'x' of sample\.point/);
  });
});

describe('crit display rules', () => {
  const message: Message = {
    u64: 255,
    where: { x: -3, y: 4 },
    prot: 0x1 | 0x4 | 0x40,
    dev: (8 << 20) | 1,
    addr: [0x0100007f],
    task_state: 6,
    sock_name: '=00abstract',
    other_flags: 2,
    path: [{ x: 5 }],
  };

  it('pretty output shows hex (inherited by nested fields), flags, devices, addresses and names', () => {
    const pretty = JSON.parse(render(message, true));
    assert.deepEqual(pretty, {
      u64: '0xff',
      where: { x: '0x-3', y: '0x4' },
      path: [{ x: 5 }],
      prot: 'PROT_READ | PROT_EXEC | 0x40',
      dev: '8:1',
      addr: ['127.0.0.1'],
      task_state: 'Stopped',
      sock_name: '=00abstract',
      other_flags: '0x2',
    });
  });

  it('plain output leaves numbers as numbers', () => {
    assert.deepEqual(JSON.parse(render(message, false)), JSON.parse(JSON.stringify(message)));
  });

  it('pretty and plain JSON encode to the same bytes', () => {
    const original = encodeMessage(sample, message);
    for (const pretty of [true, false]) {
      const text = render(message, pretty);
      assert.ok(encodeMessage(sample, parseCritJson(text) as Message).equals(original), text);
    }
  });

  it('an empty flags value prints as "" and reads back as 0', () => {
    assert.equal(render({ prot: 0 }, true), '{\n    "prot": ""\n}');
    assert.equal(encodeMessage(sample, { prot: '' }).toString('hex'), '7800');
  });
});
