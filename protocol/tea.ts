// The TEA family on 32-bit words (Wheeler & Needham): TEA (1994, 32 cycles), XTEA ("Tea
// extensions", 1997; cycles configurable, default 32) and XXTEA ("Correction to xtea", 1998,
// Corrected Block TEA over a whole message of n >= 2 words). The word functions work in place on a
// Uint32Array and know no byte order; `blockCipher` puts an 8-byte block cipher on top with an
// explicit 'le' | 'be' word order, which `readWord` / `writeWord` apply in exactly one place.
// NETMF's Key_TinyEncryptionAlgorithm reads key and data as little-endian words
// (reference/iot-hub-amqp.md §9.2); Bouncy Castle and the TEA papers' byte vectors use big-endian.
import { ProtocolError } from './errors.js';

export type WordOrder = 'le' | 'be';

/** 2^32 / golden ratio, the key-schedule constant of every TEA variant. */
const DELTA = 0x9e3779b9;
export const TEA_CYCLES = 32;
export const XTEA_DEFAULT_CYCLES = 32;

export function readWord(bytes: Uint8Array, offset: number, order: WordOrder): number {
  const a = bytes[offset]!, b = bytes[offset + 1]!, c = bytes[offset + 2]!, d = bytes[offset + 3]!;
  return (order === 'le' ? (d << 24) | (c << 16) | (b << 8) | a : (a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export function writeWord(bytes: Uint8Array, offset: number, word: number, order: WordOrder): void {
  for (let i = 0; i < 4; i++) bytes[offset + (order === 'le' ? i : 3 - i)] = (word >>> (8 * i)) & 0xff;
}

/** Bytes (a multiple of 4) to words in the given order. */
export function bytesToWords(bytes: Uint8Array, order: WordOrder): Uint32Array {
  if (bytes.length % 4 !== 0) throw new ProtocolError('bad-length', `word data must be a multiple of 4 bytes, got ${bytes.length}`);
  const words = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = readWord(bytes, 4 * i, order);
  return words;
}

export function wordsToBytes(words: Uint32Array, order: WordOrder): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  words.forEach((w, i) => writeWord(bytes, 4 * i, w, order));
  return bytes;
}

/** A 128-bit key as k0..k3. */
export function keyWords(key: Uint8Array, order: WordOrder): Uint32Array {
  if (key.length !== 16) throw new ProtocolError('bad-key', `a TEA-family key is 16 bytes, got ${key.length}`);
  return bytesToWords(key, order);
}

// The arithmetic below relies on JS semantics: `^`, `<<` and `|` take operands mod 2^32, and
// `>>> 0` brings a sum back to an unsigned 32-bit word.

export function teaEncrypt(v: Uint32Array, k: Uint32Array): void {
  let v0 = v[0]!, v1 = v[1]!, sum = 0;
  const k0 = k[0]!, k1 = k[1]!, k2 = k[2]!, k3 = k[3]!;
  for (let i = 0; i < TEA_CYCLES; i++) {
    sum = (sum + DELTA) >>> 0;
    v0 = (v0 + (((v1 << 4) + k0) ^ (v1 + sum) ^ ((v1 >>> 5) + k1))) >>> 0;
    v1 = (v1 + (((v0 << 4) + k2) ^ (v0 + sum) ^ ((v0 >>> 5) + k3))) >>> 0;
  }
  v[0] = v0;
  v[1] = v1;
}

export function teaDecrypt(v: Uint32Array, k: Uint32Array): void {
  let v0 = v[0]!, v1 = v[1]!, sum = Math.imul(DELTA, TEA_CYCLES) >>> 0;
  const k0 = k[0]!, k1 = k[1]!, k2 = k[2]!, k3 = k[3]!;
  for (let i = 0; i < TEA_CYCLES; i++) {
    v1 = (v1 - (((v0 << 4) + k2) ^ (v0 + sum) ^ ((v0 >>> 5) + k3))) >>> 0;
    v0 = (v0 - (((v1 << 4) + k0) ^ (v1 + sum) ^ ((v1 >>> 5) + k1))) >>> 0;
    sum = (sum - DELTA) >>> 0;
  }
  v[0] = v0;
  v[1] = v1;
}

export function xteaEncrypt(v: Uint32Array, k: Uint32Array, cycles = XTEA_DEFAULT_CYCLES): void {
  let v0 = v[0]!, v1 = v[1]!, sum = 0;
  for (let i = 0; i < cycles; i++) {
    v0 = (v0 + ((((v1 << 4) ^ (v1 >>> 5)) + v1) ^ (sum + k[sum & 3]!))) >>> 0;
    sum = (sum + DELTA) >>> 0;
    v1 = (v1 + ((((v0 << 4) ^ (v0 >>> 5)) + v0) ^ (sum + k[(sum >>> 11) & 3]!))) >>> 0;
  }
  v[0] = v0;
  v[1] = v1;
}

export function xteaDecrypt(v: Uint32Array, k: Uint32Array, cycles = XTEA_DEFAULT_CYCLES): void {
  let v0 = v[0]!, v1 = v[1]!, sum = Math.imul(DELTA, cycles) >>> 0;
  for (let i = 0; i < cycles; i++) {
    v1 = (v1 - ((((v0 << 4) ^ (v0 >>> 5)) + v0) ^ (sum + k[(sum >>> 11) & 3]!))) >>> 0;
    sum = (sum - DELTA) >>> 0;
    v0 = (v0 - ((((v1 << 4) ^ (v1 >>> 5)) + v1) ^ (sum + k[sum & 3]!))) >>> 0;
  }
  v[0] = v0;
  v[1] = v1;
}

/** XXTEA's MX mixing function, shared by both directions. */
function mx(sum: number, y: number, z: number, p: number, e: number, k: Uint32Array): number {
  return (((z >>> 5) ^ (y << 2)) + ((y >>> 3) ^ (z << 4))) ^ ((sum ^ y) + (k[(p & 3) ^ e]! ^ z));
}

function xxteaWords(v: Uint32Array): number {
  if (v.length < 2) throw new ProtocolError('bad-length', `XXTEA needs at least 2 words, got ${v.length}`);
  return v.length;
}

/** Corrected Block TEA: encrypts all n >= 2 words of `v` in place, 6 + 52/n cycles. */
export function xxteaEncrypt(v: Uint32Array, k: Uint32Array): void {
  const n = xxteaWords(v);
  let sum = 0, z = v[n - 1]!;
  for (let rounds = 6 + Math.floor(52 / n); rounds > 0; rounds--) {
    sum = (sum + DELTA) >>> 0;
    const e = (sum >>> 2) & 3;
    for (let p = 0; p < n; p++) {
      v[p] = v[p]! + mx(sum, v[(p + 1) % n]!, z, p, e, k);
      z = v[p]!;
    }
  }
}

export function xxteaDecrypt(v: Uint32Array, k: Uint32Array): void {
  const n = xxteaWords(v);
  const rounds = 6 + Math.floor(52 / n);
  let sum = Math.imul(DELTA, rounds) >>> 0, y = v[0]!;
  for (let r = rounds; r > 0; r--) {
    const e = (sum >>> 2) & 3;
    for (let p = n - 1; p >= 0; p--) {
      v[p] = v[p]! - mx(sum, y, v[(p + n - 1) % n]!, p, e, k);
      y = v[p]!;
    }
    sum = (sum - DELTA) >>> 0;
  }
}

/** An 8-byte block cipher working in place on `block[offset .. offset+8)`. */
export interface BlockCipher {
  encrypt(block: Uint8Array, offset: number): void;
  decrypt(block: Uint8Array, offset: number): void;
}

export type WordCipher = (v: Uint32Array, k: Uint32Array) => void;

/** TEA or XTEA on bytes: key and block read as words in `order`. */
export function blockCipher(encrypt: WordCipher, decrypt: WordCipher, key: Uint8Array, order: WordOrder): BlockCipher {
  const k = keyWords(key, order);
  const v = new Uint32Array(2);
  const onBytes = (f: WordCipher) => (block: Uint8Array, offset: number) => {
    v[0] = readWord(block, offset, order);
    v[1] = readWord(block, offset + 4, order);
    f(v, k);
    writeWord(block, offset, v[0], order);
    writeWord(block, offset + 4, v[1], order);
  };
  return { encrypt: onBytes(encrypt), decrypt: onBytes(decrypt) };
}

export const teaCipher = (key: Uint8Array, order: WordOrder): BlockCipher => blockCipher(teaEncrypt, teaDecrypt, key, order);

export const xteaCipher = (key: Uint8Array, order: WordOrder, cycles = XTEA_DEFAULT_CYCLES): BlockCipher =>
  blockCipher((v, k) => xteaEncrypt(v, k, cycles), (v, k) => xteaDecrypt(v, k, cycles), key, order);
