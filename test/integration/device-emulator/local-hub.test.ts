// The emulated board against the real local hub (hub/, in memory, its plain-AMQP port): the hub's
// CBS accepts the board's tokens, and every reading the board saw accepted is stored and decrypts
// to the JSON the board measured; commands the service sends are run and settled, and the hub's
// feedback says Success for one it could run and Rejected for one it could not decrypt.
// (Through the gateway and its serial listener: the system tests of issue 5.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { NetduinoPlus2 } from '../../../hardware/board/netduino.js';
import { mulberry32 } from '../../../hardware/random.js';
import { tcpTransport } from '../../../hardware/transport/tcp.js';
import { parseIotHubConnectionString } from '../../../protocol/connection-string.js';
import { open, parseKey } from '../../../protocol/envelope.js';
import { firmwareMachine } from '../../../device-emulator/machines/firmware.js';
import { firmwarePhase } from '../../../device-emulator/machines/phase.js';
import rhea, { type EventContext, type Message } from 'rhea';
import { c2dToAddress } from '../../../protocol/address.js';
import { decodeFeedback, type FeedbackRecord } from '../../../protocol/feedback.js';
import { seal } from '../../../protocol/envelope.js';
import { createSasToken } from '../../../protocol/sas.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { cbsClient, next, rawClient, startTestHub, storedEvents, type TestHub } from '../hub/helpers.js';

const KEY = parseKey('00112233445566778899aabbccddeeff', 'xtea-cbc-cts');

test('GIVEN the local hub WHEN an emulated board runs THEN it authenticates and every accepted reading is stored and decrypts', async () => {
  const t = await startTestHub({ plainPort: 0 });
  try {
    t.hub.registry.addDevice('emu-1');
    const cs = parseIotHubConnectionString(t.hub.deviceConnectionString('emu-1'));
    const clock = new SimulatedClock();
    clock.set(Date.now());
    const board = new NetduinoPlus2({ clock, seed: 4 });
    const ivs = mulberry32(4);
    const actor = createActor(firmwareMachine, {
      clock,
      input: {
        deviceId: 'emu-1',
        hubHostName: cs.hostName,
        deviceKey: cs.sharedAccessKey!,
        envelope: { name: 'xtea-cbc-cts', key: KEY },
        deps: {
          board,
          transport: tcpTransport({ host: '127.0.0.1', port: t.hub.plainPort! }),
          randomBytes: (n) => Uint8Array.from({ length: n }, () => ivs.nextInt(256)),
          random: () => 0.5,
        },
      },
    });
    actor.start();
    clock.increment(250);
    await waitFor(actor, (s) => firmwarePhase(s) === 'online' || firmwarePhase(s) === 'backoff', { timeout: 5000 });
    assert.is(firmwarePhase(actor.getSnapshot()), 'online', JSON.stringify(actor.getSnapshot().context.lastFailure));
    for (let i = 0; i < 3; i++) clock.increment(5_000);
    await waitFor(actor, (s) => s.context.outbox.stats.accepted === 3, { timeout: 5000 });
    const events = storedEvents(t.hub).filter((e) => e.message.message_annotations?.['iothub-connection-device-id'] === 'emu-1');
    assert.equal(events.map((e) => e.message.message_id), ['emu-1:1:1', 'emu-1:1:2', 'emu-1:1:3']);
    const json = events.map((e) => JSON.parse(new TextDecoder().decode(open('xtea-cbc-cts', KEY, (e.message.body as { content: Buffer }).content))));
    assert.equal(json.map((j) => [j.deviceId, j.seq]), [['emu-1', 1], ['emu-1', 2], ['emu-1', 3]]);
    assert.equal(events[0]!.message.application_properties, { enc: 'xtea-cbc-cts' });
    actor.send({ type: 'SHUTDOWN' });
    await waitFor(actor, (s) => firmwarePhase(s) === 'stopped', { timeout: 5000 });
  } finally {
    await t.stop();
  }
});

async function serviceConnection(t: TestHub) {
  const c = await rawClient(t.hub);
  const token = createSasToken({
    audience: `localhost:${t.hub.port}`, key: t.hub.registry.policy('iothubowner')!.primaryKey, keyName: 'iothubowner',
    keyConvention: 'iothub', expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  assert.is((await (await cbsClient(c)).put(token, `localhost:${t.hub.port}`)).status, 200);
  return c;
}

test('GIVEN the local hub WHEN the service sends an encrypted led-on and an undecryptable command THEN the LED is on and feedback says Success and Rejected', async () => {
  const t = await startTestHub({ plainPort: 0, c2d: { feedbackBatchMs: 10 } });
  try {
    t.hub.registry.addDevice('emu-2');
    const cs = parseIotHubConnectionString(t.hub.deviceConnectionString('emu-2'));
    const clock = new SimulatedClock();
    clock.set(Date.now());
    const board = new NetduinoPlus2({ clock, seed: 5 });
    const actor = createActor(firmwareMachine, {
      clock,
      input: {
        deviceId: 'emu-2', hubHostName: cs.hostName, deviceKey: cs.sharedAccessKey!, envelope: { name: 'xtea-cbc-cts', key: KEY },
        deps: { board, transport: tcpTransport({ host: '127.0.0.1', port: t.hub.plainPort! }), randomBytes: (n) => new Uint8Array(n), random: () => 0.5 },
      },
    });
    actor.start();
    clock.increment(250);
    await waitFor(actor, (s) => firmwarePhase(s) === 'online', { timeout: 5000 });

    const service = await serviceConnection(t);
    const batches = new AsyncQueue<FeedbackRecord[]>();
    const feedback = service.open_receiver({ source: { address: '/messages/serviceBound/feedback' } });
    feedback.on('message', (ctx: EventContext) => batches.push(decodeFeedback((ctx.message!.body as { content: Buffer }).content)));
    const sender = service.open_sender({ target: { address: '/messages/devicebound' } });
    await next(sender, 'sendable');
    const command = (id: string, body: Uint8Array): Message => ({
      to: c2dToAddress('emu-2'), message_id: id, application_properties: { 'iothub-ack': 'full', enc: 'xtea-cbc-cts' },
      body: rhea.message.data_section(Buffer.from(body)),
    });
    sender.send(command('led-1', seal('xtea-cbc-cts', KEY, new TextEncoder().encode('{"cmd":"led","value":"on"}'), new Uint8Array(8))));
    sender.send(command('junk-1', Uint8Array.from({ length: 24 }, (_, i) => i)));
    await waitFor(actor, (s) => s.context.stats.commands.accepted === 1 && s.context.stats.commands.rejected === 1, { timeout: 5000 });
    assert.is(board.led.mode, 'on');
    const records: FeedbackRecord[] = [];
    while (records.length < 2) records.push(...(await batches.next(5000, 'feedback about both commands')));
    const status = Object.fromEntries(records.map((r) => [r.originalMessageId, r.statusCode]));
    assert.equal(status, { 'led-1': 'Success', 'junk-1': 'Rejected' });
    service.close();
    actor.send({ type: 'SHUTDOWN' });
    await waitFor(actor, (s) => firmwarePhase(s) === 'stopped', { timeout: 5000 });
  } finally {
    await t.stop();
  }
});

test.run();
