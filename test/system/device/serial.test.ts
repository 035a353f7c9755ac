// A board on a serial line, end to end (issue 5 tests, system + hardware in the loop):
//   board --serial line--> gateway serialListener (a process; the reliable serial link, docs/serial-link.md)
//         --TLS--> hub --Event Hub-compatible endpoint--> @azure/event-hubs
//   azure-iothub (ack full) --> hub --> gateway --> board: the LED turns on, feedback says Success;
//   an undecryptable command is rejected by the board, feedback says Rejected.
// One suite, two boards (the node-serialport way): the emulated firmware on one end of a socat pty
// pair (the gateway on the other), and, when FOGBRIDGE_SERIAL_PORT names a port, a real board
// (skipped with instructions otherwise; it never fails CI).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { open, parseKey, seal, type EnvelopeName } from '../../../protocol/envelope.js';
import { decodeFeedback, type FeedbackRecord } from '../../../protocol/feedback.js';
import { partitionOf } from '../../../hub/telemetry/partition.js';
import { systemScheduler } from '../../../hardware/clock.js';
import { serialLinkTransport } from '../../../device-emulator/serial-link-transport.js';
import { Fleet } from '../../../device-emulator/fleet.js';
import { startTestHub, type TestHub } from '../../integration/hub/helpers.js';
import { EventHubConsumer } from '../../integration/hub/event-hub-consumer.js';
import type { ReadEvent } from '../../integration/hub/event-hub-child.js';
import { ServiceClient } from '../../integration/hub/service-client.js';
import { startPtyPair, type PtyPair } from '../../integration/hardware/socat.js';
import { gatewayConfig } from '../../helpers/device-gateway.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/processes.js';
import { haveTool, recordSkip } from '../../helpers/tools.js';

const CIPHER: EnvelopeName = 'xtea-cbc-cts';

/** The board end of the line: what the test needs to know about it, and how to run and stop it. */
interface BoardSide {
  deviceId: string;
  deviceKey: string;
  envelopeKey: Uint8Array;
  /** The serial device the gateway listens on. */
  gatewayPath: string;
  baud: number;
  /** Called once the gateway listens; resolves when the board may start sending. */
  start(): Promise<void>;
  /** The LED as the board model sees it (emulated boards only). */
  led?(): string;
  /** Sealed bodies the board put in its outbox, by message id (emulated boards only). */
  sent?: Map<string, Uint8Array>;
  stop(): Promise<void>;
}

async function emulatedBoard(): Promise<BoardSide> {
  const ptys: PtyPair = await startPtyPair();
  const { serialTransport } = await import('../../../hardware/transport/serial.js');
  const deviceKey = Buffer.alloc(32, 0x42).toString('base64');
  const envelopeKey = parseKey('00112233445566778899aabbccddeeff', CIPHER);
  const sent = new Map<string, Uint8Array>();
  let fleet: Fleet | undefined;
  return {
    deviceId: 'serial-emu-1', deviceKey, envelopeKey, gatewayPath: ptys.paths[1], baud: 115200, sent,
    async start() {
      fleet = new Fleet({
        hubHostName: 'localhost', devices: [{ deviceId: 'serial-emu-1', deviceKey, envelopeKey }], envelope: CIPHER,
        transportFor: () => serialLinkTransport(serialTransport({ path: ptys.paths[0], baudRate: 115200 }), { scheduler: systemScheduler, baud: 115200 }),
        intervalMs: 1_000, seed: 3, randomBytes: (n) => new Uint8Array(n).fill(9),
        timing: { backoff: { baseMs: 200, maxMs: 1_000 } },
      });
      fleet.boards[0]!.actor.subscribe((s) => {
        for (const e of s.context.outbox.entries) sent.set(e.id, e.body);
      });
      fleet.start();
    },
    led: () => fleet!.boards[0]!.board.led.mode,
    async stop() {
      await fleet?.stop();
      await ptys.stop();
    },
  };
}

export const HARDWARE_INSTRUCTIONS = `set FOGBRIDGE_SERIAL_PORT to the USB-TTL adapter wired to the board's COM1 (e.g. /dev/ttyUSB0; README "Connecting a real board over USB serial"), and
    FOGBRIDGE_DEVICE_ID, FOGBRIDGE_DEVICE_KEY (base64 SharedAccessKey) and FOGBRIDGE_ENVELOPE_KEY (hex, ${CIPHER}) to what the board is flashed with
    [FOGBRIDGE_SERIAL_BAUD, default 115200]. The board must run firmware that speaks the fogbridge serial link (docs/serial-link.md, initiator, 115200 8N1)
    and, over it, the fogbridge device behaviour (device-emulator/README.md): CBS put-token for HostName=localhost, telemetry
    {"deviceId","boot","seq","ts","temperature","light","led"} sealed with ${CIPHER}, app property enc, message id <deviceId>:<boot>:<seq>, one reading
    at least every 10 s; commands {"cmd":"led","value":"on"} executed and accepted, undecryptable ones rejected. Reset the board when the test starts.`;

function realBoard(path: string): BoardSide {
  const env = (name: string): string => {
    const v = process.env[name];
    if (!v) throw new Error(`FOGBRIDGE_SERIAL_PORT is set: ${name} is needed too (${HARDWARE_INSTRUCTIONS})`);
    return v;
  };
  return {
    deviceId: env('FOGBRIDGE_DEVICE_ID'), deviceKey: env('FOGBRIDGE_DEVICE_KEY'), envelopeKey: parseKey(env('FOGBRIDGE_ENVELOPE_KEY'), CIPHER),
    gatewayPath: path, baud: Number(process.env.FOGBRIDGE_SERIAL_BAUD ?? 115200),
    start: async () => console.log(`  hardware in the loop: reset the board on ${path} now`),
    stop: async () => undefined,
  };
}

const json = (e: ReadEvent, key: Uint8Array): Record<string, unknown> => JSON.parse(new TextDecoder().decode(open(CIPHER, key, e.body as Uint8Array)));

async function serialSuite(side: BoardSide): Promise<void> {
  let t: TestHub | undefined;
  let gateway: GatewayProcess | undefined;
  let consumer: EventHubConsumer | undefined;
  let service: ServiceClient | undefined;
  try {
    t = await startTestHub({ c2d: { feedbackBatchMs: 50 } });
    t.hub.registry.addDevice(side.deviceId, { primaryKey: side.deviceKey });
    gateway = await startGatewayProcess(gatewayConfig({ hubPort: t.hub.port, caFile: t.hub.certificates.caFile, serial: [{ device: side.gatewayPath, baud: side.baud }] }));
    await gateway.waitFor(/serialListener serial-0: listening on/);
    await side.start();

    // Telemetry: three readings read back with @azure/event-hubs decrypt to the JSON the board sent.
    consumer = new EventHubConsumer(t.hub);
    await consumer.open(t.hub.connectionStrings.eventHub);
    const partition = String(partitionOf(side.deviceId, t.hub.options.partitions));
    const events = await consumer.receive(partition, { offset: '-1' } as never, 3);
    for (const e of events) {
      const body = json(e, side.envelopeKey);
      assert.is(e.systemProperties!['iothub-connection-device-id'], side.deviceId);
      assert.is(e.messageId, `${side.deviceId}:${body.boot}:${body.seq}`);
      assert.equal(e.properties, { enc: CIPHER });
      assert.equal(Object.keys(body).sort(), ['boot', 'deviceId', 'led', 'light', 'seq', 'temperature', 'ts']);
      assert.is(body.deviceId, side.deviceId);
      if (side.sent) assert.equal(new Uint8Array(e.body as Uint8Array), side.sent.get(String(e.messageId)), 'the bytes the board sealed');
    }

    // Commands with azure-iothub, ack full: led on -> Success; garbage -> Rejected.
    service = new ServiceClient(t.hub);
    await service.open(t.hub.connectionStrings.service);
    await service.receiveFeedback();
    const ledOn = Buffer.from(seal(CIPHER, side.envelopeKey, new TextEncoder().encode('{"cmd":"led","value":"on"}'), new Uint8Array(8).fill(1)));
    await service.send(side.deviceId, { dataBase64: ledOn.toString('base64'), data: '', messageId: 'serial-led-on', ack: 'full', properties: { enc: CIPHER } });
    await service.send(side.deviceId, { dataBase64: Buffer.alloc(24, 0xa5).toString('base64'), data: '', messageId: 'serial-junk', ack: 'full', properties: { enc: CIPHER } });
    const records: FeedbackRecord[] = [];
    while (!['serial-led-on', 'serial-junk'].every((id) => records.some((r) => r.originalMessageId === id))) {
      const m = await service.feedback.next(30_000, 'feedback for both commands');
      records.push(...decodeFeedback(new TextEncoder().encode(m.data)));
    }
    const status = Object.fromEntries(records.map((r) => [r.originalMessageId, r.statusCode]));
    assert.equal(status, { 'serial-led-on': 'Success', 'serial-junk': 'Rejected' });
    if (side.led) assert.is(side.led(), 'on');
    // ...and the board says so itself: a reading enqueued after the feedback reports the LED on.
    // (Readings queued before the command ran may still come first: look at up to ten.)
    let after = events.at(-1)!.sequenceNumber;
    let led: unknown;
    for (let i = 0; i < 10 && led !== 'on'; i++) {
      const [next] = await consumer.receive(partition, { sequenceNumber: after } as never, 1);
      after = next!.sequenceNumber;
      led = json(next!, side.envelopeKey).led;
    }
    assert.is(led, 'on', 'a later reading reports the LED on');
  } finally {
    await side.stop().catch(() => undefined);
    await service?.stop();
    await consumer?.stop();
    await gateway?.kill('SIGTERM');
    await t?.stop();
  }
}

const EMULATED = 'GIVEN the emulated board on a socat pty pair WHEN it runs through the gateway serialListener THEN its telemetry reads back decrypted and commands give Success and Rejected';
test(EMULATED, async () => {
  if (!haveTool('socat', 'apt-get install -y socat', EMULATED)) return;
  await serialSuite(await emulatedBoard());
});

const HARDWARE = 'hardware in the loop: a real board on FOGBRIDGE_SERIAL_PORT passes the same serial suite';
test(HARDWARE, async () => {
  const path = process.env.FOGBRIDGE_SERIAL_PORT;
  if (!path) return recordSkip(`${HARDWARE}: ${HARDWARE_INSTRUCTIONS}`);
  await serialSuite(realBoard(path));
});

test.run();
