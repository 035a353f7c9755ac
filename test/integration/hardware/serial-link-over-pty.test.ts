// The reliable serial link over real serial ports: a socat pty pair opened through serialport,
// real time. A pty ignores the baud rate, so this proves the link on the serialport Duplex, not
// the pacing (test/unit/hardware/serial-link.test.ts measures that on simulated time).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { systemScheduler } from '../../../hardware/clock.js';
import { SerialLink } from '../../../hardware/serial-link/link.js';
import { serialTransport } from '../../../hardware/transport/serial.js';
import { haveTool } from '../../helpers/tools.js';
import { closeStream, pattern, readBytes } from './streams.js';
import { startPtyPair } from './socat.js';

const NAME = 'serial link over a socat pty pair';

test(`GIVEN a ${NAME} WHEN 64 KiB go each way and the board ends its stream THEN both arrive intact and both links close`, async () => {
  if (!haveTool('socat', 'apt-get install -y socat', NAME)) return;
  const ptys = await startPtyPair();
  const [boardPort, gatewayPort] = await Promise.all(ptys.paths.map((path) => serialTransport({ path }).open()));
  try {
    const board = new SerialLink(boardPort!, { role: 'initiator', scheduler: systemScheduler, session: 77 });
    const gateway = new SerialLink(gatewayPort!, { role: 'responder', scheduler: systemScheduler });
    const gatewaySide = new Promise<import('node:stream').Duplex>((resolve) => gateway.once('stream', resolve));
    const boardStream = await board.open();
    const gatewayStream = await gatewaySide;
    const up = pattern(65536, 21);
    const down = pattern(65536, 22);
    const atGateway = readBytes(gatewayStream, up.length, 30_000);
    const atBoard = readBytes(boardStream, down.length, 30_000);
    boardStream.write(up);
    gatewayStream.write(down);
    assert.ok((await atGateway).equals(up));
    assert.ok((await atBoard).equals(down));
    const gatewayClosed = new Promise((resolve) => gateway.once('state', (s) => s === 'closed' && resolve(s)));
    gatewayStream.resume();
    boardStream.resume();
    await new Promise((resolve) => boardStream.end(resolve));
    await gatewayClosed;
    assert.is(board.state, 'closed');
    assert.is(board.stats.crcErrors + gateway.stats.crcErrors, 0);
    board.detach();
    gateway.detach();
  } finally {
    await Promise.all([closeStream(boardPort!), closeStream(gatewayPort!)]);
    await ptys.stop();
  }
});

test.run();
