// How a telemetry body is shown (the monitor's JSON lines, the console): opened with the device's
// envelope key when one is known (the `enc` application property names the envelope, else the
// key's own cipher), then JSON if it parses, else text, else hex; with a note whenever what is
// shown is not the decrypted plaintext. Pure: never throws.
import { ENC_PROPERTY, isEnvelopeName, open, parseKey, type EnvelopeName } from '../../protocol/envelope.js';

export interface EnvelopeKey {
  /** Used when a message has no `enc` property. */
  cipher?: EnvelopeName;
  /** Hex. */
  key: string;
}

export interface BodyView {
  body: unknown;
  /** Present when `body` is not the decrypted plaintext (no key, unknown envelope, failure). */
  note?: string;
  /** The envelope body in hex, when it was opened (the console shows it beside the plaintext). */
  ciphertext?: string;
}

export function viewBody(body: Uint8Array, applicationProperties: Record<string, unknown>, key: EnvelopeKey | undefined, deviceId = 'this device'): BodyView {
  const enc = applicationProperties[ENC_PROPERTY];
  const hex = Buffer.from(body).toString('hex');
  if (enc === 'none' || (enc === undefined && key === undefined)) return plain(body);
  const name = typeof enc === 'string' ? enc : key?.cipher;
  if (name === undefined) return { body: hex, note: `no enc property and no cipher for ${deviceId} in the keys file: body shown as hex` };
  if (!isEnvelopeName(name)) return { body: hex, note: `unknown envelope '${String(name)}': body shown as hex` };
  if (!key) return { body: hex, note: `no key for ${deviceId}: body is the ${name} envelope in hex` };
  try {
    const view = plain(open(name, parseKey(key.key, name), body));
    return view.note ? { body: hex, note: `opened the ${name} envelope with the key for ${deviceId} but the plaintext is not UTF-8 (wrong key?): body shown as hex` } : { ...view, ciphertext: hex };
  } catch (error) {
    return { body: hex, note: `cannot open the ${name} envelope with the key for ${deviceId} (${(error as Error).message}): body shown as hex` };
  }
}

function plain(bytes: Uint8Array): BodyView {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { body: Buffer.from(bytes).toString('hex'), note: 'not UTF-8: body shown as hex' };
  }
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { body: text };
  }
}
