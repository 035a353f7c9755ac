// encoding-check: what rhea can decode safely passes; sizes and counts that lie are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea from 'rhea';
import fc from 'fast-check';
import { checkValue, EncodingError } from '../../../gateway/router/encoding-check.js';

const check = (bytes: number[]): number => checkValue(Buffer.from(bytes), 0, bytes.length);

test('messages rhea encodes pass, and the walk ends exactly at the end of each section', () => {
  const encoded = rhea.message.encode({ message_id: 'm1', to: '$cbs', application_properties: { operation: 'put-token', n: 7, ok: true }, message_annotations: { 'x-opt-a': [1, 2, 3] }, body: Buffer.alloc(300, 1) } as never);
  let p = 0;
  while (p < encoded.length) p = checkValue(encoded, p, encoded.length);
  assert.is(p, encoded.length);
});

test('golden encodings: null, smalluint, str8 "ab", list8 [true], map8 {sym a: null}, array8 of 2 ubytes', () => {
  assert.is(check([0x40]), 1);
  assert.is(check([0x52, 0x07]), 2);
  assert.is(check([0xa1, 0x02, 0x61, 0x62]), 4);
  assert.is(check([0xc0, 0x02, 0x01, 0x41]), 4);
  assert.is(check([0xc1, 0x05, 0x02, 0xa3, 0x01, 0x61, 0x40]), 7);
  assert.is(check([0xe0, 0x04, 0x02, 0x50, 0x01, 0x02]), 6);
});

test('lies are refused: size past the end, count beyond the bytes, odd map, unknown constructor, deep nesting, a million empty elements', () => {
  const refused = (bytes: number[]): void => assert.throws(() => check(bytes), (e: unknown) => e instanceof EncodingError);
  refused([0xa1, 0x05, 0x61]);
  refused([0xc0, 0x02, 0x09, 0x40]);
  refused([0xc1, 0x02, 0x01, 0x40]);
  refused([0x2f]);
  refused([...Array(40).fill([0xc0, 0x00, 0x01]).flat()]);
  refused([0xf0, 0x00, 0x00, 0x00, 0x05, 0x00, 0x0f, 0x42, 0x40, 0x40]);
});

test('fuzz: any bytes either pass within bounds or throw EncodingError, never anything else', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    try {
      const end = checkValue(Buffer.from(bytes), 0, bytes.length);
      return end <= bytes.length;
    } catch (e) {
      return e instanceof EncodingError;
    }
  }), { numRuns: 2000 });
});

test.run();
