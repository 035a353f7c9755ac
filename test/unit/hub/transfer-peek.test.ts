// transfer-peek.ts: the handle and `more` flag of a transfer, read from raw frame bytes
// (AMQP 1.0 §2.3.2, §2.7.5), golden frames field by field, and never a throw on garbage.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { peekTransfer } from '../../../hub/amqp/transfer-peek.js';

function frame(channel: number, body: number[]): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b.writeUInt32BE(b.length, 0); // size
  b[4] = 2; // doff: body at 8
  b[5] = 0; // AMQP frame
  b.writeUInt16BE(channel, 6);
  Buffer.from(body).copy(b, 8);
  return b;
}

test('a list8 transfer: handle 0, delivery-id 5, tag 07, format 0, settled false, more true', () => {
  const body = [0x00, 0x53, 0x14, 0xc0, 0x0a, 0x06, 0x43, 0x52, 0x05, 0xa0, 0x01, 0x07, 0x43, 0x42, 0x41];
  assert.equal(peekTransfer(frame(3, body)), { channel: 3, handle: 0, more: true });
});

test('a transfer as rhea writes it: list32, a 4-byte tag, more true', () => {
  const bytes = Buffer.from('0000002902000000005314d00000000f000000064343a0040000000043424100000000000000000000', 'hex');
  assert.equal(peekTransfer(bytes), { channel: 0, handle: 0, more: true });
});

test('more absent or false, uint handles, a list32 and a ulong descriptor', () => {
  assert.equal(peekTransfer(frame(0, [0x00, 0x53, 0x14, 0xc0, 0x03, 0x02, 0x52, 0x09, 0x43])), { channel: 0, handle: 9, more: false });
  const list32 = [0x00, 0x53, 0x14, 0xd0, 0, 0, 0, 0x10, 0, 0, 0, 6, 0x70, 0, 0, 1, 0, 0x40, 0x40, 0x40, 0x56, 0x00, 0x56, 0x01];
  assert.equal(peekTransfer(frame(1, list32)), { channel: 1, handle: 256, more: true });
  const ulongDescriptor = [0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x14, 0xc0, 0x03, 0x01, 0x43];
  assert.equal(peekTransfer(frame(0, ulongDescriptor)), { channel: 0, handle: 0, more: false });
});

test('other performatives, SASL frames, heartbeats and truncated heads are not transfers', () => {
  assert.is(peekTransfer(frame(0, [0x00, 0x53, 0x13, 0x45])), undefined); // flow
  const sasl = frame(0, [0x00, 0x53, 0x14, 0x45]);
  sasl[5] = 1;
  assert.is(peekTransfer(sasl), undefined);
  assert.is(peekTransfer(frame(0, [])), undefined); // empty frame (heartbeat)
  assert.is(peekTransfer(frame(0, [0x00, 0x53, 0x14, 0xc0, 0x0a, 0x06, 0x52])), undefined);
});

test('arbitrary bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const r = peekTransfer(Buffer.from(bytes));
      return r === undefined || (typeof r.handle === 'number' && typeof r.more === 'boolean');
    }),
    { numRuns: 2000 },
  );
});

test.run();
