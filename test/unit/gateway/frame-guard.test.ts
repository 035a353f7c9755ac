// FrameGuard: every verdict is the same whether the bytes come at once or one at a time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameGuard, type FrameViolation } from '../../../gateway/router/frame-guard.js';
import { AMQP_HEADER, frameHeader, openFrame } from '../../helpers/raw-amqp.js';

const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);

function verdicts(bytes: Buffer, max = 512): { whole: FrameViolation | undefined; byByte: FrameViolation | undefined } {
  const whole = new FrameGuard(max).feed(bytes);
  const g = new FrameGuard(max);
  let byByte: FrameViolation | undefined;
  for (const b of bytes) byByte ??= g.feed(Buffer.from([b]));
  return { whole, byByte };
}

function same(bytes: Buffer, expected: FrameViolation['kind'] | undefined, max?: number): void {
  const { whole, byByte } = verdicts(bytes, max);
  assert.is(whole?.kind, expected, 'fed at once');
  assert.is(byByte?.kind, expected, 'fed one byte at a time');
}

test('a header, an Open and a heartbeat pass', () => same(Buffer.concat([AMQP_HEADER, openFrame('dev'), frameHeader(8)]), undefined));

test('the SASL layer then the AMQP header pass', () => {
  const saslInit = openFrame('x'); // any well-formed performative works for the guard
  same(Buffer.concat([SASL_HEADER, saslInit, AMQP_HEADER, openFrame('dev')]), undefined);
});

test('bytes that are not an AMQP header are a bad header', () => same(Buffer.from('GET / HTTP/1.1\r\n'), 'bad-header'));

test('a TLS-upgrade header (protocol id 2) is refused: use a TLS listener', () => same(Buffer.from([0x41, 0x4d, 0x51, 0x50, 2, 1, 0, 0]), 'bad-header'));

test('a frame over max-frame-size is refused from its header alone', () => same(Buffer.concat([AMQP_HEADER, frameHeader(513)]), 'frame-too-large'));

test('a frame size under 8 or a doff under 2 is a bad frame', () => {
  same(Buffer.concat([AMQP_HEADER, frameHeader(7)]), 'bad-frame');
  const doff1 = frameHeader(16);
  doff1[4] = 1;
  same(Buffer.concat([AMQP_HEADER, doff1]), 'bad-frame');
});

test('an Open whose array claims 4 billion elements is a bad frame (the Proton fuzz case that hangs rhea)', () => {
  const body = Buffer.from([0x00, 0x53, 0x10, 0xc0, 0x0b, 0x01, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0x40]);
  const frame = Buffer.concat([frameHeader(8 + body.length), body]);
  same(Buffer.concat([AMQP_HEADER, frame]), 'bad-frame');
});

test('validPrefix keeps the good frames that precede a bad one in the same chunk', () => {
  const good = Buffer.concat([AMQP_HEADER, openFrame('dev')]);
  const g = new FrameGuard(512);
  assert.is(g.feed(Buffer.concat([good, frameHeader(4096)]))?.kind, 'frame-too-large');
  assert.is(g.validPrefix, good.length);
});

test('a guard that failed stays failed', () => {
  const g = new FrameGuard(512);
  g.feed(Buffer.from('nope nope'));
  assert.is(g.feed(Buffer.concat([AMQP_HEADER, openFrame('dev')]))?.kind, 'bad-header');
});

test.run();
