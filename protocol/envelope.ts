// Payload envelopes: how a telemetry or command body is encrypted on the wire. The AMQP
// application property `enc` names the envelope; the body is one data section holding what `seal`
// returns. Table-driven: ENVELOPES holds each envelope's key, IV and minimum body lengths and its
// two functions. Randomness is injected: the caller passes ivLength(name) random bytes to `seal`.
// `seal` / `open` throw only EnvelopeError on bad input. Byte layouts: protocol/README.md, Envelopes.
import nacl from 'tweetnacl';
import { EnvelopeError } from './envelope-error.js';
import { BLOCK, cbcDecrypt, cbcEncrypt, copyBytes, ctsDecrypt, ctsEncrypt, pkcs7Pad, pkcs7Unpad } from './modes.js';
import { bytesToWords, keyWords, teaCipher, wordsToBytes, xteaCipher, xxteaDecrypt, xxteaEncrypt, type BlockCipher } from './tea.js';

export { EnvelopeError, type EnvelopeErrorCode } from './envelope-error.js';

/** The AMQP application property naming the envelope of a message body. */
export const ENC_PROPERTY = 'enc';

interface Envelope {
  readonly keyLength: number; // bytes; 0 = no key, any key passed is ignored
  readonly ivLength: number; // random bytes `seal` needs, sent in clear at the start of the body
  readonly minBody: number; // shorter bodies are `truncated`
  readonly summary: string;
  seal(key: Uint8Array, plain: Uint8Array, iv: Uint8Array): Uint8Array;
  open(key: Uint8Array, body: Uint8Array): Uint8Array;
}

function prefixed(iv: Uint8Array, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(iv.length + rest.length);
  out.set(iv);
  out.set(rest, iv.length);
  return out;
}

/** NETMF uses little-endian words for key and data; every TEA-family envelope here does too. */
const teaLe = (key: Uint8Array): BlockCipher => teaCipher(key, 'le');
const xteaLe = (key: Uint8Array): BlockCipher => xteaCipher(key, 'le');

function cbcPkcs7(cipher: (key: Uint8Array) => BlockCipher, summary: string): Envelope {
  return {
    keyLength: 16, ivLength: BLOCK, minBody: 2 * BLOCK, summary,
    seal: (key, plain, iv) => prefixed(iv, cbcEncrypt(cipher(key), iv, pkcs7Pad(plain))),
    open: (key, body) => pkcs7Unpad(cbcDecrypt(cipher(key), body.subarray(0, BLOCK), body.subarray(BLOCK))),
  };
}

/**
 * XXTEA over a byte string m of >= 8 bytes, length-preserving: XXTEA over the first floor(|m|/4)
 * words, then, when |m| is not a multiple of 4, again over the last floor(|m|/4) words (the two
 * spans overlap, so every byte is covered). Decryption undoes the spans in reverse order.
 */
function xxteaBytes(key: Uint8Array, m: Uint8Array, direction: 'encrypt' | 'decrypt'): void {
  const k = keyWords(key, 'le');
  const span = m.length - (m.length % 4);
  const starts = m.length === span ? [0] : [0, m.length - span];
  for (const start of direction === 'encrypt' ? starts : starts.reverse()) {
    const words = bytesToWords(m.subarray(start, start + span), 'le');
    (direction === 'encrypt' ? xxteaEncrypt : xxteaDecrypt)(words, k);
    m.set(wordsToBytes(words, 'le'), start);
  }
}

export const ENVELOPES = {
  'xtea-cbc-cts': {
    keyLength: 16, ivLength: BLOCK, minBody: 2 * BLOCK,
    summary: 'NETMF Key_TinyEncryptionAlgorithm: XTEA-32, LE words, CBC with ciphertext stealing (default)',
    seal: (key, plain, iv) => prefixed(iv, ctsEncrypt(xteaLe(key), iv, plain)),
    open: (key, body) => ctsDecrypt(xteaLe(key), body.subarray(0, BLOCK), body.subarray(BLOCK)),
  },
  'tea-cbc': cbcPkcs7(teaLe, 'TEA, LE words, CBC, PKCS#7'),
  'xtea-cbc': cbcPkcs7(xteaLe, 'XTEA-32, LE words, CBC, PKCS#7'),
  xxtea: {
    keyLength: 16, ivLength: BLOCK, minBody: 2 * BLOCK,
    summary: 'XXTEA, LE words, over nonce || data, nonce repeated in clear and checked',
    seal(key, plain, iv) {
      const m = prefixed(iv, plain);
      xxteaBytes(key, m, 'encrypt');
      return prefixed(iv, m);
    },
    open(key, body) {
      const m = copyBytes(body, BLOCK);
      xxteaBytes(key, m, 'decrypt');
      for (let i = 0; i < BLOCK; i++) {
        if (m[i] !== body[i]) throw new EnvelopeError('authentication-failed', 'xxtea: the nonce inside does not match the nonce in clear: wrong key or tampered body');
      }
      return copyBytes(m, BLOCK);
    },
  },
  secretbox: {
    keyLength: nacl.secretbox.keyLength, ivLength: nacl.secretbox.nonceLength,
    minBody: nacl.secretbox.nonceLength + nacl.secretbox.overheadLength,
    summary: 'tweetnacl XSalsa20-Poly1305, authenticated',
    seal: (key, plain, iv) => prefixed(iv, nacl.secretbox(plain, iv, key)),
    open(key, body) {
      const plain = nacl.secretbox.open(body.subarray(nacl.secretbox.nonceLength), body.subarray(0, nacl.secretbox.nonceLength), key);
      if (!plain) throw new EnvelopeError('authentication-failed', 'secretbox: authentication failed: wrong key or tampered body');
      return plain;
    },
  },
  none: {
    keyLength: 0, ivLength: 0, minBody: 0,
    summary: 'no encryption: the body is the plaintext',
    seal: (_key, plain) => copyBytes(plain),
    open: (_key, body) => copyBytes(body),
  },
} as const satisfies Record<string, Envelope>;

export type EnvelopeName = keyof typeof ENVELOPES;
export const ENVELOPE_NAMES = Object.keys(ENVELOPES) as EnvelopeName[];
export const DEFAULT_ENVELOPE: EnvelopeName = 'xtea-cbc-cts';

export function isEnvelopeName(s: string): s is EnvelopeName {
  return Object.hasOwn(ENVELOPES, s);
}

function envelope(name: string): Envelope {
  if (!isEnvelopeName(name)) throw new EnvelopeError('unknown-envelope', `unknown envelope '${name}': one of ${ENVELOPE_NAMES.join(', ')}`);
  return ENVELOPES[name];
}

function checkKey(name: string, env: Envelope, key: Uint8Array): void {
  if (env.keyLength > 0 && key.length !== env.keyLength) {
    throw new EnvelopeError('bad-key', `${name} needs a ${env.keyLength}-byte key (${2 * env.keyLength} hex digits), got ${key.length} bytes`);
  }
}

export function ivLength(name: EnvelopeName): number {
  return envelope(name).ivLength;
}

/** A hex key (either case) of exactly the envelope's key length; `none` takes the empty string. */
export function parseKey(hex: string, name: EnvelopeName): Uint8Array {
  const env = envelope(name);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new EnvelopeError('bad-key', `${name}: the key must be hex digits, an even number of them`);
  const key = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  if (key.length !== env.keyLength) {
    throw new EnvelopeError('bad-key', `${name} needs a ${env.keyLength}-byte key (${2 * env.keyLength} hex digits), got ${key.length} bytes`);
  }
  return key;
}

export function seal(name: EnvelopeName, key: Uint8Array, plaintext: Uint8Array, iv: Uint8Array): Uint8Array {
  const env = envelope(name);
  checkKey(name, env, key);
  if (iv.length !== env.ivLength) throw new EnvelopeError('bad-iv', `${name} needs ${env.ivLength} IV/nonce bytes, got ${iv.length}`);
  return env.seal(key, plaintext, iv);
}

export function open(name: EnvelopeName, key: Uint8Array, body: Uint8Array): Uint8Array {
  const env = envelope(name);
  checkKey(name, env, key);
  if (body.length < env.minBody) throw new EnvelopeError('truncated', `${name}: a body is at least ${env.minBody} bytes, got ${body.length}`);
  return env.open(key, body);
}
