// CBC, NETMF ciphertext stealing and PKCS#7 (protocol/modes.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cbcDecrypt, cbcEncrypt, ctsDecrypt, ctsEncrypt, pkcs7Pad, pkcs7Unpad } from '../../../protocol/modes.js';
import { xteaCipher } from '../../../protocol/tea.js';
import { envelopeError, hex, pattern } from './envelope-helpers.js';

const cipher = xteaCipher(pattern(16), 'le');
const iv = pattern(8, 9);

test('CBC-CTS keeps the length and round-trips every input length from 8 to 100 bytes', () => {
  for (let n = 8; n <= 100; n++) {
    const plain = pattern(n, n);
    const sealed = ctsEncrypt(cipher, iv, plain);
    assert.is(sealed.length, n);
    assert.is(hex(ctsDecrypt(cipher, iv, sealed)), hex(plain), `n = ${n}`);
  }
});

test('CBC-CTS on whole blocks is plain CBC; with a tail the last two blocks are swapped (Cn, then the head of C\')', () => {
  const plain = pattern(16, 3);
  assert.is(hex(ctsEncrypt(cipher, iv, plain)), hex(cbcEncrypt(cipher, iv, plain)));
  const tail = pattern(13, 3);
  const padded = new Uint8Array(16);
  padded.set(tail);
  const cbc = cbcEncrypt(cipher, iv, padded); // C' || Cn
  assert.is(hex(ctsEncrypt(cipher, iv, tail)), hex(cbc.subarray(8, 16)) + hex(cbc.subarray(0, 5)));
});

test('CBC-CTS refuses inputs under 8 bytes (NETMF minimum) and IVs that are not 8 bytes', () => {
  for (let n = 0; n < 8; n++) {
    assert.is(envelopeError(() => ctsEncrypt(cipher, iv, new Uint8Array(n))), 'too-short');
    assert.is(envelopeError(() => ctsDecrypt(cipher, iv, new Uint8Array(n))), 'truncated');
  }
  assert.is(envelopeError(() => ctsEncrypt(cipher, new Uint8Array(16), new Uint8Array(8))), 'bad-iv');
});

test('CBC refuses data that is not whole blocks', () => {
  assert.is(envelopeError(() => cbcEncrypt(cipher, iv, new Uint8Array(9))), 'truncated');
  assert.is(envelopeError(() => cbcDecrypt(cipher, iv, new Uint8Array(15))), 'truncated');
});

test('PKCS#7 adds 1..8 bytes of the pad length, a whole block when aligned, and removes them', () => {
  for (let n = 0; n <= 24; n++) {
    const padded = pkcs7Pad(pattern(n));
    const pad = 8 - (n % 8);
    assert.is(padded.length, n + pad);
    assert.ok(padded.subarray(n).every((b) => b === pad));
    assert.is(hex(pkcs7Unpad(padded)), hex(pattern(n)));
  }
});

test('PKCS#7 unpad rejects a zero or oversized pad byte, inconsistent pad bytes, empty and unaligned data', () => {
  const bad = ['0102030405060700', '0102030405060709', '0102030405060302', '', '01020304050607'];
  for (const b of bad) assert.is(envelopeError(() => pkcs7Unpad(Uint8Array.from(Buffer.from(b, 'hex')))), 'bad-padding', b);
});

test.run();
