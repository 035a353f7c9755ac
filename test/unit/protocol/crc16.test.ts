import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CRC16, crc16 } from '../../../protocol/crc16.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

test('CRC-16/CCITT-FALSE of "123456789" is the catalogue check value 0x29B1', () => {
  assert.is(crc16(ascii('123456789')), 0x29b1);
  assert.is(CRC16.check, 0x29b1);
});

test('the CRC of no bytes is the initial value 0xFFFF', () => {
  assert.is(crc16(new Uint8Array(0)), 0xffff);
});

test('a running CRC continued over a split gives the CRC of the whole', () => {
  const data = ascii('123456789');
  for (let cut = 0; cut <= data.length; cut++) {
    assert.is(crc16(data.subarray(cut), crc16(data.subarray(0, cut))), 0x29b1, `cut at ${cut}`);
  }
});

test('data followed by its CRC big-endian checks to the residue 0', () => {
  const data = ascii('fogbridge serial link');
  const crc = crc16(data);
  assert.is(crc16(Uint8Array.of(...data, crc >>> 8, crc & 0xff)), CRC16.residue);
});

test('a single flipped bit changes the CRC', () => {
  const data = ascii('123456789');
  for (let bit = 0; bit < data.length * 8; bit++) {
    const flipped = data.slice();
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    assert.is.not(crc16(flipped), 0x29b1, `bit ${bit}`);
  }
});

test.run();
