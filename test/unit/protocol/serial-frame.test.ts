import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cobsEncode } from '../../../protocol/cobs.js';
import { crc16 } from '../../../protocol/crc16.js';
import { encodeFrame, FRAME_LIMITS, FrameDecoder, type DecodeResult, type SerialFrame } from '../../../protocol/serial-frame.js';
import { SerialFrameError } from '../../../protocol/serial-frame-error.js';
import { thrown } from '../../helpers/protocol.js';
import { bytes, concat, fixture, goldenFrames, hex } from './serial-fixtures.js';

function frames(results: DecodeResult[]): SerialFrame[] {
  return results.map((r) => {
    if (!r.ok) throw new Error(`expected a frame, got ${r.error.code}: ${r.error.message}`);
    return r.frame;
  });
}
const codes = (results: DecodeResult[]): string[] => results.map((r) => (r.ok ? `frame ${r.frame.type}` : r.error.code));
const stream = concat(goldenFrames.map((g) => bytes(g.hex)));
const expected = goldenFrames.map((g) => g.frame);
const ackFrame = (ack: number): Uint8Array => encodeFrame({ type: 'ack', ack });

test('every golden frame encodes to its fixture hex', () => {
  for (const golden of goldenFrames) assert.is(hex(encodeFrame(golden.frame)), golden.hex, golden.description);
});

test('every golden frame decodes from its fixture hex to its fixture fields', () => {
  for (const golden of goldenFrames) {
    const decoder = new FrameDecoder();
    assert.equal(frames(decoder.push(bytes(golden.hex))), [golden.frame], golden.description);
    assert.is(decoder.stats.frames, 1);
  }
});

test('every error fixture decodes to its typed error, counted, without a throw', () => {
  for (const bad of fixture.errors) {
    const decoder = new FrameDecoder();
    const [result, ...rest] = decoder.push(bytes(bad.hex));
    assert.is(rest.length, 0, bad.description);
    assert.ok(result && !result.ok, bad.description);
    assert.instance(result.error, SerialFrameError);
    assert.is(result.error.code, bad.code, bad.description);
    const { frames: good, droppedBytes, ...errorCounts } = decoder.stats;
    assert.is(good, 0);
    assert.is(Object.values(errorCounts).reduce((a, b) => a + b, 0), 1, bad.description);
    assert.is(droppedBytes, bytes(bad.hex).length - 2, bad.description);
  }
});

test('the wire form is 0x00, COBS(header, payload, CRC big-endian), 0x00 with no 0x00 inside', () => {
  for (const golden of goldenFrames) {
    const wire = encodeFrame(golden.frame);
    assert.is(wire[0], 0);
    assert.is(wire[wire.length - 1], 0);
    assert.not.ok(wire.subarray(1, -1).includes(0), golden.description);
    assert.ok(wire.length <= FRAME_LIMITS.maxWireLength);
  }
});

test('the largest data frame is exactly FRAME_LIMITS.maxWireLength (265) bytes on the wire', () => {
  const payload = new Uint8Array(FRAME_LIMITS.maxPayload).fill(0x55);
  assert.is(encodeFrame({ type: 'data', seq: 1, ack: 1, payload }).length, 265);
  assert.is(FRAME_LIMITS.maxWireLength, 265);
});

test('a stream of frames split at every byte position decodes to the same frames', () => {
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new FrameDecoder();
    const results = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
    assert.equal(frames(results), expected, `cut at ${cut}`);
  }
});

test('a stream of frames fed one byte at a time decodes to the same frames', () => {
  const decoder = new FrameDecoder();
  const results: DecodeResult[] = [];
  for (const byte of stream) results.push(...decoder.push(Uint8Array.of(byte)));
  assert.equal(frames(results), expected);
  assert.equal(decoder.stats, { frames: expected.length, crcErrors: 0, framingErrors: 0, oversize: 0, invalidFrames: 0, droppedBytes: 0 });
});

test('garbage before and between frames is skipped and counted, and the next frame still decodes', () => {
  const bootBanner = new TextEncoder().encode('NETMF v4.3 boot\r\n'); // no 0x00 in it
  const noise = bytes('FF 00 13 37 00 00 7E');
  const decoder = new FrameDecoder();
  const results = decoder.push(concat([bootBanner, ackFrame(1), noise, ackFrame(2), bootBanner, ackFrame(3)]));
  assert.equal(codes(results), ['bad-cobs', 'frame ack', 'bad-cobs', 'bad-cobs', 'bad-cobs', 'frame ack', 'bad-cobs', 'frame ack']);
  assert.equal(
    results.flatMap((r) => (r.ok && r.frame.type === 'ack' ? [r.frame.ack] : [])),
    [1, 2, 3],
  );
  assert.is(decoder.stats.framingErrors, 5);
  assert.is(decoder.stats.droppedBytes, 2 * bootBanner.length + 4);
  assert.is(decoder.stats.frames, 3);
});

test('a corrupted byte anywhere in a frame gives a counted crc or framing error, never a throw', () => {
  for (const golden of goldenFrames) {
    const wire = bytes(golden.hex);
    for (let at = 1; at < wire.length - 1; at++) {
      for (const mask of [0x01, 0x80, 0xff, 0x5a]) {
        const corrupt = wire.slice();
        corrupt[at]! ^= mask;
        const decoder = new FrameDecoder();
        const results = decoder.push(concat([corrupt, ackFrame(9)]));
        const last = results.pop();
        assert.ok(last?.ok && last.frame.type === 'ack', `${golden.description}: frame after the corruption lost`);
        for (const result of results) {
          if (result.ok) assert.unreachable(`${golden.description}: byte ${at} ^ ${mask} still decoded as a frame`);
          else assert.instance(result.error, SerialFrameError);
        }
        const { crcErrors, framingErrors, oversize, invalidFrames } = decoder.stats;
        assert.is(crcErrors + framingErrors + oversize + invalidFrames, results.length);
        assert.ok(results.length >= 1);
      }
    }
  }
});

test('an endless frame is dropped as oversize with bounded buffering, and the next frame decodes', () => {
  const decoder = new FrameDecoder();
  const junk = new Uint8Array(100).fill(0x41);
  for (let i = 0; i < 100; i++) {
    assert.equal(decoder.push(junk), []);
    assert.ok(decoder.pending <= FRAME_LIMITS.maxDecodedLength);
  }
  const results = decoder.push(concat([Uint8Array.of(0), ackFrame(5)]));
  assert.equal(codes(results), ['oversize', 'frame ack']);
  assert.equal({ oversize: decoder.stats.oversize, droppedBytes: decoder.stats.droppedBytes }, { oversize: 1, droppedBytes: 10_000 });
  assert.is(decoder.pending, 0);
});

test('a well-formed frame with a 257-byte payload is dropped as oversize', () => {
  const body = new Uint8Array(FRAME_LIMITS.headerLength + 257 + FRAME_LIMITS.crcLength).fill(0x33);
  body[0] = 0x03;
  const crc = crc16(body.subarray(0, body.length - 2));
  body.set([crc >>> 8, crc & 0xff], body.length - 2);
  const decoder = new FrameDecoder();
  const results = decoder.push(concat([Uint8Array.of(0), cobsEncode(body), Uint8Array.of(0)]));
  assert.equal(codes(results), ['oversize']);
});

test('encodeFrame refuses what it cannot send with a typed error', () => {
  const cases: [SerialFrame, string][] = [
    [{ type: 'data', seq: 256, ack: 0, payload: new Uint8Array(1) }, 'bad-field'],
    [{ type: 'data', seq: 0, ack: -1, payload: new Uint8Array(1) }, 'bad-field'],
    [{ type: 'ack', ack: 1.5 }, 'bad-field'],
    [{ type: 'data', seq: 0, ack: 0, payload: new Uint8Array(257) }, 'oversize'],
    [{ type: 'ping', payload: new Uint8Array(9) }, 'bad-field'],
    [{ type: 'close', reason: 'bored' as never }, 'bad-field'],
    [{ type: 'open', params: { version: 1, window: 128, maxPayload: 256, session: 1 } }, 'bad-field'],
    [{ type: 'reset' } as never, 'unknown-type'],
  ];
  for (const [frame, code] of cases) assert.is(thrown(SerialFrameError, () => encodeFrame(frame)).code, code, JSON.stringify(frame));
});

test('empty chunks between delimiters (0x00 runs) are not frames and not errors', () => {
  const decoder = new FrameDecoder();
  assert.equal(decoder.push(new Uint8Array(50)), []);
  assert.equal(decoder.stats, { frames: 0, crcErrors: 0, framingErrors: 0, oversize: 0, invalidFrames: 0, droppedBytes: 0 });
});

test.run();
