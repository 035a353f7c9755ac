// protocol/amqp-transfer-frame.ts: the frames the gateway's lean path writes are read back by an
// independent decoder (rhea's own frame reader) with every field and the payload intact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { encodeTransferFrame, type TransferFields } from '../../../protocol/amqp-transfer-frame.js';
import { ProtocolError } from '../../../protocol/errors.js';

const require = createRequire(import.meta.url);
const frames = require('rhea/lib/frames.js') as { read_frame(buffer: Buffer): { channel: number; type: number; performative: Record<string, unknown>; payload?: Buffer } };

function roundTrip(f: TransferFields, payload: Buffer) {
  const bytes = encodeTransferFrame(f, payload);
  assert.is(bytes.readUInt32BE(0), bytes.length, 'the size field is the frame length');
  const frame = frames.read_frame(bytes);
  const p = frame.performative;
  return { channel: frame.channel, type: frame.type, name: String(p.constructor), handle: p.handle, deliveryId: p.delivery_id, tag: Buffer.from(p.delivery_tag as Buffer).toString('hex'), format: p.message_format, settled: p.settled, more: p.more, payload: frame.payload ?? Buffer.alloc(0) };
}

test('every uint width (0, small, large), the 32-byte tag AMQP allows and both settled values are read back as written', () => {
  for (const handle of [0, 7, 255, 256, 0xffffffff]) {
    for (const deliveryId of [0, 200, 70000, 0xfffffffe]) {
      for (const settled of [false, true]) {
        const tag = Buffer.alloc(32, handle & 0xff);
        const payload = Buffer.from(`message ${handle}/${deliveryId}`);
        const f = { channel: 3, handle, deliveryId, tag, messageFormat: deliveryId === 0 ? 0 : 0x80013700, settled };
        const got = roundTrip(f, payload);
        assert.equal(
          { ...got, payload: got.payload.toString() },
          { channel: 3, type: 0, name: 'transfer#14', handle, deliveryId, tag: tag.toString('hex'), format: f.messageFormat, settled, more: undefined /* omitted: its default, false */, payload: payload.toString() },
        );
      }
    }
  }
});

test('an empty tag and an empty payload, on the highest channel', () => {
  const got = roundTrip({ channel: 65535, handle: 1, deliveryId: 1, tag: Buffer.alloc(0), messageFormat: 0, settled: false }, Buffer.alloc(0));
  assert.equal([got.channel, got.tag, got.payload.length], [65535, '', 0]);
});

test('a 256 KB payload is carried byte for byte', () => {
  const payload = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 31) % 256));
  const got = roundTrip({ channel: 0, handle: 0, deliveryId: 9, tag: Buffer.from('t'), messageFormat: 0, settled: false }, payload);
  assert.is(Buffer.compare(got.payload, payload), 0);
});

test("a tag over 255 bytes is refused with ProtocolError 'tag-too-long' naming its length", () => {
  try {
    encodeTransferFrame({ channel: 0, handle: 0, deliveryId: 0, tag: Buffer.alloc(256), messageFormat: 0, settled: false }, Buffer.alloc(1));
    assert.unreachable('encoded a 256-byte tag');
  } catch (e) {
    assert.instance(e, ProtocolError);
    assert.is((e as ProtocolError).code, 'tag-too-long');
    assert.match((e as Error).message, /256 bytes/);
  }
});

test.run();
