import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProto } from '../../src/images/schema/parse';
import { Schema } from '../../src/images/schema/registry';

function schemaOf(text: string): Schema {
  const file = parseProto(text, 'test.proto');
  return new Schema(file.messages, file.enums);
}

describe('.proto parser', () => {
  it('reads messages, nested types, enums, labels and options; fields come out in number order', () => {
    const schema = schemaOf(`
      syntax = "proto2";
      import "opts.proto";
      /* a block
         comment */
      message outer {
        message inner { optional uint32 v = 1; } // trailing comment
        enum kind { A = 1; B = 2; }
        reserved 7;
        repeated inner items = 3;
        required kind k = 1 [default = A];
        optional fixed64 addr = 2 [(criu).hex = true, (criu).flags = "mmap.prot"];
        repeated uint32 words = 4 [packed = true, (criu).ipadd = true];
      }
      message user { optional outer.inner ref = 1; optional outer.kind which = 2; }
      extend outer { optional uint32 ext = 100; }
    `);
    const outer = schema.message('outer');
    assert.deepEqual(outer.fields.map((f) => [f.number, f.name, f.label]), [
      [1, 'k', 'required'],
      [2, 'addr', 'optional'],
      [3, 'items', 'repeated'],
      [4, 'words', 'repeated'],
    ]);
    assert.deepEqual(outer.fields[1].options, { hex: true, flags: 'mmap.prot' });
    assert.equal(outer.fields[3].packed, true);
    assert.deepEqual(outer.fields[3].options, { packed: true, ipadd: true });
    const [ref, which] = schema.message('user').fields;
    assert.equal(ref.type.kind === 'message' && ref.type.messageType, schema.message('outer.inner'));
    assert.equal(which.type.kind === 'enum' && which.type.enumType.numberOf.get('B'), 2);
  });

  it('resolves a type name from the innermost scope outwards', () => {
    const schema = schemaOf(`
      message point { optional uint32 top = 1; }
      message shape {
        message point { optional uint32 nested = 1; }
        optional point p = 1;
        optional .point q = 2;
      }
    `);
    const [p, q] = schema.message('shape').fields;
    assert.equal(p.type.kind === 'message' && p.type.messageType.name, 'shape.point');
    assert.equal(q.type.kind === 'message' && q.type.messageType.name, 'point');
  });

  it('names the file and line of a syntax error or an unknown type', () => {
    assert.throws(() => parseProto('message a {\n  uint32 x = 1;\n}', 'bad.proto'), /^Error: bad\.proto:2: field needs a label/);
    assert.throws(() => parseProto('message a {\n  optional uint32 x = 1 [weird = 2];\n}', 'bad.proto'), /bad\.proto:2: unsupported option weird/);
    assert.throws(() => schemaOf('message a { optional nothing x = 1; }'), /field a\.x has unknown type 'nothing'/);
  });
});
