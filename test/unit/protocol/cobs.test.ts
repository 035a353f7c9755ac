import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { cobsDecode, cobsEncode, cobsEncodedLength } from '../../../protocol/cobs.js';
import { SerialFrameError } from '../../../protocol/serial-frame-error.js';
import { thrown } from '../../helpers/protocol.js';
import { bytes, hex } from './serial-fixtures.js';

const filled = (length: number, value: (i: number) => number): Uint8Array => Uint8Array.from({ length }, (_, i) => value(i));

// Examples from Cheshire & Baker and the Wikipedia COBS article.
const EXAMPLES: [string, string][] = [
  ['', '01'],
  ['00', '01 01'],
  ['00 00', '01 01 01'],
  ['00 11 00', '01 02 11 01'],
  ['11 22 00 33', '03 11 22 02 33'],
  ['11 22 33 44', '05 11 22 33 44'],
  ['11 00 00 00', '02 11 01 01 01'],
];

test('COBS encodes the published examples', () => {
  for (const [plain, encoded] of EXAMPLES) {
    assert.is(hex(cobsEncode(bytes(plain))), encoded, plain);
    assert.is(hex(cobsDecode(bytes(encoded))), hex(bytes(plain)), encoded);
  }
});

test('COBS output never contains 0x00, even for runs of zeros', () => {
  for (const length of [1, 2, 253, 254, 255, 300]) {
    const encoded = cobsEncode(new Uint8Array(length));
    assert.is(encoded.length, length + 1);
    assert.ok(encoded.every((b) => b === 1));
    assert.equal(cobsDecode(encoded), new Uint8Array(length));
  }
});

test('254 non-zero bytes make one 0xFF block with no trailing block (canonical form)', () => {
  const data = filled(254, (i) => (i % 255) + 1);
  const encoded = cobsEncode(data);
  assert.is(encoded.length, 255);
  assert.is(encoded[0], 0xff);
  assert.equal(cobsDecode(encoded), data);
});

test('the decoder also accepts a trailing 0x01 block after a final 0xFF block', () => {
  const data = filled(254, () => 0x42);
  assert.equal(cobsDecode(Uint8Array.of(...cobsEncode(data), 0x01)), data);
});

test('253, 255 and 508 non-zero bytes split into 0xFF blocks at the 254-byte boundaries', () => {
  assert.equal([...cobsEncode(filled(253, () => 7)).subarray(0, 1)], [254]);
  const e255 = cobsEncode(filled(255, () => 7));
  assert.equal([e255[0], e255[255], e255.length], [0xff, 0x02, 257]);
  const e508 = cobsEncode(filled(508, () => 7));
  assert.equal([e508[0], e508[255], e508.length], [0xff, 0xff, 510]);
});

test('a zero right after a 254-byte run is its own 0x01 block', () => {
  const data = Uint8Array.of(...filled(254, () => 9), 0);
  const encoded = cobsEncode(data);
  assert.equal([encoded[0], ...encoded.subarray(255)], [0xff, 0x01, 0x01]);
  assert.equal(cobsDecode(encoded), data);
});

test('encoded length is exactly n + max(1, ceil(n / 254)) for zero-free input', () => {
  for (const n of [0, 1, 253, 254, 255, 261, 508, 509]) {
    assert.is(cobsEncode(filled(n, () => 0x5a)).length, cobsEncodedLength(n), `n = ${n}`);
  }
});

test('COBS round-trips arbitrary bytes, including 254/255-byte boundaries', () => {
  const zeroHeavy = fc.uint8Array({ maxLength: 600 }).map((a) => a.map((b) => (b < 96 ? 0 : b)));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), zeroHeavy, fc.uint8Array({ minLength: 250, maxLength: 260 })), (data) => {
      const encoded = cobsEncode(data);
      assert.ok(!encoded.includes(0));
      assert.ok(encoded.length <= cobsEncodedLength(data.length));
      assert.equal(cobsDecode(encoded), data);
    }),
    { numRuns: 300 },
  );
});

test('bad COBS (a block past the end, a zero inside, no code byte) is a SerialFrameError bad-cobs', () => {
  for (const encoded of ['05 01 02', '03 01 00 02', '']) {
    assert.is(thrown(SerialFrameError, () => cobsDecode(bytes(encoded))).code, 'bad-cobs', encoded);
  }
});

test.run();
