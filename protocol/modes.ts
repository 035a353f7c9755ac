// Block-cipher modes over any 8-byte BlockCipher (tea.ts): CBC (the one implementation every CBC
// envelope uses), CBC with ciphertext stealing exactly as .NET Micro Framework's
// Key_TinyEncryptionAlgorithm does it (reference/iot-hub-amqp.md §9.2: no padding, output length =
// input length, input >= 8 bytes, last two blocks swapped "CS3" style), and PKCS#7 padding.
// Pure functions: inputs are never modified, each call returns a new array.
import { EnvelopeError } from './envelope-error.js';
import type { BlockCipher } from './tea.js';

export const BLOCK = 8;

/**
 * A copy of data[start, end) as a plain Uint8Array. Not `data.slice()`: on a Node Buffer (what
 * rhea, SQLite and the SDKs hand over) `slice` returns a VIEW, so decrypting "a copy" in place
 * decrypted the caller's message in place.
 */
export function copyBytes(data: Uint8Array, start = 0, end = data.length): Uint8Array {
  return new Uint8Array(data.subarray(start, end));
}

function checkIv(iv: Uint8Array): void {
  if (iv.length !== BLOCK) throw new EnvelopeError('bad-iv', `the IV is ${BLOCK} bytes, got ${iv.length}`);
}

/** CBC-encrypts buf[0 .. length) in place; length is a multiple of 8. */
function cbcEncryptInPlace(cipher: BlockCipher, iv: Uint8Array, buf: Uint8Array, length: number): void {
  for (let off = 0; off < length; off += BLOCK) {
    const [prev, at] = off === 0 ? [iv, 0] : [buf, off - BLOCK];
    for (let i = 0; i < BLOCK; i++) buf[off + i]! ^= prev[at + i]!;
    cipher.encrypt(buf, off);
  }
}

/** CBC-decrypts buf[0 .. length) in place, last block first so each previous ciphertext is intact. */
function cbcDecryptInPlace(cipher: BlockCipher, iv: Uint8Array, buf: Uint8Array, length: number): void {
  for (let off = length - BLOCK; off >= 0; off -= BLOCK) {
    cipher.decrypt(buf, off);
    const [prev, at] = off === 0 ? [iv, 0] : [buf, off - BLOCK];
    for (let i = 0; i < BLOCK; i++) buf[off + i]! ^= prev[at + i]!;
  }
}

type InPlace = typeof cbcEncryptInPlace;

function cbc(inPlace: InPlace, cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkIv(iv);
  if (data.length % BLOCK !== 0) throw new EnvelopeError('truncated', `CBC data must be whole ${BLOCK}-byte blocks, got ${data.length} bytes`);
  const buf = copyBytes(data);
  inPlace(cipher, iv, buf, buf.length);
  return buf;
}

export const cbcEncrypt = (cipher: BlockCipher, iv: Uint8Array, plain: Uint8Array): Uint8Array => cbc(cbcEncryptInPlace, cipher, iv, plain);
export const cbcDecrypt = (cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): Uint8Array => cbc(cbcDecryptInPlace, cipher, iv, data);

function ctsLength(data: Uint8Array, what: 'too-short' | 'truncated'): number {
  if (data.length < BLOCK) throw new EnvelopeError(what, `CBC with ciphertext stealing needs at least ${BLOCK} bytes, got ${data.length}`);
  return data.length % BLOCK;
}

/**
 * NETMF CBC-CTS: with r = length mod 8 > 0, C' = E(P(n-1) ^ C(n-2)) and Cn = E((Pn || 0..0) ^ C');
 * output C1 .. C(n-2) || Cn || first r bytes of C'. With r = 0 it is plain CBC.
 */
export function ctsEncrypt(cipher: BlockCipher, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  checkIv(iv);
  const r = ctsLength(plain, 'too-short');
  if (r === 0) return cbcEncrypt(cipher, iv, plain);
  // CBC over the zero-padded input yields C1 .. C(n-2), C', Cn: then swap the last two blocks.
  const full = plain.length - r;
  const buf = new Uint8Array(full + BLOCK);
  buf.set(plain);
  cbcEncryptInPlace(cipher, iv, buf, buf.length);
  const out = copyBytes(buf, 0, plain.length);
  out.set(buf.subarray(full), full - BLOCK); // Cn
  out.set(buf.subarray(full - BLOCK, full - BLOCK + r), full); // head of C'
  return out;
}

export function ctsDecrypt(cipher: BlockCipher, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkIv(iv);
  const r = ctsLength(data, 'truncated');
  if (r === 0) return cbcDecrypt(cipher, iv, data);
  const full = data.length - r;
  // X = D(Cn) = (Pn || 0..0) ^ C', so C' = (head of C') || X[r..8) and Pn = X[0..r) ^ head of C'.
  const x = copyBytes(data, full - BLOCK, full);
  cipher.decrypt(x, 0);
  const buf = new Uint8Array(data.length);
  buf.set(data.subarray(0, full - BLOCK));
  buf.set(data.subarray(full), full - BLOCK);
  buf.set(x.subarray(r), full - BLOCK + r);
  for (let i = 0; i < r; i++) buf[full + i] = x[i]! ^ data[full + i]!;
  cbcDecryptInPlace(cipher, iv, buf, full);
  return buf;
}

/** PKCS#7 (RFC 5652 §6.3): 1..8 bytes, each the pad length; a whole block when already aligned. */
export function pkcs7Pad(data: Uint8Array, block = BLOCK): Uint8Array {
  const n = block - (data.length % block);
  const out = new Uint8Array(data.length + n).fill(n);
  out.set(data);
  return out;
}

export function pkcs7Unpad(data: Uint8Array, block = BLOCK): Uint8Array {
  const n = data[data.length - 1] ?? 0;
  let ok = data.length > 0 && data.length % block === 0 && n >= 1 && n <= block;
  for (let i = data.length - n; ok && i < data.length; i++) ok = data[i] === n;
  if (!ok) throw new EnvelopeError('bad-padding', 'PKCS#7 padding is invalid: wrong key or tampered body');
  return copyBytes(data, 0, data.length - n);
}
