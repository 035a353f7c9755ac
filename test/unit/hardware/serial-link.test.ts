// The reliable serial link (hardware/serial-link/) against docs/serial-link.md: golden exchanges,
// input split at every byte, throughput at 115200 baud, timers, handshake and close rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameDecoder, type SerialFrame } from '../../../protocol/serial-frame.js';
import { SerialLink } from '../../../hardware/serial-link/link.js';
import { SerialLinkError } from '../../../hardware/serial-link/errors.js';
import { SimulatedScheduler } from '../../../hardware/simulated-scheduler.js';
import { memoryPair } from '../../../hardware/transport/memory.js';
import { collect, flush, linkedPair, runUntil } from './link-harness.js';
import { pattern } from '../../integration/hardware/streams.js';

const golden = (JSON.parse(readFileSync(new URL('../../fixtures/serial-frames.json', import.meta.url), 'utf8')) as { frames: { hex: string }[] }).frames.map((f) =>
  Buffer.from(f.hex.replace(/\s+/g, ''), 'hex'),
);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const AMQP_SASL_HEADER = Buffer.from('414d515003010000', 'hex');

/** A link on one end of a bare pair; the test plays the peer with raw frames on the other end. */
function rawPeer(role: 'initiator' | 'responder', options: { window?: number; session?: number } = {}) {
  const scheduler = new SimulatedScheduler();
  const pair = memoryPair();
  const link = new SerialLink(pair.a, { role, scheduler, ...options });
  const decoder = new FrameDecoder();
  const received: SerialFrame[] = [];
  pair.b.on('data', (bytes: Buffer) => {
    for (const r of decoder.push(bytes)) if (r.ok) received.push(r.frame);
  });
  return { scheduler, pair, link, received, send: (frame: SerialFrame) => pair.b.write(encodeFrame(frame)) };
}

test('GIVEN the golden session of §11.1–11.5 WHEN a board (window 4, session 0x2A17) meets a gateway (window 8) THEN every frame is byte-exact', async () => {
  const p = linkedPair({ baud: 115200 }, { window: 4 }, { window: 8 });
  const fromBoard: string[] = [];
  const fromGateway: string[] = [];
  p.line.b.on('data', (c: Buffer) => fromBoard.push(hex(c)));
  p.line.a.on('data', (c: Buffer) => fromGateway.push(hex(c)));
  p.gateway.once('stream', (s) => s.once('data', (header: Buffer) => s.write(header))); // the gateway answers with its header
  const { boardStream } = await p.open();
  const boardGot = collect(boardStream);
  boardStream.write(AMQP_SASL_HEADER);
  await runUntil(p.scheduler, () => boardGot.length() === 8 && fromBoard.length === 3);
  await runUntil(p.scheduler, () => p.scheduler.pending === 2 * 2); // both sides idle: keepalive + dead timers only
  assert.equal(Buffer.concat(fromBoard.map((h) => Buffer.from(h, 'hex'))).toString('hex'), [golden[0], golden[2], golden[4]].map((g) => hex(g!)).join(''));
  assert.equal(Buffer.concat(fromGateway.map((h) => Buffer.from(h, 'hex'))).toString('hex'), [golden[1], golden[3]].map((g) => hex(g!)).join(''));
  assert.ok(boardGot.bytes().equals(AMQP_SASL_HEADER));
  p.detach();
});

test('GIVEN the board side of the golden session WHEN it reaches the gateway split at every byte position THEN the gateway answers the same and delivers the header', async () => {
  const wire = Buffer.concat([golden[0]!, golden[2]!]);
  const splits = [...Array.from({ length: wire.length - 1 }, (_, k) => [k + 1]), Array.from({ length: wire.length - 1 }, (_, k) => k + 1)];
  for (const cuts of splits) {
    const peer = rawPeer('responder');
    const delivered: Buffer[] = [];
    peer.link.on('stream', (s) => s.on('data', (c: Buffer) => delivered.push(c)));
    let at = 0;
    for (const cut of [...cuts, wire.length]) {
      peer.pair.b.write(wire.subarray(at, cut));
      at = cut;
      await flush();
    }
    peer.scheduler.advance(10); // the bare ack's hold
    await flush();
    assert.ok(Buffer.concat(delivered).equals(AMQP_SASL_HEADER), `cuts ${cuts.length === 1 ? cuts[0] : 'every byte'}`);
    assert.equal(peer.received.map((f) => f.type), ['open-ack', 'ack']);
    assert.equal(peer.received[1], { type: 'ack', ack: 1 });
    assert.is(peer.link.stats.framesReceived, 2);
    peer.link.detach();
  }
});

async function transfer(bytes: number, bothWays: boolean): Promise<{ ms: number; p: ReturnType<typeof linkedPair> }> {
  const p = linkedPair({ baud: 115200 });
  const { boardStream, gatewayStream } = await p.open();
  const up = pattern(bytes, 1);
  const down = pattern(bytes, 2);
  const atGateway = collect(gatewayStream);
  const atBoard = collect(boardStream);
  const start = p.scheduler.now();
  boardStream.write(up);
  if (bothWays) gatewayStream.write(down);
  await runUntil(p.scheduler, () => atGateway.length() === bytes && (!bothWays || atBoard.length() === bytes));
  const ms = p.scheduler.now() - start;
  assert.ok(atGateway.bytes().equals(up));
  if (bothWays) assert.ok(atBoard.bytes().equals(down));
  return { ms, p };
}

test('GIVEN a clean 115200 baud line WHEN 64 KiB go one way THEN they arrive intact at over 10.5 KB/s (the line carries 11.52 KB/s)', async () => {
  const { ms, p } = await transfer(65536, false);
  const rate = 65536 / (ms / 1000);
  console.log(`    serial link, one way, 115200 baud: ${(rate / 1000).toFixed(2)} KB/s (${ms.toFixed(0)} ms simulated for 64 KiB)`);
  assert.ok(rate > 10_500, `${rate} B/s`);
  assert.is(p.board.stats.retransmissions, 0);
  assert.is(p.board.stats.dataFramesSent, 256);
  p.detach();
});

test('GIVEN a clean 115200 baud line WHEN 64 KiB go each way at once THEN both arrive intact at over 10 KB/s each', async () => {
  const { ms, p } = await transfer(65536, true);
  const rate = 65536 / (ms / 1000);
  console.log(`    serial link, both ways at once, 115200 baud: ${(rate / 1000).toFixed(2)} KB/s each way`);
  assert.ok(rate > 10_000, `${rate} B/s`);
  assert.is(p.gateway.stats.retransmissions, 0);
  p.detach();
});

test('GIVEN an idle open link WHEN a second passes THEN each side pings, gets the pong and measures the round trip', async () => {
  const p = linkedPair();
  await p.open();
  const pongs = (): number[] => [p.board.stats.pongsReceived, p.gateway.stats.pongsReceived];
  await runUntil(p.scheduler, () => pongs().some((n) => n > 0));
  assert.ok(p.scheduler.now() >= 1000 && p.scheduler.now() < 1010, `first ping-pong at ${p.scheduler.now()}`);
  const rtt = (p.board.stats.lastRttMs ?? p.gateway.stats.lastRttMs)!;
  assert.ok(rtt > 1.5 && rtt < 3, `12-byte ping + 12-byte pong at 115200 baud: ${rtt} ms`);
  // Answering with a pong counts as sending: the other side's own ping comes a second later.
  await runUntil(p.scheduler, () => pongs().every((n) => n > 0));
  assert.ok(p.scheduler.now() >= 2000 && p.scheduler.now() < 2010, `second ping-pong at ${p.scheduler.now()}`);
  p.scheduler.advance(30_000);
  await flush();
  assert.is(p.board.state, 'open', 'keepalive holds an idle link open');
  p.detach();
});

test('GIVEN an open link WHEN the gateway falls silent THEN the board closes after 4 s with peer-unresponsive', async () => {
  const p = linkedPair();
  const { boardStream } = await p.open();
  let error: SerialLinkError | undefined;
  boardStream.on('error', (e: SerialLinkError) => (error = e));
  const silentAt = p.scheduler.now();
  p.gateway.detach();
  await runUntil(p.scheduler, () => p.board.state === 'closed');
  assert.is(error?.code, 'peer-unresponsive');
  assert.ok(Math.abs(p.scheduler.now() - silentAt - 4000) < 2, `${p.scheduler.now() - silentAt} ms`);
  p.detach();
});

test('GIVEN data in flight WHEN the peer falls silent THEN 8 timeouts 400 ms apart close the link with peer-unresponsive (3.2 s, before the 4 s dead timer)', async () => {
  const peer = rawPeer('initiator', { session: 1 });
  const opened = peer.link.open();
  await flush();
  peer.send({ type: 'open-ack', params: { version: 1, window: 8, maxPayload: 256, session: 1 } });
  const stream = await opened;
  stream.on('error', () => {});
  stream.write(Buffer.from('hello'));
  const start = peer.scheduler.now();
  await runUntil(peer.scheduler, () => peer.link.state === 'closed');
  assert.is(peer.link.stats.timeouts, 8);
  assert.is(peer.link.stats.retransmissions, 7);
  assert.ok(Math.abs(peer.scheduler.now() - start - 3200) < 1, `${peer.scheduler.now() - start}`);
  assert.equal(peer.received.at(-1), { type: 'close', reason: 'peer-unresponsive' });
  peer.link.detach();
});

test('GIVEN a gateway reader that stops reading for 10 s WHEN the board keeps writing THEN the link stays open and every byte arrives once reading resumes', async () => {
  const p = linkedPair();
  const { boardStream, gatewayStream } = await p.open();
  gatewayStream.pause();
  const data = pattern(100_000, 4);
  boardStream.write(data);
  await runUntil(p.scheduler, () => p.scheduler.now() > 10_000);
  assert.is(p.board.state, 'open', 'the gateway is alive (it acks), so the board keeps resending instead of giving up');
  assert.ok(p.board.stats.timeouts > 8);
  assert.ok(p.gateway.stats.duplicatesDropped > 0, 'frames the reader had no room for were dropped');
  const got = collect(gatewayStream);
  gatewayStream.resume();
  await runUntil(p.scheduler, () => got.length() === data.length);
  assert.ok(got.bytes().equals(data));
  p.detach();
});

test('GIVEN no gateway WHEN the board opens THEN it resends open every 400 ms eight times, then every 2 s, with one session', async () => {
  const peer = rawPeer('initiator', { session: 0xffff });
  const times: number[] = [];
  peer.pair.b.on('data', () => times.push(peer.scheduler.now()));
  const opened = peer.link.open().catch((e: SerialLinkError) => e);
  await runUntil(peer.scheduler, () => times.length === 11);
  assert.equal(times, [0, 400, 800, 1200, 1600, 2000, 2400, 2800, 3200, 5200, 7200]);
  assert.ok(peer.received.every((f) => f.type === 'open' && f.params.session === 0xffff));
  await peer.link.close();
  assert.is(((await opened) as SerialLinkError).code, 'link-closed');
  assert.is(peer.scheduler.pending, 0);
  const second = peer.link.open();
  await flush();
  assert.equal(peer.received.at(-1), { type: 'open', params: { version: 1, window: 8, maxPayload: 256, session: 0 } }, 'a new session each open');
  peer.link.detach();
  await second.catch(() => {});
});

test('GIVEN an open link WHEN the board ends its stream THEN the gateway reads every byte, both close with close(normal) and both streams end', async () => {
  const p = linkedPair();
  const { boardStream, gatewayStream } = await p.open();
  const got = collect(gatewayStream);
  let boardEnded = false;
  let gatewayEnded = false;
  boardStream.on('end', () => (boardEnded = true));
  gatewayStream.on('end', () => (gatewayEnded = true));
  boardStream.resume();
  boardStream.end(pattern(5000, 9));
  await runUntil(p.scheduler, () => boardEnded && gatewayEnded && p.board.state === 'closed' && p.gateway.state === 'closed');
  assert.ok(got.bytes().equals(pattern(5000, 9)));
  assert.is(p.scheduler.pending, 0, 'no timer left');
  p.detach();
});

test('GIVEN a closed link WHEN the board opens again THEN a new session carries a new stream both ways', async () => {
  const p = linkedPair();
  const first = await p.open();
  first.boardStream.resume();
  first.gatewayStream.resume();
  let closed = false;
  void p.board.close().then(() => (closed = true));
  await runUntil(p.scheduler, () => closed && p.gateway.state === 'closed');
  const second = await p.open();
  const atGateway = collect(second.gatewayStream);
  const atBoard = collect(second.boardStream);
  second.boardStream.write(Buffer.from('again'));
  second.gatewayStream.write(Buffer.from('welcome back'));
  await runUntil(p.scheduler, () => atGateway.length() === 5 && atBoard.length() === 12);
  assert.is(atGateway.bytes().toString(), 'again');
  assert.is(atBoard.bytes().toString(), 'welcome back');
  assert.is(p.board.stats.opens, 2);
  assert.is(p.gateway.stats.opens, 2);
  p.detach();
});

test('GIVEN an open session WHEN the board restarts and opens a new session THEN the old gateway stream fails with peer-restarted and a new one arrives', async () => {
  const peer = rawPeer('responder');
  const streams: Duplex[] = [];
  const errors: string[] = [];
  peer.link.on('stream', (s) => {
    streams.push(s);
    s.on('error', (e: SerialLinkError) => errors.push(e.code));
  });
  const open = (session: number): SerialFrame => ({ type: 'open', params: { version: 1, window: 4, maxPayload: 128, session } });
  peer.send(open(7));
  await flush();
  peer.send(open(7)); // the open-ack was lost: the same one again, no new stream
  await flush();
  assert.is(streams.length, 1);
  peer.send(open(8));
  await flush();
  assert.is(streams.length, 2);
  assert.equal(errors, ['peer-restarted']);
  const acks = peer.received.filter((f) => f.type === 'open-ack');
  assert.equal(acks.map((f) => f.type === 'open-ack' && f.params.session), [7, 7, 8]);
  assert.equal(acks[0], { type: 'open-ack', params: { version: 1, window: 4, maxPayload: 128, session: 7 } }, 'the smaller window and payload');
  peer.link.detach();
});

test('GIVEN a gateway with no open link WHEN data or acks arrive THEN it answers close(protocol-violation) at most once per RTO', async () => {
  const peer = rawPeer('responder');
  for (let i = 0; i < 5; i++) peer.send({ type: 'data', seq: i, ack: 0, payload: Uint8Array.of(1) });
  await flush();
  peer.scheduler.advance(400);
  peer.send({ type: 'ack', ack: 3 });
  await flush();
  assert.equal(peer.received, [
    { type: 'close', reason: 'protocol-violation' },
    { type: 'close', reason: 'protocol-violation' },
  ]);
  peer.link.detach();
});

test('GIVEN an open offering version 2 WHEN the gateway answers THEN it is close(unsupported-version) and no stream', async () => {
  const peer = rawPeer('responder');
  let streams = 0;
  peer.link.on('stream', () => streams++);
  peer.send({ type: 'open', params: { version: 2, window: 8, maxPayload: 256, session: 1 } });
  await flush();
  assert.equal(peer.received, [{ type: 'close', reason: 'unsupported-version' }]);
  assert.is(streams, 0);
  peer.link.detach();
});

test('GIVEN an opening board WHEN the gateway says unsupported-version THEN open() rejects with that code', async () => {
  const peer = rawPeer('initiator');
  const opened = peer.link.open().catch((e: SerialLinkError) => e);
  await flush();
  peer.send({ type: 'close', reason: 'normal' }); // ignored while opening
  await flush();
  assert.is(peer.link.state, 'opening');
  peer.send({ type: 'close', reason: 'unsupported-version' });
  assert.is(((await opened) as SerialLinkError).code, 'unsupported-version');
  assert.is(peer.link.state, 'closed');
  peer.link.detach();
});

test('GIVEN an opening board WHEN the open-ack grants a bigger window than offered THEN it sends close(protocol-violation) and open() rejects', async () => {
  const peer = rawPeer('initiator', { window: 4, session: 5 });
  const opened = peer.link.open().catch((e: SerialLinkError) => e);
  await flush();
  peer.send({ type: 'open-ack', params: { version: 1, window: 4, maxPayload: 256, session: 4 } }); // stale session: ignored
  await flush();
  assert.is(peer.link.state, 'opening');
  peer.send({ type: 'open-ack', params: { version: 1, window: 8, maxPayload: 256, session: 5 } });
  assert.is(((await opened) as SerialLinkError).code, 'protocol-violation');
  await flush();
  assert.equal(peer.received.at(-1), { type: 'close', reason: 'protocol-violation' });
  peer.link.detach();
});

test('GIVEN bad link options WHEN a link is made THEN the error names the option', () => {
  const scheduler = new SimulatedScheduler();
  const { a } = memoryPair();
  assert.throws(() => new SerialLink(a, { role: 'initiator', scheduler, window: 128 }), /option window is 128/);
  assert.throws(() => new SerialLink(a, { role: 'initiator', scheduler, maxPayload: 0 }), /option maxPayload is 0/);
  assert.throws(() => new SerialLink(a, { role: 'both' as 'initiator', scheduler }), /option role/);
});

test.run();
