// The one error class of the serial-link codecs (cobs.ts, serial-link-params.ts, serial-frame.ts).
// Encoders throw it for a frame that cannot be sent; FrameDecoder never throws it but returns it
// as a result and counts it in the stat named here (docs/serial-link.md §8).
import { CodedError } from './coded-error.js';

export const SERIAL_FRAME_ERRORS = {
  'bad-cobs': { stat: 'framingErrors', meaning: 'a COBS block runs past the delimiter, or a zero byte inside encoded data' },
  runt: { stat: 'framingErrors', meaning: 'decoded frame shorter than header + CRC (5 bytes)' },
  'crc-mismatch': { stat: 'crcErrors', meaning: 'the CRC-16 over header + payload does not match' },
  oversize: { stat: 'oversize', meaning: 'longer than the maximum frame (payload > 256 bytes)' },
  'unknown-type': { stat: 'invalidFrames', meaning: 'CRC good but the type byte is not in FRAME_TYPES' },
  'bad-field': { stat: 'invalidFrames', meaning: 'CRC good but a field is out of range for its frame type' },
  'unsupported-version': { stat: 'invalidFrames', meaning: 'the peer offers a link protocol version this side does not speak' },
} as const;

export type SerialFrameErrorCode = keyof typeof SERIAL_FRAME_ERRORS;

/** A ProtocolError (via CodedError) whose `code` is a SerialFrameErrorCode. */
export class SerialFrameError extends CodedError<SerialFrameErrorCode> {}
