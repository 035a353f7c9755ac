// The serial link's constants and the parameters its open / open-ack frames carry
// (docs/serial-link.md §6–§7). The payload of open and open-ack is 6 bytes:
//   version u8 | window u8 | maxPayload u16 big-endian | session u16 big-endian
// Contract: pure. encode/decode throw SerialFrameError('bad-field') naming the field;
// negotiateLinkParams throws SerialFrameError('unsupported-version').
import { SerialFrameError } from './serial-frame-error.js';

/** Protocol constants and the timer defaults of the reliable link at 115200 baud (§9). */
export const SERIAL_LINK = {
  version: 1,
  maxPayload: 256,
  defaultWindow: 8,
  maxWindow: 127, // < half the 8-bit sequence space
  rtoMs: 400, // retransmission timeout
  maxRetries: 8, // consecutive timeouts without progress before the link is declared dead
  ackDelayMs: 20, // a received data frame is acknowledged within this
  keepaliveMs: 1000, // send a ping after this long without sending anything
  deadMs: 4000, // link dead after this long without receiving a valid frame
  openRetryMs: 2000, // open retried at this interval after maxRetries fast tries
  closeRetries: 3, // close resent at most this many times, one RTO apart
} as const;

export interface LinkParams {
  readonly version: number; // 1..255; only 1 is defined
  readonly window: number; // 1..127 data frames in flight
  readonly maxPayload: number; // 1..256 bytes of data-frame payload
  readonly session: number; // 0..65535, chosen by the opener, new for every open
}

export const LINK_PARAMS_LENGTH = 6;

const RANGES: Record<keyof LinkParams, readonly [number, number]> = {
  version: [1, 255],
  window: [1, SERIAL_LINK.maxWindow],
  maxPayload: [1, SERIAL_LINK.maxPayload],
  session: [0, 0xffff],
};

function checked(params: LinkParams): LinkParams {
  for (const [field, [min, max]] of Object.entries(RANGES) as [keyof LinkParams, readonly [number, number]][]) {
    const value = params[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new SerialFrameError('bad-field', `link parameter ${field} is ${value}: must be an integer in ${min}..${max}`);
    }
  }
  return params;
}

export function encodeLinkParams(params: LinkParams): Uint8Array {
  const { version, window, maxPayload, session } = checked(params);
  return Uint8Array.of(version, window, maxPayload >>> 8, maxPayload & 0xff, session >>> 8, session & 0xff);
}

export function decodeLinkParams(bytes: Uint8Array): LinkParams {
  if (bytes.length !== LINK_PARAMS_LENGTH) {
    throw new SerialFrameError('bad-field', `link parameters are ${bytes.length} bytes: must be ${LINK_PARAMS_LENGTH}`);
  }
  const at = (i: number): number => bytes[i]!;
  return checked({ version: at(0), window: at(1), maxPayload: (at(2) << 8) | at(3), session: (at(4) << 8) | at(5) });
}

/**
 * What the responder answers in open-ack to an `offered` open, given its own `local` limits:
 * the smaller window and max payload, the opener's session. Versions must match (only 1 exists).
 */
export function negotiateLinkParams(offered: LinkParams, local: LinkParams): LinkParams {
  if (offered.version !== local.version) {
    throw new SerialFrameError('unsupported-version', `peer offers link version ${offered.version}, this side speaks ${local.version}`);
  }
  return checked({
    version: local.version,
    window: Math.min(offered.window, local.window),
    maxPayload: Math.min(offered.maxPayload, local.maxPayload),
    session: offered.session,
  });
}
