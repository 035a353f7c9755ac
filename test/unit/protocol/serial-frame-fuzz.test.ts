// Bounded fast-check fuzz of the serial frame codec (numRuns ~200 each).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CLOSE_REASONS, encodeFrame, FRAME_LIMITS, FrameDecoder, type CloseReason, type DecodeResult, type SerialFrame } from '../../../protocol/serial-frame.js';
import { SERIAL_FRAME_ERRORS, SerialFrameError } from '../../../protocol/serial-frame-error.js';
import { SERIAL_LINK } from '../../../protocol/serial-link-params.js';
import { concat } from './serial-fixtures.js';

const octet = fc.integer({ min: 0, max: 255 });
const linkParams = fc.record({
  version: fc.integer({ min: 1, max: 255 }),
  window: fc.integer({ min: 1, max: SERIAL_LINK.maxWindow }),
  maxPayload: fc.integer({ min: 1, max: SERIAL_LINK.maxPayload }),
  session: fc.integer({ min: 0, max: 0xffff }),
}).map((params) => ({ ...params })); // fc.record builds null-prototype objects; the decoder builds plain ones
const pingPayload = fc.uint8Array({ maxLength: FRAME_LIMITS.maxPingPayload });
const validFrame: fc.Arbitrary<SerialFrame> = fc.oneof(
  linkParams.map((params) => ({ type: 'open', params }) as const),
  linkParams.map((params) => ({ type: 'open-ack', params }) as const),
  fc.record({ seq: octet, ack: octet, payload: fc.uint8Array({ maxLength: SERIAL_LINK.maxPayload }) }).map((f) => ({ type: 'data', seq: f.seq, ack: f.ack, payload: f.payload }) as const),
  octet.map((ack) => ({ type: 'ack', ack }) as const),
  fc.constantFrom(...(Object.keys(CLOSE_REASONS) as CloseReason[])).map((reason) => ({ type: 'close', reason }) as const),
  pingPayload.map((payload) => ({ type: 'ping', payload }) as const),
  pingPayload.map((payload) => ({ type: 'pong', payload }) as const),
);

function assertWellTyped(results: DecodeResult[]): void {
  for (const result of results) {
    if (result.ok) continue;
    assert.instance(result.error, SerialFrameError);
    assert.ok(result.error.code in SERIAL_FRAME_ERRORS, result.error.code);
  }
}

test('arbitrary bytes never throw: every result is a frame or a typed error, all counted', () => {
  const zeroRich = fc.uint8Array({ maxLength: 2000 }).map((a) => a.map((b) => (b < 16 ? 0 : b)));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), zeroRich), fc.integer({ min: 1, max: 64 }), (input, chunk) => {
      const decoder = new FrameDecoder();
      const results: DecodeResult[] = [];
      for (let at = 0; at < input.length; at += chunk) {
        results.push(...decoder.push(input.subarray(at, at + chunk)));
        assert.ok(decoder.pending <= FRAME_LIMITS.maxDecodedLength);
      }
      assertWellTyped(results);
      const { frames, crcErrors, framingErrors, oversize, invalidFrames, droppedBytes } = decoder.stats;
      assert.is(frames + crcErrors + framingErrors + oversize + invalidFrames, results.length);
      assert.ok(droppedBytes <= input.length);
    }),
    { numRuns: 200 },
  );
});

test('any valid frame round-trips through encodeFrame and FrameDecoder', () => {
  fc.assert(
    fc.property(validFrame, (frame) => {
      const wire = encodeFrame(frame);
      assert.ok(wire.length <= FRAME_LIMITS.maxWireLength);
      const results = new FrameDecoder().push(wire);
      assert.is(results.length, 1);
      assert.ok(results[0]!.ok);
      assert.equal(results[0]!.ok && results[0]!.frame, frame);
    }),
    { numRuns: 200 },
  );
});

test('a sequence of valid frames split at arbitrary points and mixed with garbage keeps every frame after a delimiter', () => {
  fc.assert(
    fc.property(fc.array(validFrame, { minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 300 }), (sent, garbage, chunk) => {
      const wire = concat([garbage, ...sent.map(encodeFrame)]);
      const decoder = new FrameDecoder();
      const results: DecodeResult[] = [];
      for (let at = 0; at < wire.length; at += chunk) results.push(...decoder.push(wire.subarray(at, at + chunk)));
      assertWellTyped(results);
      // Garbage is cut off by the first frame's leading 0x00; with odds of 2^-16 it could pass a CRC, so
      // compare the tail, which must be exactly the frames sent.
      const decoded = results.flatMap((r) => (r.ok ? [r.frame] : []));
      assert.equal(decoded.slice(decoded.length - sent.length), sent);
    }),
    { numRuns: 200 },
  );
});

test.run();
