// scripts/patch-rhea.mjs patch 4: rhea's types.Writer starts from a pooled Buffer.allocUnsafe
// instead of a zero-filled Buffer.alloc for every frame (gateway/decisions/0005). Pooled memory
// holds old bytes, so the patch is only safe if a Writer never hands out a byte it did not write:
// here every performative rhea writes is encoded into a buffer full of 0xEE garbage and must come
// out equal to the same performative encoded into a zero-filled buffer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const types = require('rhea/lib/types.js') as { Writer: new (buffer?: Buffer) => { buffer: Buffer; write(v: unknown): void; toBuffer(): Buffer } };
const frames = require('rhea/lib/frames.js') as Record<string, (fields?: object) => unknown> & { write_frame(f: object): Buffer; amqp_frame(channel: number, performative: unknown, payload?: Buffer): object };

test('the Writer draws its first buffer from Node\'s pool (the patch is applied)', () => {
  const w = new types.Writer();
  assert.is(w.buffer.length, 1024);
  assert.is(w.buffer.buffer.byteLength, Buffer.poolSize, 'a slice of the shared pool, not an own 1 KB allocation');
});

test('GIVEN a Writer over garbage WHEN rhea encodes open, begin, attach, flow, transfer, disposition, detach, end and close THEN the bytes equal a zero-filled encoding', () => {
  const performatives = [
    frames.open!({ container_id: 'c', max_frame_size: 16384, channel_max: 7, idle_time_out: 30000, properties: { product: 'x' } }),
    frames.begin!({ next_outgoing_id: 1, incoming_window: 2048, outgoing_window: 4294967295 }),
    frames.attach!({ name: 'l@c', handle: 3, role: true, snd_settle_mode: 2, rcv_settle_mode: 0, source: { address: 'devices/a/messages/events' }, target: {} }),
    frames.flow!({ next_incoming_id: 1, incoming_window: 2048, next_outgoing_id: 1, outgoing_window: 4294967295, handle: 3, delivery_count: 9, link_credit: 100, drain: true }),
    frames.transfer!({ handle: 3, delivery_id: 70000, delivery_tag: Buffer.from('tag'), message_format: 0, settled: false, more: true }),
    frames.disposition!({ role: true, first: 1, last: 40, settled: true }),
    frames.detach!({ handle: 3, closed: true, error: { condition: 'qd:routed-link-lost', description: 'gone' } }),
    frames.end!({}),
    frames.close!({}),
  ];
  for (const p of performatives) {
    const dirty = new types.Writer(Buffer.alloc(1024, 0xee));
    dirty.write(p);
    const zeroed = new types.Writer(Buffer.alloc(1024));
    zeroed.write(p);
    assert.is(dirty.toBuffer().toString('hex'), zeroed.toBuffer().toString('hex'), String((p as object).constructor));
    const frame = frames.write_frame(frames.amqp_frame(5, p, Buffer.from('payload')));
    assert.is(frame.readUInt32BE(0), frame.length, 'the frame size is filled in');
    assert.ok(frame.subarray(8).equals(Buffer.concat([zeroed.toBuffer(), Buffer.from('payload')])), 'the pooled frame body is the zero-filled encoding and the payload');
  }
});

test.run();
