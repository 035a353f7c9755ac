// The emulated board against the real local hub (hub/, in memory, its plain-AMQP port): the hub's
// CBS accepts the board's tokens, and every reading the board saw accepted is stored and decrypts
// to the JSON the board measured. (Through the gateway and with C2D: the system tests of issue 5.)
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
import { startTestHub, storedEvents } from '../hub/helpers.js';

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

test.run();
