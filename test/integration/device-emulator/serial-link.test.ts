// The firmware over a serial line: the board's transport is the reliable serial link on an
// in-memory 115200 baud line that drops, garbles and duplicates bytes (seeded); the far end is a
// responder link feeding each session's stream to the mini hub, as the gateway's serialListener
// will. The board authenticates, its reading is accepted, a command is run, and shutdown closes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { NetduinoPlus2 } from '../../../hardware/board/netduino.js';
import { systemScheduler } from '../../../hardware/clock.js';
import { mulberry32 } from '../../../hardware/random.js';
import { SerialLink } from '../../../hardware/serial-link/link.js';
import { memoryTransports } from '../../../hardware/transport/memory.js';
import { open, parseKey, seal } from '../../../protocol/envelope.js';
import { firmwareMachine } from '../../../device-emulator/machines/firmware.js';
import { firmwarePhase } from '../../../device-emulator/machines/phase.js';
import { serialLinkTransport } from '../../../device-emulator/serial-link-transport.js';
import { MiniHub } from './mini-hub.js';

const DEVICE_KEY = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';
const KEY = parseKey('0f0e0d0c0b0a09080706050403020100', 'xtea-cbc-cts');

test('GIVEN a board on a lossy serial line with the reliable link WHEN it runs THEN it reaches online, its reading is accepted and a command runs', async () => {
  const hub = new MiniHub({ deviceKey: DEVICE_KEY });
  const line = memoryTransports({ baud: 115200, scheduler: systemScheduler, loss: { drop: 1e-3, corrupt: 1e-3, duplicate: 5e-4, seed: 5 } });
  const gateway = new SerialLink(line.pair.b, { role: 'responder', scheduler: systemScheduler });
  gateway.on('stream', (stream) => hub.serve(stream));

  const clock = new SimulatedClock();
  clock.set(Date.now());
  const board = new NetduinoPlus2({ clock, seed: 1 });
  const ivs = mulberry32(2);
  const actor = createActor(firmwareMachine, {
    clock,
    input: {
      deviceId: 'dev1',
      hubHostName: 'myhub.azure-devices.net',
      deviceKey: DEVICE_KEY,
      envelope: { name: 'xtea-cbc-cts', key: KEY },
      deps: {
        board,
        transport: serialLinkTransport(line.a, { scheduler: systemScheduler, baud: 115200 }),
        randomBytes: (n) => Uint8Array.from({ length: n }, () => ivs.nextInt(256)),
        random: () => 0.5,
      },
    },
  });
  actor.start();
  clock.increment(250);
  await waitFor(actor, (s) => firmwarePhase(s) === 'online', { timeout: 10_000 });

  clock.increment(5_000);
  const { message } = await hub.telemetry.next(10_000, 'a reading over the serial link');
  const body = (message.body as { content: Buffer }).content;
  assert.is(JSON.parse(new TextDecoder().decode(open('xtea-cbc-cts', KEY, body))).seq, 1);
  await waitFor(actor, (s) => s.context.outbox.stats.accepted === 1, { timeout: 10_000 });

  hub.sendCommand('c1', seal('xtea-cbc-cts', KEY, new TextEncoder().encode('{"cmd":"led","value":"on"}'), new Uint8Array(8)));
  assert.equal(await hub.commandOutcomes.next(10_000, 'the command outcome'), { id: 'c1', outcome: 'accepted' });
  assert.is(board.led.mode, 'on');

  actor.send({ type: 'SHUTDOWN' });
  await waitFor(actor, (s) => firmwarePhase(s) === 'stopped', { timeout: 10_000 });
  gateway.detach();
});

test.run();
