// The TEA family (protocol/tea.ts) and the NETMF mode (protocol/modes.ts) against every vector of
// shared/data/vectors/tea.json (copied to test/fixtures/vectors/tea.json), both directions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../../../protocol/errors.js';
import { ctsDecrypt, ctsEncrypt } from '../../../protocol/modes.js';
import {
  bytesToWords, teaCipher, teaDecrypt, teaEncrypt, wordsToBytes, xteaCipher, xteaDecrypt, xteaEncrypt, xxteaDecrypt, xxteaEncrypt,
  type BlockCipher, type WordCipher,
} from '../../../protocol/tea.js';
import { hex, unhex } from './envelope-helpers.js';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/vectors/tea.json', import.meta.url), 'utf8'));

interface WordVector { key: string[]; plain: string[]; cipher: string[]; cycles?: number }
interface ByteVector { key: string; plain: string; cipher: string; cycles?: number; cipher_name?: string }

const words = (w: string[]) => Uint32Array.from(w, (x) => parseInt(x, 16));
const wordHex = (v: Uint32Array) => Array.from(v, (x) => x.toString(16).padStart(8, '0'));

function checkWords(section: string, encrypt: (c?: number) => WordCipher, decrypt: (c?: number) => WordCipher): void {
  const list = vectors[section] as WordVector[];
  assert.ok(list.length > 0, section);
  for (const vec of list) {
    const v = words(vec.plain);
    encrypt(vec.cycles)(v, words(vec.key));
    assert.equal(wordHex(v), vec.cipher, `${section} encrypt ${vec.plain.join(' ')}`);
    decrypt(vec.cycles)(v, words(vec.key));
    assert.equal(wordHex(v), vec.plain, `${section} decrypt ${vec.cipher.join(' ')}`);
  }
}

function checkBytes(vec: ByteVector, cipher: BlockCipher): void {
  const block = unhex(vec.plain);
  cipher.encrypt(block, 0);
  assert.is(hex(block), vec.cipher);
  cipher.decrypt(block, 0);
  assert.is(hex(block), vec.plain);
}

const handled = new Set<string>();
const section = (name: string, fn: () => void) => {
  handled.add(name);
  test(`reproduces every ${name} vector of tea.json, encrypting and decrypting`, fn);
};

section('tea_words', () => checkWords('tea_words', () => teaEncrypt, () => teaDecrypt));
section('xtea_words', () => checkWords('xtea_words', (c) => (v, k) => xteaEncrypt(v, k, c), (c) => (v, k) => xteaDecrypt(v, k, c)));
section('xxtea_words', () => checkWords('xxtea_words', () => xxteaEncrypt, () => xxteaDecrypt));

section('xtea_bytes_big_endian_words', () => {
  for (const vec of vectors.xtea_bytes_big_endian_words as ByteVector[]) checkBytes(vec, xteaCipher(unhex(vec.key), 'be', vec.cycles));
});

section('little_endian_words_bytes', () => {
  for (const vec of vectors.little_endian_words_bytes as ByteVector[]) {
    const key = unhex(vec.key);
    checkBytes(vec, vec.cipher_name === 'tea' ? teaCipher(key, 'le') : xteaCipher(key, 'le', vec.cycles));
  }
});

section('netmf_xtea_cbc_cts', () => {
  for (const vec of vectors.netmf_xtea_cbc_cts as { key: string; iv: string | null; plaintextHex: string; ciphertextHex: string }[]) {
    const cipher = xteaCipher(unhex(vec.key), 'le');
    const iv = vec.iv === null ? new Uint8Array(8) : unhex(vec.iv); // NETMF: a null IV is zeros
    assert.is(hex(ctsEncrypt(cipher, iv, unhex(vec.plaintextHex))), vec.ciphertextHex);
    assert.is(hex(ctsDecrypt(cipher, iv, unhex(vec.ciphertextHex))), vec.plaintextHex);
  }
});

test('every vector section of tea.json has a test (a new section cannot be skipped silently)', () => {
  const sections = Object.keys(vectors).filter((k) => Array.isArray(vectors[k]));
  assert.equal(sections.sort(), [...handled].sort());
});

test('word order: the same bytes read as le and be words are byte-reversed words', () => {
  const bytes = unhex('0102030405060708');
  assert.equal(wordHex(bytesToWords(bytes, 'le')), ['04030201', '08070605']);
  assert.equal(wordHex(bytesToWords(bytes, 'be')), ['01020304', '05060708']);
  assert.is(hex(wordsToBytes(bytesToWords(bytes, 'le'), 'le')), '0102030405060708');
});

test('XXTEA round-trips every message length from 2 to 40 words', () => {
  const k = words(['01234567', '89abcdef', 'fedcba98', '76543210']);
  for (let n = 2; n <= 40; n++) {
    const plain = Uint32Array.from({ length: n }, (_, i) => Math.imul(i + 1, 0x9e3779b1) >>> 0);
    const v = plain.slice();
    xxteaEncrypt(v, k);
    assert.not.equal(v, plain);
    xxteaDecrypt(v, k);
    assert.equal(v, plain, `n = ${n}`);
  }
});

test('XXTEA refuses fewer than 2 words and byte data that is not whole words, with a ProtocolError', () => {
  assert.throws(() => xxteaEncrypt(new Uint32Array(1), new Uint32Array(4)), (e: unknown) => e instanceof ProtocolError && e.code === 'bad-length');
  assert.throws(() => bytesToWords(new Uint8Array(5), 'le'), (e: unknown) => e instanceof ProtocolError && e.code === 'bad-length');
  assert.throws(() => teaCipher(new Uint8Array(15), 'le'), (e: unknown) => e instanceof ProtocolError && e.code === 'bad-key');
});

test.run();
