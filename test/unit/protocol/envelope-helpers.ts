// Shared by the TEA-family and envelope tests: hex conversion, deterministic keys and IVs, and
// catching an EnvelopeError (anything else thrown is a test failure).
import { EnvelopeError, ENVELOPES, type EnvelopeErrorCode, type EnvelopeName } from '../../../protocol/envelope.js';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** `n` bytes from `seed`: distinct per seed, the same on every run. */
export const pattern = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff);
export const keyFor = (name: EnvelopeName, seed = 1): Uint8Array => pattern(ENVELOPES[name].keyLength, seed);
export const ivFor = (name: EnvelopeName, seed = 2): Uint8Array => pattern(ENVELOPES[name].ivLength, seed);

export function envelopeError(fn: () => unknown): EnvelopeErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof EnvelopeError) return e.code;
    throw new Error(`expected an EnvelopeError, got ${String(e)}`);
  }
  throw new Error('expected an EnvelopeError, nothing was thrown');
}
