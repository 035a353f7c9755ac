// telemetry/sections.ts: an encoded message split into its sections by position (AMQP 1.0 §3.2),
// and undefined for whatever it cannot split with certainty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea from 'rhea';
import fc from 'fast-check';
import { splitSections } from '../../../hub/telemetry/sections.js';

test('every section of an encoded message is found, in order, covering all bytes', () => {
  const bytes = rhea.message.encode({
    header: { durable: true },
    delivery_annotations: { a: 1 },
    message_annotations: { b: 'x' },
    message_id: 'm',
    application_properties: { c: 2 },
    body: rhea.message.data_sections([Buffer.from('one'), Buffer.from('two')]),
    footer: { d: 3 },
  } as never);
  const spans = splitSections(bytes)!;
  // rhea writes the footer before the body; the spans follow the bytes.
  assert.equal(spans.map((s) => s.code), [0x70, 0x71, 0x72, 0x73, 0x74, 0x78, 0x75, 0x75]);
  assert.is(spans[0]!.start, 0);
  assert.is(spans.at(-1)!.end, bytes.length);
  for (let i = 1; i < spans.length; i++) assert.is(spans[i]!.start, spans[i - 1]!.end);
});

test('out-of-order sections, two amqp-value bodies, trailing junk and symbolic descriptors are not split', () => {
  const props = rhea.message.encode({ message_id: 'm' } as never); // properties + amqp-value null
  const header = rhea.message.encode({ header: { durable: true } } as never);
  assert.is(splitSections(Buffer.concat([props, header])), undefined);
  assert.is(splitSections(Buffer.concat([props, Buffer.from([0x00, 0x53, 0x77, 0x40])])), undefined);
  assert.is(splitSections(Buffer.concat([props, Buffer.from([0x01])])), undefined);
  const symbolic = Buffer.concat([Buffer.from([0x00, 0xa3, 16]), Buffer.from('amqp:data:binary'), Buffer.from([0xa0, 1, 0x61])]);
  assert.is(splitSections(symbolic), undefined);
  assert.equal(splitSections(Buffer.alloc(0)), []);
});

test('arbitrary bytes never throw, and spans always lie within the buffer', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const spans = splitSections(Buffer.from(bytes));
      return spans === undefined || spans.every((s) => s.start >= 0 && s.end <= bytes.length && s.start < s.end);
    }),
    { numRuns: 2000 },
  );
});

test.run();
