// Frames of the gateway <-> board serial link (docs/serial-link.md). On the wire one frame is
//   0x00 | COBS( type u8 | seq u8 | ack u8 | payload 0..256 | CRC-16/CCITT-FALSE u16 big-endian ) | 0x00
// The CRC covers type..payload. The leading 0x00 ends any garbage that came before, so the frame
// after it decodes; back-to-back frames show 0x00 0x00 and the empty frame between is ignored.
// Contract: pure. encodeFrame throws SerialFrameError for a frame it cannot send. FrameDecoder is a
// byte-at-a-time state machine: it never throws on input; every non-empty chunk between delimiters
// yields one result, a frame or a typed error, counted in `stats`, and decoding resumes at the next
// delimiter. It holds at most one maximum frame (261 decoded bytes) whatever it is fed.
import { cobsEncode, cobsEncodedLength, CobsDecoder } from './cobs.js';
import { crc16 } from './crc16.js';
import { SERIAL_FRAME_ERRORS, SerialFrameError, type SerialFrameErrorCode } from './serial-frame-error.js';
import { decodeLinkParams, encodeLinkParams, SERIAL_LINK, type LinkParams } from './serial-link-params.js';

export const FRAME_TYPES = {
  open: 0x01,
  'open-ack': 0x02,
  data: 0x03,
  ack: 0x04,
  close: 0x05,
  ping: 0x06,
  pong: 0x07,
} as const;
export type FrameType = keyof typeof FRAME_TYPES;

export const CLOSE_REASONS = {
  normal: 0x00,
  'unsupported-version': 0x01,
  'peer-unresponsive': 0x02,
  'protocol-violation': 0x03,
} as const;
export type CloseReason = keyof typeof CLOSE_REASONS;

const HEADER_LENGTH = 3;
const CRC_LENGTH = 2;
const MAX_DECODED_LENGTH = HEADER_LENGTH + SERIAL_LINK.maxPayload + CRC_LENGTH;

export const FRAME_LIMITS = {
  delimiter: 0x00,
  headerLength: HEADER_LENGTH,
  crcLength: CRC_LENGTH,
  maxPayload: SERIAL_LINK.maxPayload,
  maxPingPayload: 8,
  minDecodedLength: HEADER_LENGTH + CRC_LENGTH, // 5
  maxDecodedLength: MAX_DECODED_LENGTH, // 261
  maxWireLength: 2 + cobsEncodedLength(MAX_DECODED_LENGTH), // 265, both delimiters included
} as const;

/** seq and ack are 0..255 and wrap; fields a type does not have are sent as 0 and ignored. */
export type SerialFrame =
  | { readonly type: 'open'; readonly params: LinkParams }
  | { readonly type: 'open-ack'; readonly params: LinkParams }
  | { readonly type: 'data'; readonly seq: number; readonly ack: number; readonly payload: Uint8Array }
  | { readonly type: 'ack'; readonly ack: number }
  | { readonly type: 'close'; readonly reason: CloseReason }
  | { readonly type: 'ping'; readonly payload: Uint8Array }
  | { readonly type: 'pong'; readonly payload: Uint8Array };

export type DecodeResult = { readonly ok: true; readonly frame: SerialFrame } | { readonly ok: false; readonly error: SerialFrameError };

export interface FrameDecoderStats {
  frames: number; // good frames returned
  crcErrors: number;
  framingErrors: number; // bad COBS or runt
  oversize: number;
  invalidFrames: number; // CRC good, content not: unknown type, field out of range
  droppedBytes: number; // wire bytes (delimiters excluded) of every chunk that gave an error
}

const TYPE_OF_CODE = new Map<number, FrameType>(Object.entries(FRAME_TYPES).map(([name, code]) => [code, name as FrameType]));
const REASON_OF_CODE = new Map<number, CloseReason>(Object.entries(CLOSE_REASONS).map(([name, code]) => [code, name as CloseReason]));
const EMPTY = new Uint8Array(0);

function octet(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new SerialFrameError('bad-field', `${name} is ${value}: must be an integer in 0..255`);
  return value;
}

function pingPayload(payload: Uint8Array): Uint8Array {
  if (payload.length > FRAME_LIMITS.maxPingPayload) {
    throw new SerialFrameError('bad-field', `ping/pong payload is ${payload.length} bytes: at most ${FRAME_LIMITS.maxPingPayload}`);
  }
  return payload;
}

function fieldsOf(frame: SerialFrame): { seq: number; ack: number; payload: Uint8Array } {
  switch (frame.type) {
    case 'open':
    case 'open-ack':
      return { seq: 0, ack: 0, payload: encodeLinkParams(frame.params) };
    case 'data':
      if (frame.payload.length > SERIAL_LINK.maxPayload) {
        throw new SerialFrameError('oversize', `data payload is ${frame.payload.length} bytes: at most ${SERIAL_LINK.maxPayload}`);
      }
      return { seq: octet('seq', frame.seq), ack: octet('ack', frame.ack), payload: frame.payload };
    case 'ack':
      return { seq: 0, ack: octet('ack', frame.ack), payload: EMPTY };
    case 'close': {
      const reason = CLOSE_REASONS[frame.reason];
      if (reason === undefined) throw new SerialFrameError('bad-field', `close reason ${String(frame.reason)} is not in CLOSE_REASONS`);
      return { seq: 0, ack: 0, payload: Uint8Array.of(reason) };
    }
    case 'ping':
    case 'pong':
      return { seq: 0, ack: 0, payload: pingPayload(frame.payload) };
  }
}

/** The wire bytes of one frame, both 0x00 delimiters included. */
export function encodeFrame(frame: SerialFrame): Uint8Array {
  const type = FRAME_TYPES[frame.type];
  if (type === undefined) throw new SerialFrameError('unknown-type', `frame type ${String(frame.type)} is not in FRAME_TYPES`);
  const { seq, ack, payload } = fieldsOf(frame);
  const body = new Uint8Array(HEADER_LENGTH + payload.length + CRC_LENGTH);
  body[0] = type;
  body[1] = seq;
  body[2] = ack;
  body.set(payload, HEADER_LENGTH);
  const crc = crc16(body.subarray(0, body.length - CRC_LENGTH));
  body[body.length - 2] = crc >>> 8;
  body[body.length - 1] = crc & 0xff;
  const encoded = cobsEncode(body);
  const wire = new Uint8Array(encoded.length + 2); // zero-filled: both delimiters are already there
  wire.set(encoded, 1);
  return wire;
}

/** A decoded frame whose CRC is good: its typed form, or SerialFrameError for bad content. */
function frameOf(body: Uint8Array): SerialFrame {
  const type = TYPE_OF_CODE.get(body[0]!);
  if (type === undefined) throw new SerialFrameError('unknown-type', `frame type 0x${body[0]!.toString(16).padStart(2, '0')} is not in FRAME_TYPES`);
  const seq = body[1]!;
  const ack = body[2]!;
  const payload = body.subarray(HEADER_LENGTH, body.length - CRC_LENGTH);
  const expectEmpty = (): void => {
    if (payload.length !== 0) throw new SerialFrameError('bad-field', `${type} frame has a ${payload.length}-byte payload: must be empty`);
  };
  switch (type) {
    case 'open':
    case 'open-ack':
      return { type, params: decodeLinkParams(payload) };
    case 'data':
      return { type, seq, ack, payload };
    case 'ack':
      expectEmpty();
      return { type, ack };
    case 'close': {
      const reason = payload.length === 1 ? REASON_OF_CODE.get(payload[0]!) : undefined;
      if (reason === undefined) throw new SerialFrameError('bad-field', 'close payload must be one byte from CLOSE_REASONS');
      return { type, reason };
    }
    case 'ping':
    case 'pong':
      return { type, payload: pingPayload(payload) };
  }
}

export class FrameDecoder {
  readonly stats: FrameDecoderStats = { frames: 0, crcErrors: 0, framingErrors: 0, oversize: 0, invalidFrames: 0, droppedBytes: 0 };
  private readonly cobs = new CobsDecoder(MAX_DECODED_LENGTH);
  private chunkLength = 0; // wire bytes since the last delimiter

  /** Decoded bytes held for the unfinished frame: bounded by FRAME_LIMITS.maxDecodedLength. */
  get pending(): number {
    return this.cobs.pending;
  }

  /** Any slice of the byte stream; returns what the delimiters in it completed, in order. */
  push(bytes: Uint8Array): DecodeResult[] {
    const results: DecodeResult[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte !== FRAME_LIMITS.delimiter) {
        this.cobs.push(byte);
        this.chunkLength++;
      } else if (this.chunkLength > 0) {
        results.push(this.endChunk());
      }
    }
    return results;
  }

  private endChunk(): DecodeResult {
    const wireBytes = this.chunkLength;
    this.chunkLength = 0;
    const end = this.cobs.end();
    if (end.kind === 'oversize') return this.fail('oversize', `frame longer than ${MAX_DECODED_LENGTH} decoded bytes (${wireBytes} on the wire): dropped`, wireBytes);
    if (end.kind === 'bad-cobs') return this.fail('bad-cobs', `the last COBS block runs past the delimiter (${wireBytes} bytes dropped)`, wireBytes);
    const body = end.bytes;
    if (body.length < FRAME_LIMITS.minDecodedLength) return this.fail('runt', `frame is ${body.length} decoded bytes: at least ${FRAME_LIMITS.minDecodedLength}`, wireBytes);
    // CRC-16/CCITT-FALSE has residue 0: header ‖ payload ‖ CRC (big-endian) checks to 0.
    if (crc16(body) !== 0) {
      const sent = (body[body.length - 2]! << 8) | body[body.length - 1]!;
      const computed = crc16(body.subarray(0, body.length - CRC_LENGTH));
      return this.fail('crc-mismatch', `CRC-16 says 0x${hex16(sent)}, header + payload give 0x${hex16(computed)}`, wireBytes);
    }
    try {
      const frame = frameOf(body);
      this.stats.frames++;
      return { ok: true, frame };
    } catch (error) {
      if (!(error instanceof SerialFrameError)) throw error;
      return this.failWith(error, wireBytes);
    }
  }

  private fail(code: SerialFrameErrorCode, message: string, wireBytes: number): DecodeResult {
    return this.failWith(new SerialFrameError(code, message), wireBytes);
  }

  private failWith(error: SerialFrameError, wireBytes: number): DecodeResult {
    this.stats[SERIAL_FRAME_ERRORS[error.code].stat]++;
    this.stats.droppedBytes += wireBytes;
    return { ok: false, error };
  }
}

function hex16(value: number): string {
  return value.toString(16).padStart(4, '0');
}
