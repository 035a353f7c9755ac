// serialListener (issue 5 item 2; gateway/README.md): a board on a serial line, with the reliable
// serial link (the gateway is the responder), takes the same AMQP path as TCP: CBS proxy,
// authorization, routing to the hub, and `fogbridge stat -c` shows the connection with its port.
// Over the in-memory line, and over a socat pty pair through serialport.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import rhea, { type Connection, type ConnectionOptions } from 'rhea';
import { systemScheduler } from '../../../hardware/clock.js';
import { SerialLink } from '../../../hardware/serial-link/index.js';
import { memoryPair } from '../../../hardware/transport/memory.js';
import { serialTransport } from '../../../hardware/transport/serial.js';
import { main as stat } from '../../../gateway/stat-cli.js';
import type { ConnectionStat } from '../../../gateway/management/snapshot.js';
import { DeviceClient } from '../../helpers/gateway-harness.js';
import { observedGateway, until, type ObservedGateway } from '../../helpers/observed-gateway.js';
import { haveTool } from '../../helpers/tools.js';
import { startPtyPair } from '../hardware/socat.js';

/** A board's rhea client over the serial link's stream (the link is the socket). */
async function boardClient(stream: Duplex, id: string): Promise<DeviceClient> {
  const connection = rhea.create_container({ id }).connect({
    reconnect: false,
    connection_details: () => ({ host: 'gateway', port: 0, connect: (_p: number, _h: string, _o: unknown, connected: () => void) => (process.nextTick(connected), stream) }),
  } as unknown as ConnectionOptions);
  for (const e of ['connection_error', 'sender_error', 'receiver_error', 'protocol_error', 'disconnected', 'error']) connection.on(e, () => undefined);
  await once(connection, 'connection_open');
  return new (DeviceClient as unknown as new (c: Connection) => DeviceClient)(connection);
}

/** `fogbridge stat <args>` in-process; its stdout. */
async function statOutput(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { code: await stat(args), out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

/** Telemetry from the board reaches the hub; stat -c and the JSON show the serial connection. */
async function telemetryOverSerial(g: ObservedGateway, boardStream: Duplex, device: string): Promise<void> {
  const client = await boardClient(boardStream, 'board-S');
  assert.is(await client.putToken('S'), 200);
  const s = await client.attachSender('devices/S/messages/events');
  assert.ok(s.ok, s.ok ? '' : s.description);
  if (!s.ok) return;
  const accepted = once(s.link, 'accepted');
  s.link.send({ body: 'over the serial link', message_id: 's-1' });
  await accepted;
  const connections = JSON.parse((await g.get('/stat/connections')).text) as ConnectionStat[];
  const serial = connections.find((c) => c.serialPort !== null)!;
  assert.equal([serial.serialPort, serial.host, serial.via, serial.container, serial.devices, serial.links], [device, device, 'board', 'board-S', ['S'], 1]);
  const table = await statOutput(['-c', '--url', g.url]);
  assert.is(table.code, 0);
  const row = table.out.split('\n').find((l) => l.includes(`serial ${device}`));
  assert.ok(row, table.out);
  assert.match(row!, new RegExp(`^${serial.id}\\s+serial ${device}\\s+board-S\\s+normal\\s+in\\s+board\\s+no-security\\s+S\\s+1\\s`));
  client.close();
}

test('GIVEN a serialListener on an in-memory line WHEN a board opens the serial link and sends telemetry THEN the hub gets it and stat -c shows the serial connection', async () => {
  const line = memoryPair();
  const g = await observedGateway({
    plan: { serialListeners: [{ name: 'board', device: '/dev/ttyFAKE0', baud: 115200 }] },
    deps: { serial: { open: async () => line.b, scheduler: systemScheduler } },
  });
  const board = new SerialLink(line.a, { role: 'initiator', scheduler: systemScheduler, session: 5 });
  try {
    await until(() => g.gateway.serialListeners[0]!.isOpen, 'the serial listener to open its port');
    await telemetryOverSerial(g, await board.open(), '/dev/ttyFAKE0');
    assert.is((await g.hub.deliveries.next(3000, 'telemetry at the hub')).message.body, 'over the serial link');
    assert.ok(g.logs.some((l) => / SERVER \(info\) \[C\d+\] Connection opened: board serial \/dev\/ttyFAKE0 container="board-S"$/.test(l)));
  } finally {
    board.detach();
    await g.close();
  }
});

test('GIVEN a serial port that is missing at first, later closes, then fails THEN the gateway reopens it with backoff each time and logs each step', async () => {
  const lines = [memoryPair(), memoryPair(), memoryPair()];
  let opens = 0;
  const g = await observedGateway({
    plan: { serialListeners: [{ name: 'board', device: '/dev/ttyGONE', baud: 115200 }] },
    deps: {
      serial: {
        scheduler: systemScheduler,
        open: async () => {
          opens += 1;
          if (opens === 1) throw Object.assign(new Error('Error: No such file or directory, cannot open /dev/ttyGONE'), { code: 'ENOENT' });
          return lines[opens - 2]!.b;
        },
      },
    },
  });
  try {
    await until(() => opens === 2 && g.gateway.serialListeners[0]!.isOpen, 'the second open');
    lines[0]!.b.destroy();
    await until(() => opens === 3 && g.gateway.serialListeners[0]!.isOpen, 'the reopen after the port went away');
    const has = (re: RegExp) => assert.ok(g.logs.some((l) => re.test(l)), `no log line matches ${re}\n${g.logs.join('\n')}`);
    has(/ CONN_MGR \(warning\) serialListener board: cannot open \/dev\/ttyGONE \(Error: No such file or directory/);
    has(/ CONN_MGR \(info\) serialListener board: reopening \/dev\/ttyGONE in \d+ ms \(attempt 1\)$/);
    has(/ SERVER \(info\) serialListener board: listening on \/dev\/ttyGONE at 115200 bit\/s$/);
    has(/ CONN_MGR \(warning\) serialListener board: \/dev\/ttyGONE closed: reopening$/);
    // The reopened port serves a board.
    const board = new SerialLink(lines[1]!.a, { role: 'initiator', scheduler: systemScheduler, session: 9 });
    try {
      await telemetryOverSerial(g, await board.open(), '/dev/ttyGONE');
    } finally {
      board.detach();
    }
    lines[1]!.b.destroy(new Error('EIO: the USB adapter was unplugged'));
    await until(() => opens === 4 && g.gateway.serialListeners[0]!.isOpen, 'the reopen after the port failed');
    has(/ CONN_MGR \(warning\) serialListener board: \/dev\/ttyGONE failed \(EIO: the USB adapter was unplugged\): reopening$/);
  } finally {
    await g.close();
  }
});

const PTY = 'gateway serialListener over a socat pty pair';
test(`GIVEN a ${PTY} WHEN a board sends telemetry over the serial link THEN the hub gets it and stat -c shows the pty`, async () => {
  if (!haveTool('socat', 'apt-get install -y socat', PTY)) return;
  const ptys = await startPtyPair();
  const g = await observedGateway({ plan: { serialListeners: [{ name: 'board', device: ptys.paths[1], baud: 115200 }] } });
  const port = await serialTransport({ path: ptys.paths[0] }).open();
  const board = new SerialLink(port, { role: 'initiator', scheduler: systemScheduler, session: 3 });
  try {
    await until(() => g.gateway.serialListeners[0]!.isOpen, 'the gateway to open its pty', 5000);
    await telemetryOverSerial(g, await board.open(), ptys.paths[1]);
    assert.is((await g.hub.deliveries.next(3000, 'telemetry at the hub')).message.body, 'over the serial link');
  } finally {
    board.detach();
    port.destroy();
    await g.close();
    await ptys.stop();
  }
});

test('fogbridge stat: tables for -g and --linkroutes, --json, and a clear error when no gateway answers', async () => {
  const g = await observedGateway();
  try {
    const general = await statOutput(['-g', '--url', g.url]);
    assert.is(general.code, 0);
    assert.match(general.out, /^Router Statistics\nattr\s+value\n=+\s+=+\n/);
    assert.match(general.out, /\nRouter Id\s+gw-test\n/);
    assert.match(general.out, /\nVersion\s+9\.9\.9-test\n/);
    const routes = await statOutput(['--linkroutes', '--url', g.url]);
    assert.match(routes.out, /\ndevices-in\s+pattern devices\/\*\/#\s+in\s+HUB\s+active\n/);
    assert.match(routes.out, /\ncbs-out\s+prefix \$cbs\s+out\s+HUB\s+active/);
    const json = await statOutput(['-l', '--json', '--url', g.url]);
    assert.equal(JSON.parse(json.out), []);
  } finally {
    await g.close();
  }
  const errors: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => void errors.push(a.join(' '));
  try {
    assert.is(await stat(['-c', '--url', g.url]), 1);
  } finally {
    console.error = error;
  }
  assert.match(errors.join('\n'), /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Is it running, with a `management` section/);
});

test.run();
