// Keys for emulated fleets, derived deterministically so a hub can be given the same ones:
// - the device's SAS key: base64(HMAC-SHA256(base64-decoded group key, deviceId)), the rule
//   Azure DPS uses for group-enrollment device keys;
// - the envelope key when none is given: the first keyLength bytes of
//   HMAC-SHA256(base64-decoded device key, "fogbridge-envelope").
import { createHmac } from 'node:crypto';
import { ENVELOPES, type EnvelopeName } from '../protocol/envelope.js';

export function deriveDeviceKey(groupKeyBase64: string, deviceId: string): string {
  return createHmac('sha256', Buffer.from(groupKeyBase64, 'base64')).update(deviceId, 'utf8').digest('base64');
}

export function deriveEnvelopeKey(deviceKeyBase64: string, name: EnvelopeName): Uint8Array {
  const length: number = ENVELOPES[name].keyLength;
  const digest = createHmac('sha256', Buffer.from(deviceKeyBase64, 'base64')).update('fogbridge-envelope', 'utf8').digest();
  return new Uint8Array(digest.subarray(0, length));
}

/** `<base>-0001` … : the ids of a fleet of `count` boards. */
export function fleetDeviceIds(base: string, count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `${base}-${String(i + 1).padStart(width, '0')}`);
}
