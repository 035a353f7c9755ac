// Payload envelopes (protocol/envelope.ts): golden bodies, round trips, the key / IV API.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_ENVELOPE, ENC_PROPERTY, ENVELOPE_NAMES, ENVELOPES, EnvelopeError, isEnvelopeName, ivLength, open, parseKey, seal, type EnvelopeName,
} from '../../../protocol/envelope.js';
import { ProtocolError } from '../../../protocol/errors.js';
import { envelopeError, hex, ivFor, keyFor, pattern, unhex } from './envelope-helpers.js';

const golden = JSON.parse(readFileSync(new URL('../../fixtures/envelopes.json', import.meta.url), 'utf8')) as {
  fixtures: { envelope: EnvelopeName; key: string; iv: string; plaintext: string; body: string }[];
};
const tea = JSON.parse(readFileSync(new URL('../../fixtures/vectors/tea.json', import.meta.url), 'utf8'));

test('GIVEN the golden fixtures WHEN each plaintext is sealed with its key and IV THEN the body is byte for byte the pinned one, and opens back', () => {
  for (const f of golden.fixtures) {
    assert.is(hex(seal(f.envelope, unhex(f.key), unhex(f.plaintext), unhex(f.iv))), f.body, `${f.envelope} ${f.plaintext}`);
    assert.is(hex(open(f.envelope, unhex(f.key), unhex(f.body))), f.plaintext);
  }
  assert.equal([...new Set(golden.fixtures.map((f) => f.envelope))], ENVELOPE_NAMES);
});

test('xtea-cbc-cts bodies are IV || the NETMF ciphertext of tea.json (a null IV is sent as 8 zero bytes)', () => {
  for (const v of tea.netmf_xtea_cbc_cts as { key: string; iv: string | null; plaintextHex: string; ciphertextHex: string }[]) {
    const iv = v.iv ?? '0000000000000000';
    assert.is(hex(seal('xtea-cbc-cts', unhex(v.key), unhex(v.plaintextHex), unhex(iv))), iv + v.ciphertextHex);
    assert.is(hex(open('xtea-cbc-cts', unhex(v.key), unhex(iv + v.ciphertextHex))), v.plaintextHex);
  }
});

test('every envelope round-trips every plaintext length from 0 to 100 bytes (xtea-cbc-cts from 8)', () => {
  for (const name of ENVELOPE_NAMES) {
    for (let n = name === 'xtea-cbc-cts' ? 8 : 0; n <= 100; n++) {
      const plain = pattern(n, n);
      const body = seal(name, keyFor(name), plain, ivFor(name));
      assert.is(hex(open(name, keyFor(name), body)), hex(plain), `${name} n = ${n}`);
    }
  }
});

test('body lengths: IV + n (cts, xxtea after its 8-byte inner nonce), IV + padded n (cbc), nonce + 16 + n (secretbox)', () => {
  const expected: Record<EnvelopeName, (n: number) => number> = {
    'xtea-cbc-cts': (n) => 8 + n,
    'tea-cbc': (n) => 8 + (n - (n % 8) + 8),
    'xtea-cbc': (n) => 8 + (n - (n % 8) + 8),
    xxtea: (n) => 16 + n,
    secretbox: (n) => 24 + 16 + n,
    none: (n) => n,
  };
  for (const name of ENVELOPE_NAMES) {
    for (const n of [8, 13, 16, 256]) assert.is(seal(name, keyFor(name), pattern(n), ivFor(name)).length, expected[name](n), `${name} ${n}`);
  }
});

test('a different IV gives a different body for every envelope but none', () => {
  for (const name of ENVELOPE_NAMES.filter((n) => n !== 'none')) {
    const a = seal(name, keyFor(name), pattern(40), ivFor(name, 1));
    const b = seal(name, keyFor(name), pattern(40), ivFor(name, 2));
    assert.is.not(hex(a.subarray(ivLength(name))), hex(b.subarray(ivLength(name))), name);
  }
});

test('the table: xtea-cbc-cts is the default, `enc` is the property, key and IV lengths as documented', () => {
  assert.is(DEFAULT_ENVELOPE, 'xtea-cbc-cts');
  assert.is(ENC_PROPERTY, 'enc');
  assert.equal(ENVELOPE_NAMES, ['xtea-cbc-cts', 'tea-cbc', 'xtea-cbc', 'xxtea', 'secretbox', 'none']);
  assert.equal(ENVELOPE_NAMES.map((n) => [ENVELOPES[n].keyLength, ivLength(n)]), [[16, 8], [16, 8], [16, 8], [16, 8], [32, 24], [0, 0]]);
  assert.ok(isEnvelopeName('xxtea'));
  assert.not.ok(isEnvelopeName('aes') || isEnvelopeName('toString') || isEnvelopeName('XTEA-CBC-CTS'));
});

test('parseKey takes hex of either case and names the expected length when it is wrong', () => {
  assert.is(hex(parseKey('0102030405060708090A0B0C0D0E0F10', 'xtea-cbc')), '0102030405060708090a0b0c0d0e0f10');
  assert.is(parseKey('', 'none').length, 0);
  const e = (() => { try { parseKey('00'.repeat(16), 'secretbox'); } catch (x) { return x; } })();
  assert.ok(e instanceof EnvelopeError && e instanceof ProtocolError && e.code === 'bad-key');
  assert.match((e as Error).message, /32-byte key \(64 hex digits\), got 16 bytes/);
  for (const bad of ['xyz0', '012', '01 02', '00'.repeat(15)]) assert.is(envelopeError(() => parseKey(bad, 'tea-cbc')), 'bad-key', bad);
});

test('seal and open refuse an unknown envelope, a wrong-length key and a wrong-length IV with EnvelopeError', () => {
  assert.is(envelopeError(() => seal('aes' as EnvelopeName, pattern(16), pattern(8), pattern(8))), 'unknown-envelope');
  assert.is(envelopeError(() => open('aes' as EnvelopeName, pattern(16), pattern(8))), 'unknown-envelope');
  assert.is(envelopeError(() => ivLength('aes' as EnvelopeName)), 'unknown-envelope');
  assert.is(envelopeError(() => seal('secretbox', pattern(16), pattern(8), pattern(24))), 'bad-key');
  assert.is(envelopeError(() => open('xxtea', pattern(32), pattern(32))), 'bad-key');
  assert.is(envelopeError(() => seal('xtea-cbc', pattern(16), pattern(8), pattern(16))), 'bad-iv');
  assert.is(envelopeError(() => seal('secretbox', pattern(32), pattern(8), pattern(8))), 'bad-iv');
  assert.is(envelopeError(() => seal('xtea-cbc-cts', pattern(16), pattern(7), pattern(8))), 'too-short');
  assert.is(hex(seal('none', pattern(5), pattern(3), new Uint8Array(0))), hex(pattern(3)), 'none ignores the key');
});

test.run();
