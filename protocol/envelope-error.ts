// The one error class of the payload envelopes and their modes (envelope.ts, modes.ts). `open`
// and `seal` throw nothing else on bad input; `code` says which failure it was.
import { ProtocolError } from './errors.js';

export type EnvelopeErrorCode =
  | 'unknown-envelope' // `enc` names no envelope in ENVELOPES
  | 'bad-key' // key not hex, or not the envelope's key length
  | 'bad-iv' // IV / nonce not the envelope's ivLength
  | 'too-short' // plaintext shorter than the mode allows (CBC-CTS needs >= 8 bytes)
  | 'truncated' // body shorter than the envelope's minimum or not whole blocks
  | 'bad-padding' // PKCS#7 padding invalid after decryption: wrong key or tampered body
  | 'authentication-failed'; // integrity check failed: wrong key or tampered body

export class EnvelopeError extends ProtocolError {
  constructor(
    override readonly code: EnvelopeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
