// Payload envelopes on bad input: truncated at every length, tampered, wrong key, fuzzed. The
// contract: `open` returns or throws EnvelopeError, nothing else; where the scheme can tell
// (secretbox, xxtea; PKCS#7 for most wrong keys) it never returns garbage as plaintext.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ENVELOPE_NAMES, EnvelopeError, open, seal, type EnvelopeName } from '../../../protocol/envelope.js';
import { envelopeError, hex, ivFor, keyFor, pattern } from './envelope-helpers.js';

/** Envelopes whose integrity check catches every truncation, tamper and wrong key. */
const CHECKED: EnvelopeName[] = ['xxtea', 'secretbox'];
const CBC: EnvelopeName[] = ['tea-cbc', 'xtea-cbc'];
const plain = pattern(37, 5);
const sealed = (name: EnvelopeName) => seal(name, keyFor(name), plain, ivFor(name));

/** Opens and reports the EnvelopeError code, or 'returned' with the plaintext. */
function attempt(name: EnvelopeName, key: Uint8Array, body: Uint8Array): { code: string; out?: Uint8Array } {
  try {
    return { code: 'returned', out: open(name, key, body) };
  } catch (e) {
    if (e instanceof EnvelopeError) return { code: e.code };
    throw e;
  }
}

test('GIVEN a body cut at every length WHEN opened THEN bodies under the minimum are truncated and xxtea / secretbox always fail', () => {
  for (const name of ENVELOPE_NAMES) {
    const body = sealed(name);
    for (let n = 0; n < body.length; n++) {
      const { code } = attempt(name, keyFor(name), body.subarray(0, n));
      if (CHECKED.includes(name)) assert.ok(code === 'truncated' || code === 'authentication-failed', `${name} cut at ${n}: ${code}`);
      if (CBC.includes(name) && (n < 16 || n % 8 !== 0)) assert.is(code, 'truncated', `${name} cut at ${n}`);
      if (name === 'xtea-cbc-cts' && n < 16) assert.is(code, 'truncated', `${name} cut at ${n}`);
    }
  }
});

test('GIVEN one flipped bit in any byte of an xxtea or secretbox body WHEN opened THEN authentication-failed', () => {
  for (const name of CHECKED) {
    const body = sealed(name);
    for (let i = 0; i < body.length; i++) {
      const tampered = body.slice();
      tampered[i]! ^= 1 << (i % 8);
      assert.is(envelopeError(() => open(name, keyFor(name), tampered)), 'authentication-failed', `${name} byte ${i}`);
    }
  }
});

test('GIVEN 100 wrong keys WHEN opened THEN xxtea and secretbox always fail, CBC+PKCS#7 nearly always (bad-padding), nothing returns the plaintext', () => {
  for (const name of ENVELOPE_NAMES.filter((n) => n !== 'none')) {
    const body = sealed(name);
    let failed = 0;
    for (let seed = 100; seed < 200; seed++) {
      const { code, out } = attempt(name, keyFor(name, seed), body);
      if (code !== 'returned') failed++;
      else assert.is.not(hex(out!), hex(plain), `${name} key ${seed}`);
    }
    if (CHECKED.includes(name)) assert.is(failed, 100, name);
    if (CBC.includes(name)) assert.ok(failed >= 95, `${name}: ${failed} of 100 wrong keys caught`);
  }
});

test('fuzz: open on arbitrary bytes, any envelope, returns or throws EnvelopeError and nothing else', () => {
  const names = fc.constantFrom(...ENVELOPE_NAMES);
  fc.assert(
    fc.property(names, fc.uint8Array({ maxLength: 120 }), fc.nat(1000), (name, body, seed) => {
      attempt(name, keyFor(name, seed), body);
    }),
    { numRuns: 200, seed: 0x7ea },
  );
});

test('fuzz: seal and open with arbitrary names, key, IV and plaintext lengths return or throw EnvelopeError', () => {
  const name = fc.oneof(fc.constantFrom(...ENVELOPE_NAMES), fc.string({ maxLength: 12 })) as fc.Arbitrary<EnvelopeName>;
  fc.assert(
    fc.property(name, fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 30 }), fc.uint8Array({ maxLength: 60 }), (n, key, iv, data) => {
      for (const run of [() => seal(n, key, data, iv), () => open(n, key, data)]) {
        try {
          run();
        } catch (e) {
          if (!(e instanceof EnvelopeError)) throw e;
        }
      }
    }),
    { numRuns: 200, seed: 0x7eb },
  );
});

test.run();
