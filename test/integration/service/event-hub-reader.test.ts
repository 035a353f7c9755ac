// EventHubReader (hub/service/event-hub-reader.ts) against the real local hub: what the monitor
// and the web console rely on beyond printing: credit (prefetch), plain AMQP in emulator mode,
// token renewal on the same connection, and reconnecting after the hub restarts without a gap
// or a repeat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type Hub } from '../../../hub/hub.js';
import { EventHubReader, type ReaderStatus } from '../../../hub/service/event-hub-reader.js';
import type { ReceivedEvent } from '../../../hub/service/received-event.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { deviceOnPartition, sendTelemetry } from '../hub/event-hub-helpers.js';
import { startTestHub } from '../hub/helpers.js';

const bodies = (events: ReceivedEvent[]): string[] => events.map((e) => Buffer.from(e.body).toString());

async function take(reader: EventHubReader, n: number): Promise<ReceivedEvent[]> {
  const out: ReceivedEvent[] = [];
  while (out.length < n) out.push((await reader.next())!);
  return out;
}

test('with prefetch 2 the reader never buffers more than 2 events of a partition, and still reads all 10', async () => {
  const t = await startTestHub();
  const device = deviceOnPartition(t.hub, 0, 'credit');
  await sendTelemetry(t.hub, device, Array.from({ length: 10 }, (_, i) => `m${i}`));
  const reader = new EventHubReader({ connectionString: t.hub.connectionStrings.eventHub, ca: t.hub.certificates.caPem, from: 'earliest', prefetch: 2 });
  await reader.open();
  const got: ReceivedEvent[] = [];
  for (let i = 0; i < 10; i++) {
    got.push((await reader.next())!);
    assert.ok(reader.buffered <= 1, `buffered ${reader.buffered} after taking one of at most 2`);
  }
  assert.equal(bodies(got), Array.from({ length: 10 }, (_, i) => `m${i}`));
  assert.equal(got.map((e) => e.sequenceNumber), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.is(got[0]!.deviceId, device);
  await reader.close();
  assert.is(await reader.next(), undefined, 'a closed reader ends the iteration');
  await t.stop();
});

test('UseDevelopmentEmulator=true reads over plain AMQP with no CA', async () => {
  const t = await startTestHub({ plainPort: 0 });
  const plain = t.hub.connectionStrings.eventHub.replace(/sb:\/\/localhost:\d+\//, `sb://localhost:${t.hub.plainPort}/`) + ';UseDevelopmentEmulator=true';
  await sendTelemetry(t.hub, 'plain-board', ['hello']);
  const reader = new EventHubReader({ connectionString: plain, from: 'earliest' });
  await reader.open();
  assert.equal(bodies(await take(reader, 1)), ['hello']);
  await reader.close();
  await t.stop();
});

test('tokens are renewed on the same connection before they expire: events keep flowing, no reconnect', async () => {
  const t = await startTestHub();
  const statuses = new AsyncQueue<ReaderStatus>();
  // 3 s tokens: renewed every 1.25 s; the hub's sweep (1 s) would detach a receiver whose token expired.
  const reader = new EventHubReader({ connectionString: t.hub.connectionStrings.eventHub, ca: t.hub.certificates.caPem, tokenSeconds: 3, onStatus: (s) => statuses.push(s) });
  await reader.open();
  const seen: string[] = [];
  while (seen.filter((s) => s === 'renewed').length < 4) seen.push((await statuses.next(5000, 'a token renewal')).state);
  await sendTelemetry(t.hub, 'renewing-board', ['after renewals']);
  assert.equal(bodies(await take(reader, 1)), ['after renewals']);
  assert.not.ok(seen.includes('reconnecting'), `statuses: ${seen.join(', ')}`);
  await reader.close();
  await t.stop();
});

test('after the hub restarts the reader reconnects with backoff and resumes each partition: no gap, no repeat', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbridge-reader-restart-'));
  let hub: Hub = await startHub({ dataDir, port: 0 });
  const port = hub.port;
  const a = deviceOnPartition(hub, 1, 'restart');
  const b = deviceOnPartition(hub, 2, 'restart');
  await sendTelemetry(hub, a, ['a1', 'a2']);
  const statuses = new AsyncQueue<ReaderStatus>();
  const reader = new EventHubReader({
    connectionString: hub.connectionStrings.eventHub, ca: hub.certificates.caPem, from: 'earliest',
    backoff: { initialMs: 20, maxMs: 200 }, onStatus: (s) => statuses.push(s),
  });
  await reader.open();
  assert.equal(bodies(await take(reader, 2)), ['a1', 'a2']);
  await hub.close();
  let status = await statuses.next(5000, 'connected');
  while (status.state !== 'reconnecting') status = await statuses.next(5000, 'reconnecting');
  hub = await startHub({ dataDir, port });
  while (status.state !== 'connected') status = await statuses.next(10_000, 'connected again');
  await sendTelemetry(hub, a, ['a3']);
  await sendTelemetry(hub, b, ['b1']);
  const after = await take(reader, 2);
  assert.equal(bodies(after).sort(), ['a3', 'b1']);
  assert.equal(after.find((e) => e.partition === '1')!.sequenceNumber, 2);
  await sendTelemetry(hub, a, ['sentinel']);
  assert.equal(bodies(await take(reader, 1)), ['sentinel'], 'nothing repeated before the sentinel');
  await reader.close();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test.run();
