// COBS, Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 1999): removes every
// 0x00 from a frame so 0x00 can delimit frames on the serial line (docs/serial-link.md §3).
// Each block is a code byte n (1..255) then n-1 non-zero data bytes; a block with n < 0xFF stands
// for its data followed by one 0x00, except the last block of a frame. Encoding is canonical: a
// frame ending right after a 0xFF block gets no trailing 0x01 block; the decoder accepts both.
// Overhead: max(1, ceil(n / 254)) bytes for n input bytes.
// Contract: pure. cobsEncode never fails; cobsDecode throws SerialFrameError('bad-cobs');
// CobsDecoder is the byte-at-a-time state machine both cobsDecode and FrameDecoder run on, with
// a fixed buffer (bytes past `capacity` are dropped and reported as oversize).
import { SerialFrameError } from './serial-frame-error.js';

export function cobsEncodedLength(decodedLength: number): number {
  return decodedLength + Math.max(1, Math.ceil(decodedLength / 254));
}

export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsEncodedLength(data.length));
  let codeAt = 0; // where the current block's code byte goes
  let write = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte !== 0) {
      out[write++] = byte;
      code++;
    }
    if (byte === 0 || code === 0xff) {
      out[codeAt] = code;
      code = 1;
      codeAt = write;
      // A full 0xFF block at the very end opens no new block (canonical form).
      if (byte === 0 || i + 1 < data.length) write++;
    }
  }
  if (codeAt < write) out[codeAt] = code;
  return out.subarray(0, write);
}

export type CobsEnd =
  | { readonly kind: 'ok'; readonly bytes: Uint8Array }
  | { readonly kind: 'bad-cobs' }
  | { readonly kind: 'oversize' };

/** Decodes one frame, one non-zero encoded byte at a time; `end()` at the 0x00 delimiter. */
export class CobsDecoder {
  private readonly buffer: Uint8Array;
  private length = 0;
  private blockLeft = 0; // data bytes still owed by the current block; 0: next byte is a code byte
  private zeroOwed = false; // the current block's code was < 0xFF: a 0x00 follows it unless the frame ends
  private overflowed = false;

  constructor(readonly capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  /** Decoded bytes held for the unfinished frame (never more than `capacity`). */
  get pending(): number {
    return this.length;
  }

  /** One encoded byte, never 0x00 (the caller treats 0x00 as the delimiter and calls `end`). */
  push(byte: number): void {
    if (this.blockLeft > 0) {
      this.append(byte);
      this.blockLeft--;
      return;
    }
    if (this.zeroOwed) this.append(0);
    this.blockLeft = byte - 1;
    this.zeroOwed = byte !== 0xff;
  }

  /** The frame ends here: its decoded bytes (a copy) or why there are none. Resets for the next frame. */
  end(): CobsEnd {
    const result: CobsEnd = this.overflowed
      ? { kind: 'oversize' }
      : this.blockLeft > 0
        ? { kind: 'bad-cobs' }
        : { kind: 'ok', bytes: this.buffer.slice(0, this.length) };
    this.length = 0;
    this.blockLeft = 0;
    this.zeroOwed = false;
    this.overflowed = false;
    return result;
  }

  private append(byte: number): void {
    if (this.length < this.capacity) this.buffer[this.length++] = byte;
    else this.overflowed = true;
  }
}

/** Decodes one whole COBS-encoded frame given without its delimiter. */
export function cobsDecode(encoded: Uint8Array): Uint8Array {
  if (encoded.length === 0) throw new SerialFrameError('bad-cobs', 'COBS data is empty: even an empty frame has a code byte (0x01)');
  const decoder = new CobsDecoder(encoded.length);
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === 0) throw new SerialFrameError('bad-cobs', `COBS data holds a 0x00 at offset ${i}: 0x00 only delimits frames`);
    decoder.push(encoded[i]!);
  }
  const end = decoder.end();
  if (end.kind !== 'ok') throw new SerialFrameError('bad-cobs', 'the last COBS block runs past the end of the data');
  return end.bytes;
}
